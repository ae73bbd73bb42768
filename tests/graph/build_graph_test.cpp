#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/graph_fixtures.hpp"

using storyline::graph::build_graph;
using storyline::graph::KnowledgeGraph;
using storyline::graph::testing::DocBuilder;

TEST_SUITE("graph") {

TEST_CASE("build_graph merges an entity across documents by alias and sums relations") {
  DocBuilder a("a");
  a.sentence("Carlos Ghosn, chairman of Nissan Motor, was arrested in Tokyo.");
  a.sentence("Ghosn denied it.");
  a.entity("per:carlos_ghosn", "Carlos Ghosn", "PER", {"Ghosn"});
  a.mention("per:carlos_ghosn", "Carlos Ghosn", 0);
  a.mention("per:carlos_ghosn", "Ghosn", 1);
  a.entity("org:nissan_motor", "Nissan Motor", "ORG", {"Nissan"});
  a.mention("org:nissan_motor", "Nissan Motor", 0);
  a.relation("per:carlos_ghosn", "org:nissan_motor", "role_of", "chairman", 1.0, 0);

  DocBuilder b("b");
  b.sentence("NISSAN said its chairman Ghosn had been removed.");
  b.entity("org:nissan", "NISSAN", "ORG");
  b.mention("org:nissan", "NISSAN", 0);
  b.entity("per:ghosn", "Ghosn", "PER");
  b.mention("per:ghosn", "Ghosn", 0);
  b.relation("per:ghosn", "org:nissan", "role_of", "chairman", 2.0, 0);

  const KnowledgeGraph g = build_graph({a.input(), b.input()});
  CHECK(g.title == "2 documents");
  REQUIRE(g.nodes.size() == 2);
  const auto* nissan = g.find("org:nissan_motor");
  const auto* ghosn = g.find("per:carlos_ghosn");
  REQUIRE(nissan != nullptr);
  REQUIRE(ghosn != nullptr);
  CHECK(g.nodes[0].id == "org:nissan_motor");   // sorted by id
  CHECK(nissan->name == "Nissan Motor");          // the longest canonical name
  CHECK(nissan->aliases == std::vector<std::string>{"NISSAN", "Nissan"});
  CHECK(nissan->mentions == 2);
  CHECK(ghosn->mentions == 3);
  REQUIRE(ghosn->evidence.size() == 2);   // first mention per document
  CHECK(ghosn->evidence[0].doc == "a");
  CHECK(ghosn->evidence[0].sentence_text == "Carlos Ghosn, chairman of Nissan Motor, was arrested in Tokyo.");
  CHECK(ghosn->evidence[1].doc == "b");
  CHECK(b.text.substr(ghosn->evidence[1].start, ghosn->evidence[1].end - ghosn->evidence[1].start) == "Ghosn");

  REQUIRE(g.edges.size() == 1);
  const auto& e = g.edges[0];
  CHECK(e.source == "per:carlos_ghosn");
  CHECK(e.target == "org:nissan_motor");
  CHECK(e.type == "role_of");
  CHECK(e.qualifier == "chairman");
  CHECK(e.directed);
  CHECK(e.weight == doctest::Approx(3.0));
  REQUIRE(e.evidence.size() == 2);
  CHECK(e.evidence[0].doc == "a");
  CHECK(e.evidence[1].doc == "b");
  CHECK(e.evidence[1].sentence_text == "NISSAN said its chairman Ghosn had been removed.");
}

TEST_CASE("build_graph: a single document is titled by its id; symmetric relations merge both ways") {
  DocBuilder a("reuters-1");
  a.sentence("Renault and Nissan renewed their alliance. Nissan and Renault met.");
  a.entity("org:renault", "Renault", "ORG");
  a.entity("org:nissan", "Nissan", "ORG");
  a.relation("org:renault", "org:nissan", "partner_of", "", 1.0, 0);
  a.relation("org:nissan", "org:renault", "partner_of", "", 1.0, 0);
  a.relation("org:nissan", "org:renault", "co_occurs", "", 0.5, 0);
  a.relation("org:nissan", "org:nissan", "co_occurs", "", 1.0, 0);   // self-loop: dropped
  a.relation("org:nissan", "org:ghost", "co_occurs", "", 1.0, 0);    // dangling: dropped
  const KnowledgeGraph g = build_graph({a.input()});
  CHECK(g.title == "reuters-1");
  REQUIRE(g.edges.size() == 2);
  CHECK(g.edges[0].type == "co_occurs");
  CHECK(g.edges[0].source == "org:nissan");
  CHECK(g.edges[0].target == "org:renault");
  CHECK_FALSE(g.edges[0].directed);
  CHECK(g.edges[1].type == "partner_of");
  CHECK(g.edges[1].weight == doctest::Approx(2.0));
  CHECK(g.edges[1].evidence.size() == 2);
}

TEST_CASE("build_graph keeps different types apart and disambiguates colliding ids") {
  DocBuilder a("a");
  a.sentence("Jordan visited A.B. Corp.");
  a.entity("per:jordan", "Jordan", "PER");
  a.entity("org:ab", "A.B. Corp", "ORG");
  DocBuilder b("b");
  b.sentence("Jordan hosted AB Holdings.");
  b.entity("loc:jordan", "Jordan", "LOC");
  b.entity("org:ab", "AB Holdings", "ORG");   // same id, different company

  const KnowledgeGraph g = build_graph({a.input(), b.input()});
  REQUIRE(g.nodes.size() == 4);
  CHECK(g.find("per:jordan") != nullptr);
  CHECK(g.find("loc:jordan") != nullptr);
  REQUIRE(g.find("org:ab") != nullptr);
  CHECK(g.find("org:ab")->name == "A.B. Corp");   // first come keeps the id
  REQUIRE(g.find("org:ab@b") != nullptr);
  CHECK(g.find("org:ab@b")->name == "AB Holdings");
}

TEST_CASE("build_graph never merges two entities of one document, and alias-to-alias is not enough") {
  DocBuilder a("a");
  a.sentence("John Smith spoke.");
  a.entity("per:john_smith", "John Smith", "PER", {"Smith"});
  DocBuilder b("b");
  b.sentence("Anna Smith met John Smith.");
  b.entity("per:anna_smith", "Anna Smith", "PER", {"Smith"});
  b.entity("per:john_smith", "John Smith", "PER", {"Smith"});
  const KnowledgeGraph g = build_graph({a.input(), b.input()});
  REQUIRE(g.nodes.size() == 2);
  CHECK(g.find("per:anna_smith")->name == "Anna Smith");
  CHECK(g.find("per:john_smith")->name == "John Smith");
}

TEST_CASE("build_graph: an entity repeating an earlier entity's id in one document stands for that entity's node") {
  DocBuilder a("a");
  a.sentence("Acme hired Lee. Acme again.");
  a.entity("org:acme", "Acme", "ORG");
  a.entity("per:lee", "Lee", "PER");
  a.entity("org:acme", "Acme Group", "ORG");   // a second entity with the first one's id
  a.mention("org:acme", "Acme", 0);
  // The relation names the second Acme by its index (2): it is drawn to the first one's node.
  const auto& s0 = a.x.sentences[0];
  a.x.relations.push_back(
      {2, 1, storyline::extractor::RelationType("employs"), "", 1.0, {{0, s0.start, s0.end}}, {}, {}});
  a.event("ev1", "hire", "2020-01-02", {"org:acme", "per:lee"}, "hired", 0);
  storyline::graph::StoryBuilder sb;
  sb.add(a.input());
  const KnowledgeGraph g = sb.graph();
  REQUIRE(g.nodes.size() == 2);
  REQUIRE(g.edges.size() == 1);
  CHECK(g.edges[0].source == "org:acme");
  CHECK(g.edges[0].target == "per:lee");
  CHECK(g.edges[0].type == "employs");
  const storyline::graph::Timeline t = sb.timeline();
  REQUIRE(t.events.size() == 1);
  CHECK(t.events[0].participants == std::vector<std::string>{"org:acme", "per:lee"});
}

TEST_CASE("build_graph: edges come out in (source, target, type, qualifier) byte order, in any telling order") {
  // Enough edges for the relation table to grow several times, told in reverse order and twice.
  DocBuilder a("a");
  a.sentence("Many firms met.");
  const int n = 90;
  for (int i = 0; i < n; ++i) a.entity("org:f" + std::to_string(i), "Firm " + std::to_string(i), "ORG");
  for (int round = 0; round < 2; ++round)
    for (int i = n - 1; i > 0; --i) {
      a.relation("org:f" + std::to_string(i), "org:f" + std::to_string(i - 1), "supplies", i % 3 ? "" : "chips", 1.0,
                 0);
      a.relation("org:f" + std::to_string(i), "org:f0", "co_occurs", "", 1.0, 0);
    }
  const KnowledgeGraph g = build_graph({a.input()});
  // supplies f(i) -> f(i-1) and co_occurs f0 -- f(i) (symmetric: f0 first) for each i from 1 to 89,
  // each told once a round: weight 2.
  REQUIRE(g.edges.size() == static_cast<std::size_t>(2 * (n - 1)));
  for (std::size_t i = 1; i < g.edges.size(); ++i) {
    const storyline::graph::Edge& p = g.edges[i - 1];
    const storyline::graph::Edge& e = g.edges[i];
    CHECK(std::tie(p.source, p.target, p.type, p.qualifier) < std::tie(e.source, e.target, e.type, e.qualifier));
  }
  for (const storyline::graph::Edge& e : g.edges) CHECK(e.weight == 2.0);
}

TEST_CASE("build_graph carries a relation's time span: the earliest start and the latest end over tellings") {
  DocBuilder a("a");
  a.sentence("Ravi Rao led Lantern Corp. from 2012 to 2016.");
  a.entity("per:ravi_rao", "Ravi Rao", "PER");
  a.mention("per:ravi_rao", "Ravi Rao", 0);
  a.entity("org:lantern", "Lantern Corp.", "ORG");
  a.mention("org:lantern", "Lantern Corp.", 0);
  a.relation("per:ravi_rao", "org:lantern", "role_of", "head", 1.0, 0);
  a.x.relations.back().start = "2012";
  a.x.relations.back().end = "2016";
  DocBuilder b("b");
  b.sentence("Ravi Rao ran Lantern Corp. until 2018.");
  b.entity("per:ravi_rao", "Ravi Rao", "PER");
  b.mention("per:ravi_rao", "Ravi Rao", 0);
  b.entity("org:lantern", "Lantern Corp.", "ORG");
  b.mention("org:lantern", "Lantern Corp.", 0);
  b.relation("per:ravi_rao", "org:lantern", "role_of", "head", 1.0, 0);
  b.x.relations.back().end = "2018";
  const KnowledgeGraph g = build_graph({a.input(), b.input()});
  REQUIRE(g.edges.size() == 1);
  CHECK(g.edges[0].start == "2012");
  CHECK(g.edges[0].end == "2018");
  const std::string json = storyline::graph::to_json(g);
  CHECK(json.find("\"start\": \"2012\"") != std::string::npos);
  CHECK(json.find("\"end\": \"2018\"") != std::string::npos);
  const auto csv = storyline::graph::to_neo4j_csv(g);
  CHECK(csv.edges.rfind(":START_ID,:END_ID,:TYPE,qualifier,directed:boolean,weight:float,evidence:int,start,end\n",
                        0) == 0);
  CHECK(csv.edges.find(",2012,2018\n") != std::string::npos);
}

TEST_CASE("build_graph on no documents is empty") {
  const KnowledgeGraph g = build_graph({});
  CHECK(g.nodes.empty());
  CHECK(g.edges.empty());
  CHECK(g.title == "0 documents");
}


TEST_CASE("StoryBuilder: documents added one at a time and dropped give build_graph's graph and timeline") {
  // Each document lives only for its add(); a later one renames the merged node ("Ghosn" becomes
  // "Carlos Ghosn"), which the earlier document's event must show in its names and lane.
  auto make_a = [](DocBuilder& a) {
    a.sentence("Ghosn was arrested in Tokyo on Monday.");
    a.entity("per:ghosn", "Ghosn", "PER");
    a.mention("per:ghosn", "Ghosn", 0);
    a.entity("loc:tokyo", "Tokyo", "LOC");
    a.mention("loc:tokyo", "Tokyo", 0);
    a.relation("per:ghosn", "loc:tokyo", "located_in", "", 1.0, 0);
    a.event("ev1", "arrest", std::string("2018-11-19"), {"per:ghosn", "loc:tokyo"}, "arrested", 0);
  };
  auto make_b = [](DocBuilder& b) {
    b.sentence("Carlos Ghosn left Japan for Lebanon in December 2019.");
    b.entity("per:carlos_ghosn", "Carlos Ghosn", "PER", {"Ghosn"});
    b.mention("per:carlos_ghosn", "Carlos Ghosn", 0);
    b.entity("loc:lebanon", "Lebanon", "LOC");
    b.mention("loc:lebanon", "Lebanon", 0);
    b.relation("per:carlos_ghosn", "loc:lebanon", "located_in", "", 1.0, 0);
    b.event("ev1", "travel", std::string("2019-12"), {"per:carlos_ghosn", "loc:lebanon"}, "left", 0);
  };
  storyline::graph::StoryBuilder streamed;
  {
    DocBuilder a("a");
    make_a(a);
    streamed.add(a.input());
  }
  {
    DocBuilder b("b");
    make_b(b);
    streamed.add(b.input());
  }
  const KnowledgeGraph g = streamed.graph();
  const storyline::graph::Timeline t = streamed.timeline();

  DocBuilder a("a"), b("b");
  make_a(a);
  make_b(b);
  const KnowledgeGraph whole = build_graph({a.input(), b.input()});
  const storyline::graph::Timeline whole_t = storyline::graph::build_timeline({a.input(), b.input()});
  CHECK(storyline::graph::to_json(g) == storyline::graph::to_json(whole));
  CHECK(storyline::graph::timeline_to_json(t) == storyline::graph::timeline_to_json(whole_t));

  REQUIRE(g.find("per:ghosn") != nullptr);
  CHECK(g.find("per:ghosn")->name == "Carlos Ghosn");
  REQUIRE(t.events.size() == 2);
  CHECK(t.events[0].id == "a:ev1");
  CHECK(t.events[0].lane == "Carlos Ghosn");
  CHECK(t.events[0].participant_names == std::vector<std::string>{"Carlos Ghosn", "Tokyo"});
  CHECK(t.events[0].evidence.sentence_text == "Ghosn was arrested in Tokyo on Monday.");
  CHECK(t.title == "2 documents");
}

}  // TEST_SUITE

TEST_SUITE("graph") {

TEST_CASE("build_graph keeps the first kEvidenceKept pieces of evidence and counts them all") {
  // 25 short documents telling the same pair: the weight sums every telling, the evidence keeps
  // the first ones in document order, and the JSON says how many there were.
  const std::size_t n = storyline::graph::kEvidenceKept + 5;
  std::vector<std::unique_ptr<DocBuilder>> docs;
  std::vector<storyline::graph::DocumentInput> inputs;
  for (std::size_t i = 0; i < n; ++i) {
    auto d = std::make_unique<DocBuilder>("d" + std::to_string(100 + i));
    d->sentence("Acme Corp and Globex met again.");
    d->entity("org:acme", "Acme Corp", "ORG");
    d->mention("org:acme", "Acme Corp", 0);
    d->entity("org:globex", "Globex", "ORG");
    d->mention("org:globex", "Globex", 0);
    d->relation("org:acme", "org:globex", "co_occurs", "", 0.5, 0);
    inputs.push_back(d->input());
    docs.push_back(std::move(d));
  }
  const KnowledgeGraph g = build_graph(inputs);
  REQUIRE(g.edges.size() == 1);
  CHECK(g.edges[0].weight == doctest::Approx(0.5 * static_cast<double>(n)));
  CHECK(g.edges[0].evidence.size() == storyline::graph::kEvidenceKept);
  CHECK(g.edges[0].evidence_total == n);
  CHECK(g.edges[0].evidence.front().doc == "d100");
  CHECK(g.edges[0].evidence.back().doc == "d" + std::to_string(100 + storyline::graph::kEvidenceKept - 1));
  const auto* acme = g.find("org:acme");
  REQUIRE(acme != nullptr);
  CHECK(acme->mentions == static_cast<int>(n));
  CHECK(acme->evidence.size() == storyline::graph::kEvidenceKept);
  CHECK(acme->evidence_total == n);
  const auto j = nlohmann::json::parse(storyline::graph::to_json(g));
  CHECK(j["edges"][0]["evidence"].size() == storyline::graph::kEvidenceKept);
  CHECK(j["edges"][0]["evidence_total"] == n);
  CHECK(j["nodes"][0]["evidence_total"] == n);
  // Under the limit nothing is left out and the JSON has no total.
  const KnowledgeGraph small = build_graph({inputs[0], inputs[1]});
  const auto js = nlohmann::json::parse(storyline::graph::to_json(small));
  CHECK(js["edges"][0]["evidence"].size() == 2);
  CHECK_FALSE(js["edges"][0].contains("evidence_total"));
}

}  // TEST_SUITE
