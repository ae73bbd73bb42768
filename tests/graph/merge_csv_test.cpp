// Events told twice, Neo4j CSV shape, TimelineJS schema, and `storyline merge` order-independence.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "graph_fixtures.hpp"
#include "test_support.hpp"

using namespace storyline::graph;
using storyline::graph::testing::DocBuilder;

namespace {

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Fields of one CSV line (RFC 4180 quoting).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

TEST_SUITE("graph.merge") {
TEST_CASE("the same event told in two articles is one timeline event with both tellings") {
  DocBuilder a("a");
  a.sentence("Ghosn was arrested in Tokyo on 19 November 2018.");
  a.entity("per:ghosn", "Carlos Ghosn", "PER", {"Ghosn"});
  a.entity("loc:tokyo", "Tokyo", "LOC");
  a.event("ev1", "arrest", "2018-11-19", {"per:ghosn"}, "arrested", 0).amount = std::nullopt;
  DocBuilder b("b");
  b.sentence("Prosecutors arrested Carlos Ghosn in Tokyo on 19 November 2018.");
  b.entity("per:ghosn", "Carlos Ghosn", "PER");
  b.entity("loc:tokyo", "Tokyo", "LOC");
  b.event("ev4", "arrest", "2018-11-19", {"per:ghosn", "loc:tokyo"}, "arrested", 0);
  const Timeline t = build_timeline({a.input(), b.input()});
  REQUIRE(t.events.size() == 1);
  const TimelineEvent& e = t.events[0];
  CHECK(e.id == "a:ev1");
  REQUIRE(e.sources.size() == 2);
  CHECK(e.sources[0].doc == "a");
  CHECK(e.sources[1].doc == "b");
  CHECK(e.participants == std::vector<std::string>{"per:ghosn", "loc:tokyo"});   // union
  auto j = nlohmann::json::parse(timeline_to_json(t));
  CHECK(j["events"][0]["sources"].size() == 2);
  CHECK_FALSE(j["events"][0].contains("sources_total"));   // nothing left out
}

TEST_CASE("an event a whole collection retells keeps its first kEvidenceKept tellings and counts them all") {
  // Five more articles than the cap, each telling the same arrest on the same date (document order
  // breaks the tie: d100 first). The timeline keeps one event, the first tellings in timeline
  // order, and the JSON and TimelineJS exports say how many there were.
  const std::size_t n = kEvidenceKept + 5;
  std::vector<std::unique_ptr<DocBuilder>> docs;
  std::vector<DocumentInput> inputs;
  for (std::size_t i = 0; i < n; ++i) {
    auto d = std::make_unique<DocBuilder>("d" + std::to_string(100 + i));
    d->sentence("Police arrested Carlos Ghosn in Tokyo on 19 November 2018.");
    d->entity("per:ghosn", "Carlos Ghosn", "PER");
    d->event("ev1", "arrest", "2018-11-19", {"per:ghosn"}, "arrested", 0);
    inputs.push_back(d->input());
    docs.push_back(std::move(d));
  }
  const Timeline t = build_timeline(inputs);
  REQUIRE(t.events.size() == 1);
  const TimelineEvent& e = t.events[0];
  CHECK(e.sources.size() == kEvidenceKept);
  CHECK(e.sources_total == n);
  CHECK(e.sources.front().doc == "d100");
  CHECK(e.sources.back().doc == "d" + std::to_string(100 + kEvidenceKept - 1));
  CHECK(e.evidence.doc == "d100");
  const auto j = nlohmann::json::parse(timeline_to_json(t));
  CHECK(j["events"][0]["sources"].size() == kEvidenceKept);
  CHECK(j["events"][0]["sources_total"] == n);
  const auto tj = nlohmann::json::parse(timeline_to_timelinejs(t));
  CHECK(tj["events"][0]["text"]["text"].get<std::string>().find("(5 more tellings)") != std::string::npos);
  // A streamed story gives the same.
  StoryBuilder streamed(StoryBuilder::Parts::timeline);
  for (const auto& in : inputs) streamed.add(in);
  CHECK(timeline_to_json(streamed.timeline()) == timeline_to_json(t));
}

TEST_CASE("to_neo4j_csv: typed headers, one row per node and edge, quoting") {
  KnowledgeGraph g;
  g.nodes.push_back({"org:a", "Acme, \"Inc\"", "ORG", {"Acme"}, 2, {}, 1.5, 0.25, 0});
  g.nodes.push_back({"per:b", "Bo", "PER", {}, 1, {}, 1.5, 0, 0});
  g.edges.push_back({"per:b", "org:a", "role_of", "former CEO", true, 1.0, {}, {}, {}});
  g.edges.push_back({"org:a", "per:b", "co_occurs", "", false, 0.5, {}, {}, {}});
  CsvFiles f = to_neo4j_csv(g);
  auto nodes = lines_of(f.nodes);
  auto edges = lines_of(f.edges);
  REQUIRE(nodes.size() == 3);
  REQUIRE(edges.size() == 3);
  auto nh = csv_fields(nodes[0]);
  CHECK(nh[0] == "id:ID");
  CHECK(std::find(nh.begin(), nh.end(), ":LABEL") != nh.end());
  for (std::size_t i = 1; i < nodes.size(); ++i) CHECK(csv_fields(nodes[i]).size() == nh.size());
  CHECK(csv_fields(nodes[1])[1] == "Acme, \"Inc\"");
  CHECK(csv_fields(nodes[1])[4] == "Entity;Organization");
  auto eh = csv_fields(edges[0]);
  CHECK(eh[0] == ":START_ID");
  CHECK(eh[1] == ":END_ID");
  CHECK(eh[2] == ":TYPE");
  for (std::size_t i = 1; i < edges.size(); ++i) CHECK(csv_fields(edges[i]).size() == eh.size());
  CHECK(csv_fields(edges[1])[2] == "ROLE_OF");
  CHECK(csv_fields(edges[2])[2] == "CO_OCCURS");
  // Every edge end is a node id.
  std::set<std::string> ids;
  for (std::size_t i = 1; i < nodes.size(); ++i) ids.insert(csv_fields(nodes[i])[0]);
  for (std::size_t i = 1; i < edges.size(); ++i) {
    CHECK(ids.count(csv_fields(edges[i])[0]) == 1);
    CHECK(ids.count(csv_fields(edges[i])[1]) == 1);
  }
}

TEST_CASE("timeline_to_timelinejs follows the TimelineJS3 JSON schema") {
  DocBuilder a("a");
  a.sentence("In 2019 Nissan & <Renault> met. On 5 March 2020 they met again.");
  a.entity("org:nissan", "Nissan", "ORG");
  a.event("ev1", "meeting", "2019", {"org:nissan"}, "met", 0);
  a.event("ev2", "meeting", "2020-03-05", {"org:nissan"}, "met again", 0);
  a.event("ev3", "meeting", "2020-Q2", {"org:nissan"}, "In", 0);
  auto j = nlohmann::json::parse(timeline_to_timelinejs(build_timeline({a.input()})));
  REQUIRE(j.is_object());
  REQUIRE(j["events"].is_array());
  CHECK(j["title"]["text"]["headline"].is_string());
  std::set<std::string> unique;
  for (const auto& e : j["events"]) {
    REQUIRE(e["start_date"].is_object());
    CHECK(e["start_date"]["year"].is_number_integer());
    for (const char* date : {"start_date", "end_date"}) {
      if (!e.contains(date)) continue;
      const auto& d = e[date];
      CHECK(d["year"].is_number_integer());
      if (d.contains("month")) CHECK((d["month"].get<int>() >= 1 && d["month"].get<int>() <= 12));
      if (d.contains("day")) CHECK((d["day"].get<int>() >= 1 && d["day"].get<int>() <= 31));
      for (auto it = d.begin(); it != d.end(); ++it)
        CHECK(std::set<std::string>{"year", "month", "day", "hour", "minute", "second", "millisecond",
                                    "display_date", "format"}
                  .count(it.key()) == 1);
    }
    CHECK(e["text"]["headline"].is_string());
    CHECK(e["text"]["text"].is_string());
    CHECK(e["text"]["text"].get<std::string>().find('<' + std::string("Renault")) == std::string::npos);
    CHECK(unique.insert(e["unique_id"].get<std::string>()).second);
    for (auto it = e.begin(); it != e.end(); ++it)
      CHECK(std::set<std::string>{"start_date", "end_date", "text", "media", "group", "display_date", "background",
                                  "autolink", "unique_id"}
                .count(it.key()) == 1);
  }
}

TEST_CASE("storyline merge is order-independent and associative; csv writes two files") {
  const std::string ex = testsupport::source_dir() + "/examples/";
  auto dir = testsupport::temp_dir("merge");
  const std::vector<std::pair<std::string, std::string>> docs = {
      {"nissan_renault", "2023-02-07"}, {"boeing_737_max", "2021-01-08"}, {"arm_listing", "2023-09-15"}};
  std::vector<std::string> parts;
  for (const auto& [name, date] : docs) {
    std::string out = (dir / (name + ".json")).string();
    auto r = testsupport::run("extract '" + ex + name + ".txt' --date " + date + " -o '" + out + "'");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    parts.push_back(out);
  }
  auto merge = [&](const std::vector<std::string>& in, const std::string& name) {
    std::string args = "merge";
    for (const auto& p : in) args += " '" + p + "'";
    std::string out = (dir / name).string();
    auto r = testsupport::run(args + " -o '" + out + "'");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return out;
  };
  const std::string abc = testsupport::slurp(merge({parts[0], parts[1], parts[2]}, "abc.json"));
  const std::string cab = testsupport::slurp(merge({parts[2], parts[0], parts[1]}, "cab.json"));
  const std::string ab = merge({parts[0], parts[1]}, "ab.json");
  const std::string cb = merge({parts[2], parts[1]}, "cb.json");
  const std::string ab_c = testsupport::slurp(merge({ab, parts[2]}, "ab_c.json"));
  const std::string a_cb = testsupport::slurp(merge({parts[0], cb}, "a_cb.json"));
  const std::string twice = testsupport::slurp(merge({ab, parts[0], cb}, "twice.json"));
  CHECK(abc == cab);
  CHECK(abc == ab_c);
  CHECK(abc == a_cb);
  CHECK(abc == twice);   // a document merged twice counts once
  auto j = nlohmann::json::parse(abc);
  CHECK(j["documents"].size() == 3);
  CHECK(j["graph"]["nodes"].size() > 10);
  CHECK(j["timeline"]["events"].size() > 5);
  // JSON Lines input gives the same graph.
  std::string jl = (dir / "all.jsonl").string();
  auto r = testsupport::run("extract --compact '" + ex + "nissan_renault.txt' --date 2023-02-07 -o '" + jl + "'");
  REQUIRE(r.status == 0);
  CHECK(testsupport::slurp(merge({jl}, "jl.json")) == testsupport::slurp(merge({parts[0]}, "one.json")));
  // CSV for Neo4j: -o g.csv writes g.nodes.csv and g.edges.csv.
  std::string csv = (dir / "g.csv").string();
  r = testsupport::run("graph '" + ex + "nissan_renault.txt' --date 2023-02-07 -o '" + csv + "'");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(std::filesystem::exists(dir / "g.nodes.csv"));
  CHECK(std::filesystem::exists(dir / "g.edges.csv"));
  CHECK(testsupport::slurp((dir / "g.edges.csv").string()).rfind(":START_ID,:END_ID,:TYPE", 0) == 0);
  std::filesystem::remove_all(dir);
}
}
