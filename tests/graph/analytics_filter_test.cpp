#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <tuple>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/betweenness_centrality.hpp>

#include "graph/graph_fixtures.hpp"
#include "graph_internal.hpp"

using storyline::graph::compute_analytics;
using storyline::graph::filter_graph;
using storyline::graph::FilterOptions;
using storyline::graph::KnowledgeGraph;
using storyline::graph::testing::small_graph;

namespace {

std::vector<std::string> ids(const KnowledgeGraph& g) {
  std::vector<std::string> out;
  for (const auto& n : g.nodes) out.push_back(n.id);
  return out;
}

}  // namespace

TEST_SUITE("graph") {

TEST_CASE("betweenness from pivots: exact with every source, an estimate with a sample") {
  using storyline::graph::detail::betweenness_from;
  // Path 0-1-2-3-4: vertex 2 lies on (0,3) (0,4) (1,3) (1,4); vertex 1 on (0,2) (0,3) (0,4).
  std::vector<std::vector<std::size_t>> path = {{1}, {0, 2}, {1, 3}, {2, 4}, {3}};
  auto exact = betweenness_from(path, {0, 1, 2, 3, 4});
  CHECK(exact == std::vector<double>{0, 3, 4, 3, 0});
  // Star with centre 0 and 99 leaves: the centre lies on all C(99, 2) = 4851 leaf pairs. Every leaf
  // source sees the same picture, so any sample of leaves estimates it exactly.
  std::vector<std::vector<std::size_t>> star(100);
  for (std::size_t i = 1; i < 100; ++i) {
    star[0].push_back(i);
    star[i].push_back(0);
  }
  auto sampled = betweenness_from(star, {1, 50, 99});
  CHECK(sampled[0] == doctest::Approx(99.0 * 98.0 / 2.0 * 100.0 / 99.0));
  CHECK(sampled[7] == 0.0);
  CHECK(betweenness_from(star, {})[0] == 0.0);
}

TEST_CASE("compute_analytics: many small components and one component past the exact budget") {
  // 3,000 three-node paths (a corpus of short articles): each middle node lies on its one pair.
  std::vector<std::string> names;
  std::vector<std::tuple<std::string, std::string, double>> links;
  for (int i = 0; i < 3000; ++i) {
    std::string p = "p" + std::to_string(10000 + i);
    names.insert(names.end(), {p + "a", p + "b", p + "c"});
    links.emplace_back(p + "a", p + "b", 1.0);
    links.emplace_back(p + "b", p + "c", 1.0);
  }
  // A star of 8,000 leaves: 8,001 x 8,000 steps of exact Brandes is past the budget, so it is sampled.
  names.push_back("hub");
  for (int i = 0; i < 8000; ++i) {
    names.push_back("leaf" + std::to_string(10000 + i));
    links.emplace_back("hub", names.back(), 1.0);
  }
  KnowledgeGraph g = small_graph(names, links);
  KnowledgeGraph g3 = g;
  compute_analytics(g);
  compute_analytics(g3, 3);   // the sampled star on three threads: the same doubles
  int differ = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) differ += g.nodes[i].betweenness != g3.nodes[i].betweenness;
  CHECK(differ == 0);
  const double n = static_cast<double>(g.nodes.size());
  const double norm = 2.0 / ((n - 1) * (n - 2));
  CHECK(g.find("p10000b")->betweenness == doctest::Approx(1.0 * norm));
  CHECK(g.find("p10000a")->betweenness == 0.0);
  CHECK(g.find("hub")->betweenness == doctest::Approx(8000.0 * 7999.0 / 2.0 * norm).epsilon(0.01));
  CHECK(g.find("hub")->component == 0);
  CHECK(g.find("leaf10000")->betweenness == doctest::Approx(0.0));
}

TEST_CASE("compute_analytics: exact betweenness is BGL's brandes_betweenness_centrality, double for double") {
  // Random graphs of several components, dense and sparse: the hand-run Brandes must give exactly
  // BGL's sums (same breadth-first order, same additions), not merely close ones, or outputs change.
  using Ref = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  std::uint64_t state = 12345;
  auto next = [&](std::uint64_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % bound;
  };
  // Rounds 12-14 are large enough for the betweenness to run on several threads (compute_analytics'
  // second argument): every thread count must give BGL's doubles too.
  for (int round = 0; round < 15; ++round) {
    const std::size_t n = round < 12 ? 20 + next(180) : 1200 + next(400);
    const std::size_t m = round < 12 ? n / 2 + next(n * 3) : n + next(n * 2);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < n; ++i) names.push_back("n" + std::to_string(10000 + i));
    std::set<std::pair<std::size_t, std::size_t>> pairs;
    std::vector<std::tuple<std::string, std::string, double>> links;
    for (std::size_t k = 0; k < m; ++k) {
      std::size_t a = next(n), b = next(n);
      if (round % 3 == 0) b = (a + 1 + next(4)) % n;   // long chains: many equal-length paths
      if (a == b) continue;
      links.emplace_back(names[a], names[b], 1.0);
      pairs.insert(std::minmax(a, b));
    }
    const KnowledgeGraph built = small_graph(names, links);
    Ref ref(n);
    for (const auto& [a, b] : pairs) boost::add_edge(a, b, ref);
    std::vector<double> bc(n, 0.0);
    boost::brandes_betweenness_centrality(
        ref, boost::make_iterator_property_map(bc.begin(), boost::get(boost::vertex_index, ref)));
    const double norm = 2.0 / (static_cast<double>(n - 1) * static_cast<double>(n - 2));
    for (unsigned threads : {1u, 2u, 3u}) {
      if (round < 12 && threads > 1) continue;
      KnowledgeGraph g = built;
      compute_analytics(g, threads);
      int differ = 0;
      for (std::size_t i = 0; i < n; ++i) differ += g.find(names[i])->betweenness != bc[i] * norm;
      INFO("round " << round << ": " << n << " nodes, " << pairs.size() << " edges, " << threads << " threads");
      CHECK(differ == 0);
    }
  }
}

TEST_CASE("compute_analytics on the path b-a-c plus isolated d") {
  KnowledgeGraph g = small_graph({"a", "b", "c", "d"}, {{"a", "b", 1.0}, {"a", "c", 2.0}});
  compute_analytics(g);
  const auto& a = *g.find("a");
  const auto& b = *g.find("b");
  const auto& c = *g.find("c");
  const auto& d = *g.find("d");
  // Brandes unnormalised bc(a) = 1 (undirected), relative = 1 / ((n-1)(n-2)/2) = 1/3.
  CHECK(a.betweenness == doctest::Approx(1.0 / 3.0));
  CHECK(b.betweenness == doctest::Approx(0.0));
  CHECK(c.betweenness == doctest::Approx(0.0));
  CHECK(d.betweenness == doctest::Approx(0.0));
  CHECK(a.degree == doctest::Approx(3.0));
  CHECK(b.degree == doctest::Approx(1.0));
  CHECK(c.degree == doctest::Approx(2.0));
  CHECK(d.degree == doctest::Approx(0.0));
  CHECK(a.component == 0);
  CHECK(b.component == 0);
  CHECK(c.component == 0);
  CHECK(d.component == 1);
}

TEST_CASE("compute_analytics: equal-size components ordered by smallest id; parallel edges count once") {
  KnowledgeGraph g = small_graph({"a", "b", "m", "x", "y", "z"},
                                 {{"x", "y", 1.0}, {"y", "z", 1.0}, {"a", "b", 1.0}, {"b", "m", 1.0}});
  g.edges.push_back(g.edges[0]);   // x-y twice (say role_of and co_occurs)
  g.edges.back().type = "role_of";
  compute_analytics(g);
  CHECK(g.find("a")->component == 0);
  CHECK(g.find("m")->component == 0);
  CHECK(g.find("x")->component == 1);
  // Path of 3 in a graph of 6: bc(middle) = 1 / (5*4/2) = 0.1, parallel edge or not.
  CHECK(g.find("b")->betweenness == doctest::Approx(0.1));
  CHECK(g.find("y")->betweenness == doctest::Approx(0.1));
  CHECK(g.find("y")->degree == doctest::Approx(3.0));
}

TEST_CASE("compute_analytics on tiny graphs gives finite values") {
  KnowledgeGraph empty;
  compute_analytics(empty);
  KnowledgeGraph two = small_graph({"a", "b"}, {{"a", "b", 1.0}});
  compute_analytics(two);
  CHECK(std::isfinite(two.nodes[0].betweenness));
  CHECK(two.nodes[0].betweenness == 0.0);
  CHECK(two.nodes[1].component == 0);
}

TEST_CASE("filter_graph: min_weight, top, focus and depth, drop_isolated") {
  // Chain a-b-c-d-e, plus f hanging off e by a weak edge, plus isolated g.
  const KnowledgeGraph g = small_graph(
      {"a", "b", "c", "d", "e", "f", "g"},
      {{"a", "b", 2.0}, {"b", "c", 2.0}, {"c", "d", 2.0}, {"d", "e", 2.0}, {"e", "f", 0.5}});

  SUBCASE("min_weight drops light edges, drop_isolated their nodes") {
    FilterOptions o;
    o.min_weight = 1.0;
    auto f = filter_graph(g, o);
    CHECK(f.edges.size() == 4);
    CHECK(f.nodes.size() == 7);
    CHECK(f.find("f")->component != 0);
    o.drop_isolated = true;
    f = filter_graph(g, o);
    CHECK(ids(f) == std::vector<std::string>{"a", "b", "c", "d", "e"});
    CHECK(f.find("c")->betweenness == doctest::Approx(4.0 / 6.0));   // recomputed on 5 nodes
  }
  SUBCASE("top N by betweenness, then degree, mentions, id") {
    FilterOptions o;
    o.top = 3;
    auto f = filter_graph(g, o);
    // On a-b-c-d-e-f: raw bc c=6, d=6, b=4, e=4 -> c, d; then b vs e tie on bc; b has degree 4 > 2.5.
    CHECK(ids(f) == std::vector<std::string>{"b", "c", "d"});
    CHECK(f.edges.size() == 2);
  }
  SUBCASE("focus by id, name or alias, case-insensitive, with depth") {
    FilterOptions o;
    o.focus = "C";
    auto f = filter_graph(g, o);
    CHECK(ids(f) == std::vector<std::string>{"b", "c", "d"});
    o.focus = "name c";
    o.depth = 2;
    f = filter_graph(g, o);
    CHECK(ids(f) == std::vector<std::string>{"a", "b", "c", "d", "e"});
    KnowledgeGraph with_alias = g;
    with_alias.nodes[6].aliases = {"The Loner"};
    o.focus = "the loner";
    f = filter_graph(with_alias, o);
    CHECK(ids(f) == std::vector<std::string>{"g"});
    o.focus = "nobody";
    f = filter_graph(g, o);
    CHECK(f.nodes.empty());
    CHECK(f.edges.empty());
  }
  SUBCASE("max_edges keeps the heaviest edges, the first in id order on a tie, and every node") {
    KnowledgeGraph h = g;
    h.edges[2].weight = 3.0;   // c-d the heaviest
    FilterOptions o;
    o.max_edges = 2;
    auto f = filter_graph(h, o);
    REQUIRE(f.edges.size() == 2);
    CHECK(f.edges[0].source == "a");   // a-b, first of the 2.0 ties in (source, target) order
    CHECK(f.edges[1].source == "c");   // c-d
    CHECK(f.nodes.size() == 7);
    CHECK(f.find("e")->degree == 0.0);   // analytics recomputed on what is kept
    o.max_edges = 10;                    // more than there are: nothing left out
    CHECK(filter_graph(h, o).edges.size() == 5);
  }
  SUBCASE("focus survives top") {
    FilterOptions o;
    o.focus = "a";
    o.depth = 3;
    o.top = 2;
    auto f = filter_graph(g, o);
    CHECK(ids(f) == std::vector<std::string>{"a", "b"});
  }
}

}  // TEST_SUITE
