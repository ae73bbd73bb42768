#include <doctest/doctest.h>

#include <sstream>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <nlohmann/json.hpp>

#include "graph/graph_fixtures.hpp"

using storyline::graph::build_graph;
using storyline::graph::build_timeline;
using storyline::graph::compute_analytics;
using storyline::graph::KnowledgeGraph;
using storyline::graph::Timeline;
using storyline::graph::testing::DocBuilder;

namespace {

const std::string kHostile = "<script>alert(\"x\")</script> & 'Co'";

// Two documents with a hostile organisation name, a control character and an invalid UTF-8 byte.
struct Corpus {
  DocBuilder a{"a"};
  DocBuilder b{"b"};
  Corpus() {
    a.sentence("Ghosn led " + kHostile + " in 2018.");
    a.entity("per:ghosn", "Carlos Ghosn", "PER", {"Ghosn"});
    a.mention("per:ghosn", "Ghosn", 0);
    a.entity("org:evil", kHostile, "ORG");
    a.mention("org:evil", kHostile, 0);
    a.relation("per:ghosn", "org:evil", "role_of", "CEO & \"chair\"", 1.0, 0);
    a.event("ev1", "lead", "2018", {"per:ghosn", "org:evil"}, "led", 0, "Ghosn leads " + kHostile);
    b.sentence("Caf\xE9 Bell\x07 opened in Q3 2019 near Ghosn.");
    b.entity("org:cafe", "Caf\xE9 Bell\x07", "ORG");
    b.mention("org:cafe", "Caf\xE9 Bell\x07", 0);
    b.entity("per:ghosn", "Ghosn", "PER");
    b.mention("per:ghosn", "Ghosn", 0);
    b.relation("org:cafe", "per:ghosn", "co_occurs", "", 1.0, 0);
    b.event("ev1", "opening", "2019-Q3", {"org:cafe"}, "opened", 0);
    b.event("ev2", "opening", "2019-07-04", {"per:ghosn"}, "near", 0);
  }
  KnowledgeGraph graph() const {
    KnowledgeGraph g = build_graph({a.input(), b.input()});
    compute_analytics(g);
    return g;
  }
  Timeline timeline() const { return build_timeline({a.input(), b.input()}); }
};

struct VProps {
  std::string id, name, type;
  int mentions = 0;
  double betweenness = 0;
};
struct EProps {
  std::string type, qualifier;
  double weight = 0;
};
using ReadGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VProps, EProps>;

}  // namespace

TEST_SUITE("graph") {

TEST_CASE("to_json: fields, order and hostile text survive a parse") {
  const Corpus c;
  const KnowledgeGraph g = c.graph();
  const auto j = nlohmann::json::parse(storyline::graph::to_json(g));
  CHECK(j["title"] == "2 documents");
  REQUIRE(j["nodes"].size() == 3);
  CHECK(j["nodes"][0]["id"] == "org:cafe");
  CHECK(j["nodes"][1]["id"] == "org:evil");
  CHECK(j["nodes"][1]["name"] == kHostile);
  CHECK(j["nodes"][1]["evidence"][0]["text"] == "Ghosn led " + kHostile + " in 2018.");
  // Invalid byte -> U+FFFD, control character dropped: the JSON stays valid.
  CHECK(j["nodes"][0]["name"] == "Caf\xEF\xBF\xBD Bell");
  const auto& ghosn = j["nodes"][2];
  CHECK(ghosn["id"] == "per:ghosn");
  CHECK(ghosn["aliases"] == nlohmann::json::array({"Ghosn"}));
  CHECK(ghosn["mentions"] == 2);
  CHECK(ghosn["degree"] == 2.0);
  CHECK(ghosn["betweenness"] == 1.0);
  CHECK(ghosn["component"] == 0);
  REQUIRE(j["edges"].size() == 2);
  CHECK(j["edges"][0]["source"] == "org:cafe");
  CHECK(j["edges"][1]["qualifier"] == "CEO & \"chair\"");
  CHECK(j["edges"][1]["evidence"][0]["doc"] == "a");
  std::vector<std::string> keys;
  const auto ordered = nlohmann::ordered_json::parse(storyline::graph::to_json(g));
  for (const auto& item : ordered["nodes"][0].items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"id", "name", "type", "aliases", "mentions", "degree", "betweenness",
                                         "component", "evidence"});
}

TEST_CASE("to_graphml round-trips through boost::read_graphml, escaped") {
  const Corpus c;
  const KnowledgeGraph g = c.graph();
  const std::string xml = storyline::graph::to_graphml(g);
  CHECK(xml.find("<script>") == std::string::npos);
  CHECK(xml.find("&lt;script&gt;") != std::string::npos);
  CHECK(xml.find('\x07') == std::string::npos);

  ReadGraph r;
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property("id", boost::get(&VProps::id, r));
  dp.property("name", boost::get(&VProps::name, r));
  dp.property("type", boost::get(&VProps::type, r));
  dp.property("mentions", boost::get(&VProps::mentions, r));
  dp.property("betweenness", boost::get(&VProps::betweenness, r));
  dp.property("type", boost::get(&EProps::type, r));
  dp.property("qualifier", boost::get(&EProps::qualifier, r));
  dp.property("weight", boost::get(&EProps::weight, r));
  std::istringstream in(xml);
  boost::read_graphml(in, r, dp);
  REQUIRE(boost::num_vertices(r) == 3);
  REQUIRE(boost::num_edges(r) == 2);
  CHECK(r[0].id == "org:cafe");
  CHECK(r[1].name == kHostile);
  CHECK(r[1].type == "ORG");
  CHECK(r[2].mentions == 2);
  CHECK(r[2].betweenness == doctest::Approx(1.0));
  bool found = false;
  for (auto [e, end] = boost::edges(r); e != end; ++e) {
    if (r[*e].type == "role_of") {
      found = true;
      CHECK(r[*e].qualifier == "CEO & \"chair\"");
      CHECK(r[*e].weight == doctest::Approx(1.0));
      CHECK(r[boost::source(*e, r)].id == "per:ghosn");
      CHECK(r[boost::target(*e, r)].id == "org:evil");
    }
  }
  CHECK(found);
}

TEST_CASE("timeline_to_json carries dates, lanes and evidence") {
  const Corpus c;
  const auto j = nlohmann::json::parse(storyline::graph::timeline_to_json(c.timeline()));
  CHECK(j["undated"] == 0);
  REQUIRE(j["events"].size() == 3);
  CHECK(j["events"][0]["id"] == "a:ev1");
  CHECK(j["events"][0]["summary"] == "Ghosn leads " + kHostile);
  CHECK(j["events"][0]["granularity"] == "year");
  CHECK(j["events"][0]["first_day"] == "2018-01-01");
  CHECK(j["events"][0]["last_day"] == "2018-12-31");
  CHECK(j["events"][0]["lane"] == "Carlos Ghosn");
  CHECK(j["events"][0]["participants"][1]["name"] == kHostile);
  CHECK(j["events"][1]["id"] == "b:ev1");   // Q3 starts 2019-07-01, before the 4th
  CHECK(j["events"][1]["last_day"] == "2019-09-30");
  CHECK(j["events"][2]["evidence"]["doc"] == "b");
}

TEST_CASE("timeline_to_timelinejs: TimelineJS3 shape with HTML-escaped text") {
  const Corpus c;
  const std::string out = storyline::graph::timeline_to_timelinejs(c.timeline());
  CHECK(out.find("<script>") == std::string::npos);
  const auto j = nlohmann::json::parse(out);
  CHECK(j["title"]["text"]["headline"] == "2 documents");
  REQUIRE(j["events"].size() == 3);
  const auto& lead = j["events"][0];
  CHECK(lead["unique_id"] == "a:ev1");
  CHECK(lead["start_date"] == nlohmann::json{{"year", 2018}});   // a year: no month, no day
  CHECK_FALSE(lead.contains("end_date"));
  CHECK(lead["text"]["headline"] ==
        "Ghosn leads &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;");
  CHECK(lead["text"]["text"].get<std::string>().find("&lt;script&gt;") != std::string::npos);
  CHECK(lead["group"] == "Carlos Ghosn");
  const auto& quarter = j["events"][1];
  CHECK(quarter["start_date"] == nlohmann::json{{"year", 2019}, {"month", 7}});
  CHECK(quarter["end_date"] == nlohmann::json{{"year", 2019}, {"month", 9}});
  CHECK(quarter["display_date"] == "2019-Q3");
  CHECK(quarter["group"] == "Caf\xEF\xBF\xBD Bell");
  const auto& day = j["events"][2];
  CHECK(day["start_date"] == nlohmann::json{{"year", 2019}, {"month", 7}, {"day", 4}});
  for (const auto& e : j["events"]) {
    CHECK(e["start_date"]["year"].is_number_integer());
    CHECK(e["text"].contains("headline"));
    CHECK(e["text"].contains("text"));
    CHECK(e.contains("group"));
  }
}

TEST_CASE("exports are deterministic: same input, same bytes") {
  const Corpus c1;
  const Corpus c2;
  const KnowledgeGraph g1 = c1.graph();
  const KnowledgeGraph g2 = c2.graph();
  CHECK(storyline::graph::to_json(g1) == storyline::graph::to_json(g2));
  CHECK(storyline::graph::to_graphml(g1) == storyline::graph::to_graphml(g2));
  const Timeline t1 = c1.timeline();
  const Timeline t2 = c2.timeline();
  CHECK(storyline::graph::timeline_to_json(t1) == storyline::graph::timeline_to_json(t2));
  CHECK(storyline::graph::timeline_to_timelinejs(t1) == storyline::graph::timeline_to_timelinejs(t2));
  storyline::graph::FilterOptions o;
  o.top = 2;
  CHECK(storyline::graph::to_json(storyline::graph::filter_graph(g1, o)) ==
        storyline::graph::to_json(storyline::graph::filter_graph(g2, o)));
}

}  // TEST_SUITE
