#include <graphviz/cgraph.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "render/fixtures.hpp"
#include "render/svg_check.hpp"
#include "storyline/render/render.hpp"

using namespace storyline;
using render::RenderOptions;

namespace {

std::string svg_of(const graph::KnowledgeGraph& g, RenderOptions o = {}) {
  auto r = render::render_graph(g, o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().code + ": " + r.error().message));
  return *r;
}

}  // namespace

TEST_SUITE("render") {

TEST_CASE("graph: one node group per entity with type classes, one edge group per relation") {
  const auto g = fixtures::ghosn_graph();
  const std::string svg = svg_of(g);
  CHECK(svgcheck::well_formed(svg) == "");
  const auto nodes = svgcheck::with_class(svg, "node");
  CHECK(nodes.size() == g.nodes.size());
  for (const auto& n : g.nodes) {
    std::string id = "n_" + n.id;
    std::replace(id.begin(), id.end(), ':', '_');
    const auto* grp = svgcheck::by_id(nodes, id);
    REQUIRE_MESSAGE(grp != nullptr, id);
    std::string type = n.type;
    std::transform(type.begin(), type.end(), type.begin(), ::tolower);
    CHECK(svgcheck::has_class(*grp, type));
    CHECK(svgcheck::all_text(grp->body).find(n.name) != std::string::npos);
    CHECK(grp->body.find("xlink:title") != std::string::npos);   // tooltip with evidence
    CHECK(svgcheck::decode(grp->body).find(n.name + " appears in this sentence.") != std::string::npos);
  }
  const auto edges = svgcheck::with_class(svg, "edge");
  CHECK(edges.size() == g.edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) {
    CHECK(svgcheck::by_id(edges, "e_" + std::to_string(i)) != nullptr);
  }
}

TEST_CASE("graph: relation labels, qualifiers as classes, dashes and arrows") {
  const std::string svg = svg_of(fixtures::ghosn_graph());
  const auto edges = svgcheck::with_class(svg, "edge");
  const std::string text = svgcheck::all_text(svg);
  CHECK(text.find("former chairman") != std::string::npos);   // role with a title: the title
  CHECK(text.find("CEO") != std::string::npos);
  CHECK(text.find("partner of (former)") != std::string::npos);
  CHECK(text.find("located in") != std::string::npos);
  std::size_t arrows = 0, dashed = 0;
  for (const auto& e : edges) {
    const bool is_dashed = e.body.find("stroke-dasharray") != std::string::npos;
    const bool has_arrow = e.body.find("<polygon") != std::string::npos;
    arrows += has_arrow;
    dashed += is_dashed;
    if (svgcheck::has_class(e, "partner_of")) {
      CHECK(svgcheck::has_class(e, "former"));
      CHECK(is_dashed);
      CHECK_FALSE(has_arrow);
    }
    if (svgcheck::has_class(e, "co_occurs")) {
      CHECK(svgcheck::has_class(e, "weak"));
      CHECK(is_dashed);
    }
    if (svgcheck::has_class(e, "located_in")) {
      CHECK(has_arrow);
      CHECK_FALSE(is_dashed);
    }
  }
  CHECK(arrows == 4);   // only the directed relations
  CHECK(dashed == 3);   // former partner, former chairman, co-occurrence
}

TEST_CASE("graph: title and legend; the option title wins over the graph title") {
  const auto g = fixtures::ghosn_graph();
  CHECK(svgcheck::all_text(svg_of(g)).find("Nissan and the Ghosn affair") != std::string::npos);
  RenderOptions o;
  o.title = "Front page";
  const std::string text = svgcheck::all_text(svg_of(g, o));
  CHECK(text.find("Front page") != std::string::npos);
  CHECK(text.find("Nissan and the Ghosn affair") == std::string::npos);
  for (const char* key : {"Person", "Organisation", "Place", "Other", "former", "mentioned together"}) {
    CHECK_MESSAGE(text.find(key) != std::string::npos, key);
  }
}

TEST_CASE("graph: fonts are DejaVu Sans everywhere") {
  const std::string svg = svg_of(fixtures::ghosn_graph());
  CHECK(svg.find("Times") == std::string::npos);
  CHECK(svg.find("font-family=\"DejaVu Sans\"") != std::string::npos);
}

TEST_CASE("graph: hostile text never reaches the SVG raw") {
  auto g = fixtures::ghosn_graph();
  g.title = "<script>alert(1)</script> & \"quotes\"";
  g.nodes[0].name = "<script>alert(1)</script>";
  g.nodes[1].name = std::string("Bell\x07 Tab\tC:\\new \"q\" & 'a' caf\xE9 \xFF");
  g.nodes[2].evidence[0].sentence_text = "Evil </a><b>&nbsp; \x01\x1b[31m";
  g.nodes[3].id = "org:<r&d>\"";   // ids are sanitised too
  for (auto& e : g.edges) {
    if (e.target == "org:renault") e.target = g.nodes[3].id;
    if (e.source == "org:renault") e.source = g.nodes[3].id;
  }
  g.edges[1].qualifier = "former <i>\x02";
  const std::string svg = svg_of(g);
  CHECK(svgcheck::well_formed(svg) == "");
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("</a><b>") == std::string::npos);
  CHECK(svg.find('\x07') == std::string::npos);
  CHECK(svg.find('\x1b') == std::string::npos);
  const std::string text = svgcheck::all_text(svg);
  CHECK(text.find("<script>alert(1)</script>") != std::string::npos);   // shown, escaped
  CHECK(text.find("C:\\new") != std::string::npos);                     // backslash literal
  CHECK(text.find("caf\xEF\xBF\xBD") != std::string::npos);             // U+FFFD for bad bytes
  CHECK(svgcheck::with_class(svg, "node").size() == g.nodes.size());
  CHECK(svgcheck::with_class(svg, "edge").size() == g.edges.size());
}

TEST_CASE("graph: id collisions after sanitising get suffixes") {
  graph::KnowledgeGraph g;
  g.nodes = {fixtures::node("org:a", "A one", "ORG"), fixtures::node("org_a", "A two", "ORG")};
  const auto nodes = svgcheck::with_class(svg_of(g), "node");
  REQUIRE(nodes.size() == 2);
  CHECK(nodes[0].id != nodes[1].id);
}

TEST_CASE("graph: deterministic bytes, independent of input order") {
  auto g = fixtures::ghosn_graph();
  const std::string a = svg_of(g);
  CHECK(svg_of(g) == a);
  std::reverse(g.nodes.begin(), g.nodes.end());
  std::reverse(g.edges.begin(), g.edges.end());
  CHECK(svg_of(g) == a);
}

TEST_CASE("graph: png, pdf and dot outputs") {
  const auto g = fixtures::ghosn_graph();
  RenderOptions o;
  o.format = "png";
  auto png = render::render_graph(g, o);
  REQUIRE(png.ok());
  CHECK(png->substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  o.format = "pdf";
  auto pdf = render::render_graph(g, o);
  REQUIRE(pdf.ok());
  CHECK(pdf->rfind("%PDF", 0) == 0);
  o.format = "dot";
  auto dot = render::render_graph(g, o);
  REQUIRE(dot.ok());
  CHECK(dot->rfind("digraph storyline_graph {", 0) == 0);
  Agraph_t* parsed = agmemread(dot->c_str());
  REQUIRE(parsed != nullptr);
  CHECK(agnnodes(parsed) == static_cast<int>(g.nodes.size()));
  CHECK(agnedges(parsed) == static_cast<int>(g.edges.size()));
  agclose(parsed);
}

TEST_CASE("graph: empty graph renders a note instead of failing") {
  graph::KnowledgeGraph g;
  const std::string svg = svg_of(g);
  CHECK(svgcheck::well_formed(svg) == "");
  const auto nodes = svgcheck::with_class(svg, "node");
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].id == "empty");
  CHECK(svgcheck::all_text(svg).find("Nothing to show") != std::string::npos);
  RenderOptions o;
  o.format = "png";
  CHECK(render::render_graph(g, o).ok());
}

TEST_CASE("graph: bad options are errors with stable codes") {
  const auto g = fixtures::ghosn_graph();
  RenderOptions o;
  o.format = "gif";
  auto r = render::render_graph(g, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "render.format");
  o.format = "svg";
  o.theme = "neon";
  r = render::render_graph(g, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "render.format");
}

TEST_CASE("graph: relations to unknown entities are left out with a diagnostic") {
  auto g = fixtures::ghosn_graph();
  g.edges.push_back(fixtures::edge("per:ghosn", "org:nowhere", "role_of"));
  std::vector<std::string> diagnostics;
  RenderOptions o;
  o.diagnostics = &diagnostics;
  const std::string svg = svg_of(g, o);
  CHECK(svgcheck::with_class(svg, "edge").size() == g.edges.size() - 1);
  REQUIRE(diagnostics.size() >= 1);
  CHECK(diagnostics[0].find("unknown entities") != std::string::npos);
}

TEST_CASE("graph: dark theme and available formats") {
  RenderOptions o;
  o.theme = "dark";
  const std::string svg = svg_of(fixtures::ghosn_graph(), o);
  CHECK(svg.find("#16191d") != std::string::npos);
  const auto formats = render::available_formats();
  for (const char* f : {"svg", "png", "pdf", "dot"}) {
    CHECK(std::find(formats.begin(), formats.end(), f) != formats.end());
  }
}

TEST_CASE("graph: a few hundred entities lay out with straight edges") {
  graph::KnowledgeGraph g;
  const int n = 220;
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "per:%03d", i);
    g.nodes.push_back(fixtures::node(id, "Person " + std::to_string(i), i % 3 ? "PER" : "ORG", 1 + i % 7, i % 5));
  }
  for (int i = 1; i < n; ++i) {
    g.edges.push_back(fixtures::edge(g.nodes[(i * 7) % i].id, g.nodes[i].id, "co_occurs"));
  }
  RenderOptions o;
  const std::string svg = svg_of(g, o);
  CHECK(svgcheck::with_class(svg, "node").size() == static_cast<std::size_t>(n));
  CHECK(svgcheck::with_class(svg, "edge").size() == static_cast<std::size_t>(n - 1));
  o.format = "dot";
  auto dot = render::render_graph(g, o);
  REQUIRE(dot.ok());
  CHECK(dot->find("splines=line") != std::string::npos);
}

TEST_CASE("graph: the engine counts labelled relations; many components are packed in rows") {
  // 60 entities in 30 pairs, each pair joined by a labelled relation: 90 nodes for neato (each
  // label is a node of its own), 30 components.
  graph::KnowledgeGraph g;
  auto add_pairs = [&](int from, int to, const std::string& type) {
    for (int i = from; i < to; ++i) {
      char a[16], b[16];
      std::snprintf(a, sizeof a, "org:a%03d", i);
      std::snprintf(b, sizeof b, "org:b%03d", i);
      g.nodes.push_back(fixtures::node(a, "Buyer " + std::to_string(i), "ORG", 2, 1));
      g.nodes.push_back(fixtures::node(b, "Target " + std::to_string(i), "ORG", 1, 1));
      g.edges.push_back(fixtures::edge(a, b, type));
    }
  };
  add_pairs(0, 30, "acquired");
  RenderOptions o;
  o.format = "dot";
  auto layout_of = [&] {
    auto dot = render::render_graph(g, o);
    REQUIRE(dot.ok());
    return *dot;
  };
  std::string dot = layout_of();
  CHECK(dot.find("mode=major") != std::string::npos);   // neato: 90 nodes
  CHECK(dot.find("packmode") == std::string::npos);     // 30 components: polyominoes
  // 150 pairs: 300 entities (neato's share by count) but 450 nodes with their labels: sfdp; and 150
  // components go in rows.
  add_pairs(30, 150, "acquired");
  dot = layout_of();
  CHECK(dot.find("mode=major") == std::string::npos);
  CHECK(dot.find("packmode=array") != std::string::npos);
  o.format = "svg";
  const std::string svg = layout_of();
  std::size_t entities = 0;   // (label nodes are nodes too: entities are the n_ ones)
  for (std::size_t at = svg.find("<g id=\"n_"); at != std::string::npos; at = svg.find("<g id=\"n_", at + 1)) ++entities;
  CHECK(entities == g.nodes.size());
}

TEST_CASE("graph: concurrent renders are serialised and identical") {
  const auto g = fixtures::ghosn_graph();
  const std::string reference = svg_of(g);
  std::vector<std::string> out(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 3; ++k) {
        auto r = render::render_graph(g, {});
        out[t] = r.ok() ? *r : "error";
        if (out[t] != reference) return;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& s : out) CHECK(s == reference);
}

}  // TEST_SUITE

TEST_SUITE("render.determinism") {

// Graphviz orders clusters by object id, and by default a named object's id is the address of its
// interned name: the picture then changed with unrelated allocations (another build, another heap).
TEST_CASE("graph: clusters come in creation order whatever the heap looked like") {
  graph::KnowledgeGraph g;
  g.title = "components";
  for (int c = 0; c < 6; ++c) {
    std::string a = "x:" + std::to_string(c) + "a", b = "x:" + std::to_string(c) + "b";
    g.nodes.push_back(fixtures::node(a, "Alpha " + std::to_string(c), "ORG", 6 - c));
    g.nodes.push_back(fixtures::node(b, "Beta " + std::to_string(c), "PER"));
    g.edges.push_back(fixtures::edge(a, b, "role_of", "chief executive", true));
  }
  RenderOptions o;
  auto first = render::render_graph(g, o);
  REQUIRE(first);
  // Leave freed blocks of name-string sizes behind in ascending address order: malloc hands them
  // back last-freed first, so strings interned next get descending addresses.
  std::vector<void*> blocks;
  for (std::size_t size : {24u, 32u, 40u, 48u, 56u, 64u, 80u, 96u})
    for (int i = 0; i < 400; ++i) blocks.push_back(std::malloc(size));
  std::sort(blocks.begin(), blocks.end());
  for (void* p : blocks) std::free(p);
  auto second = render::render_graph(g, o);
  REQUIRE(second);
  CHECK(*first == *second);
  std::vector<std::size_t> at;
  for (int c = 0; c < 6; ++c) at.push_back(first->find("<title>cluster_comp_" + std::to_string(c) + "</title>"));
  for (std::size_t c = 0; c < at.size(); ++c) CHECK_MESSAGE(at[c] != std::string::npos, c);
  CHECK(std::is_sorted(at.begin(), at.end()));
}

}  // TEST_SUITE
