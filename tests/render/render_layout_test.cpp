// Readability checked the way a reader would notice it: no node, edge label or title box overlaps
// another, for generated stories of 3 to 300 entities (boxes read back from Graphviz's xdot output).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "render/fixtures.hpp"
#include "render/layout_check.hpp"
#include "render/svg_check.hpp"
#include "storyline/render/render.hpp"

using namespace storyline;
using render::RenderOptions;

namespace {

// A story-shaped graph: a few hubs, typed relations with labels, weak co-occurrences, a second
// component and some isolated entities. Deterministic (a small LCG, no <random>).
graph::KnowledgeGraph generated_graph(int n) {
  graph::KnowledgeGraph g;
  g.title = "Generated story with " + std::to_string(n) + " entities";
  const char* types[] = {"PER", "ORG", "LOC", "MISC"};
  const char* names[] = {"Person", "Holdings Group", "City", "Agreement"};
  unsigned state = 12345u + static_cast<unsigned>(n);
  auto next = [&state](unsigned mod) {
    state = state * 1103515245u + 12345u;
    return (state >> 16) % mod;
  };
  for (int i = 0; i < n; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "x:%04d", i);
    const int t = static_cast<int>(next(4));
    const double degree = i < 3 ? 20.0 - i : 1 + next(4);
    g.nodes.push_back(fixtures::node(id, std::string(names[t]) + " " + std::to_string(i), types[t],
                                     1 + static_cast<int>(next(9)), degree, i < 3 ? 0.5 : 0.01 * next(10)));
  }
  const char* rel[] = {"role_of", "partner_of", "located_in", "co_occurs", "co_occurs"};
  const char* qual[] = {"chief executive", "former", "", "", ""};
  const int isolated_from = n - n / 20;   // the last 5 % stay unconnected
  const int split = n >= 10 ? n * 4 / 5 : n;   // nodes from split on form a second component
  for (int i = 1; i < isolated_from; ++i) {
    const int lo = i >= split ? split : 0;
    if (i == lo) continue;
    const int j = lo + static_cast<int>(next(static_cast<unsigned>(std::min(i - lo, 3 + (i - lo) / 4))));
    const int r = static_cast<int>(next(5));
    g.edges.push_back(fixtures::edge(g.nodes[i].id, g.nodes[j].id, rel[r], qual[next(5)], r < 3, 1 + next(4)));
    if (i % 3 == 0 && i - lo > 2) {
      const int k = lo + static_cast<int>(next(static_cast<unsigned>(i - lo)));
      if (k != j) g.edges.push_back(fixtures::edge(g.nodes[i].id, g.nodes[k].id, "co_occurs"));
    }
  }
  return g;
}

}  // namespace

TEST_SUITE("render") {

TEST_CASE("graph: no overlapping nodes or labels from 3 to 300 entities (issue 6)") {
  for (int n : {3, 30, 100, 300}) {
    CAPTURE(n);
    const graph::KnowledgeGraph g = generated_graph(n);
    RenderOptions o;
    o.format = "xdot";
    const auto start = std::chrono::steady_clock::now();
    auto r = render::render_graph(g, o);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    MESSAGE(n << " entities: layout " << seconds << " s");
    const layoutcheck::Layout l = layoutcheck::read_xdot(*r);
    REQUIRE(l.error == "");
    std::size_t entity_nodes = 0;
    for (const auto& b : l.nodes) entity_nodes += b.what.rfind("node n_", 0) == 0;
    CHECK(entity_nodes == static_cast<std::size_t>(n));
    CHECK(l.graph_label.size() == 1);
    CHECK(layoutcheck::first_overlap(l) == "");
    // Every typed relation has its label somewhere: on the edge (dot) or as a label node.
    std::size_t labelled = 0;
    for (const auto& e : g.edges) labelled += e.type != "co_occurs";
    std::size_t label_nodes = 0;
    for (const auto& b : l.nodes) label_nodes += b.what.rfind("node el_", 0) == 0;
    CHECK(l.edge_labels.size() + label_nodes == labelled);

    // The SVG of the same graph: valid, a tooltip with evidence on every node and relation.
    o.format = "svg";
    auto svg = render::render_graph(g, o);
    REQUIRE(svg.ok());
    CHECK(svgcheck::well_formed(*svg) == "");
    for (const auto& grp : svgcheck::groups(*svg)) {
      const bool entity = grp.id.rfind("n_", 0) == 0;
      const bool relation = grp.id.rfind("e_", 0) == 0;
      if (!entity && !relation) continue;
      CAPTURE(grp.id);
      CHECK(svgcheck::decode(grp.body).find(entity ? "appears in this sentence." : "Evidence for ") !=
            std::string::npos);
    }
  }
}

TEST_CASE("graph: connected components become clusters (dot) and classes (all engines)") {
  graph::KnowledgeGraph g = fixtures::ghosn_graph();
  g.nodes.push_back(fixtures::node("loc:india", "India", "LOC"));
  g.nodes.push_back(fixtures::node("org:europe", "Europe", "ORG"));
  g.nodes.push_back(fixtures::node("per:alone", "Alone", "PER"));
  g.edges.push_back(fixtures::edge("loc:india", "org:europe", "co_occurs"));
  auto r = render::render_graph(g, {});
  REQUIRE(r.ok());
  const auto clusters = svgcheck::with_class(*r, "component");
  REQUIRE(clusters.size() == 2);   // the isolated entity gets no box of its own
  CHECK(svgcheck::by_id(clusters, "comp_0") != nullptr);
  CHECK(svgcheck::by_id(clusters, "comp_1") != nullptr);
  CHECK(svgcheck::has_class(*svgcheck::by_id(svgcheck::groups(*r), "n_per_ghosn"), "comp-0"));
  CHECK(svgcheck::has_class(*svgcheck::by_id(svgcheck::groups(*r), "n_loc_india"), "comp-1"));
  CHECK(svgcheck::has_class(*svgcheck::by_id(svgcheck::groups(*r), "n_per_alone"), "comp-2"));
  // One component: no cluster boxes.
  auto single = render::render_graph(fixtures::ghosn_graph(), {});
  REQUIRE(single.ok());
  CHECK(svgcheck::with_class(*single, "component").empty());
}

}  // TEST_SUITE
