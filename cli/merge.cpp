// storyline merge — per-document extract JSON in, one merged graph out.
//
//   storyline extract --out-dir parts/ corpus.jsonl        (anywhere, in parallel)
//   storyline merge parts/*.json -o merged.json
//   storyline merge merged.json more.jsonl -o merged2.json  (merged files merge again)
//
// Inputs: a file holding one extract object ({"document", "entities", ...}), JSON Lines of them,
// or an earlier merge output ({"documents": [...]}). The output carries the documents it was made
// of (re-serialised, sorted by id, one per id), the merged graph and the merged timeline, so that
// merging is associative and commutative: any grouping and any order give the same bytes.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "storyline/extractor/extractor.hpp"
#include "storyline/graph/graph.hpp"

namespace storyline::cli {
namespace {

using json = nlohmann::json;

template <class T>
T get_or(const json& j, const char* key, T fallback) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return fallback;
  try {
    return j[key].get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

// An extract object back into an Extraction. Unknown keys are ignored; missing ones default.
Result<extractor::Extraction> parse_extraction(const json& j) {
  using namespace extractor;
  if (!j.is_object() || !j.contains("document") || !j["document"].is_object())
    return Error{"merge.input", "not a storyline extract object (no \"document\")"};
  Extraction x;
  const json& d = j["document"];
  x.document.id = get_or<std::string>(d, "id", "");
  if (x.document.id.empty()) return Error{"merge.input", "document without an \"id\""};
  x.document.source = get_or<std::string>(d, "source", "");
  if (d.contains("date") && d["date"].is_string()) x.document.date = d["date"].get<std::string>();
  x.document.date_source = get_or<std::string>(d, "date_source", "none");
  x.document.bytes = get_or<std::size_t>(d, "bytes", 0);
  for (const auto& s : j.value("sentences", json::array()))
    x.sentences.push_back({get_or<std::size_t>(s, "start", 0), get_or<std::size_t>(s, "end", 0)});
  for (const auto& je : j.value("entities", json::array())) {
    Entity e;
    e.id = get_or<std::string>(je, "id", "");
    e.name = get_or<std::string>(je, "name", "");
    e.type = get_or<std::string>(je, "type", "MISC");
    e.aliases = get_or<std::vector<std::string>>(je, "aliases", {});
    for (const auto& m : je.value("mentions", json::array()))
      e.mentions.push_back({get_or<std::size_t>(m, "start", 0), get_or<std::size_t>(m, "end", 0),
                            get_or<std::string>(m, "text", ""), get_or<std::size_t>(m, "sentence", 0)});
    x.entities.push_back(std::move(e));
  }
  for (const auto& jt : j.value("timexes", json::array())) {
    Timex t;
    t.start = get_or<std::size_t>(jt, "start", 0);
    t.end = get_or<std::size_t>(jt, "end", 0);
    t.text = get_or<std::string>(jt, "text", "");
    t.type = get_or<std::string>(jt, "type", "");
    t.value = get_or<std::string>(jt, "value", "");
    t.sentence = get_or<std::size_t>(jt, "sentence", 0);
    t.rule = get_or<std::string>(jt, "rule", "");
    x.timexes.push_back(std::move(t));
  }
  for (const auto& jv : j.value("events", json::array())) {
    Event ev;
    ev.id = get_or<std::string>(jv, "id", "");
    ev.type = get_or<std::string>(jv, "type", "");
    ev.sentence = get_or<std::size_t>(jv, "sentence", 0);
    if (jv.contains("trigger"))
      ev.trigger = {get_or<std::size_t>(jv["trigger"], "start", 0), get_or<std::size_t>(jv["trigger"], "end", 0),
                    get_or<std::string>(jv["trigger"], "text", ""), ev.sentence};
    if (jv.contains("date") && jv["date"].is_string()) ev.date = jv["date"].get<std::string>();
    ev.date_source = get_or<std::string>(jv, "date_source", "none");
    for (const auto& p : jv.value("participants", json::array()))
      ev.participants.push_back({get_or<std::string>(p, "entity", ""), get_or<std::string>(p, "role", "")});
    ev.summary = get_or<std::string>(jv, "summary", "");
    ev.modality = get_or<std::string>(jv, "modality", "asserted");
    if (jv.contains("amount") && jv["amount"].is_string()) ev.amount = jv["amount"].get<std::string>();
    x.events.push_back(std::move(ev));
  }
  for (const auto& jr : j.value("relations", json::array())) {
    Relation r;
    r.source = get_or<std::string>(jr, "source", "");
    r.target = get_or<std::string>(jr, "target", "");
    r.type = get_or<std::string>(jr, "type", "");
    r.qualifier = get_or<std::string>(jr, "qualifier", "");
    r.weight = get_or<double>(jr, "weight", 1.0);
    r.start = get_or<std::string>(jr, "start", "");
    r.end = get_or<std::string>(jr, "end", "");
    for (const auto& e : jr.value("evidence", json::array()))
      r.evidence.push_back({get_or<std::size_t>(e, "sentence", 0), get_or<std::size_t>(e, "start", 0),
                            get_or<std::size_t>(e, "end", 0)});
    x.relations.push_back(std::move(r));
  }
  return x;
}

// Every JSON value in a file: one document, a merged file, or JSON Lines.
Result<std::vector<json>> read_values(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"io.read", path + ": cannot open"};
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  json whole = json::parse(text, nullptr, false);
  if (!whole.is_discarded()) return std::vector<json>{whole};
  std::vector<json> out;
  std::istringstream lines(text);
  std::string line;
  std::size_t n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) return Error{"merge.input", path + ":" + std::to_string(n) + ": not JSON"};
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

int run_merge(const MergeOptions& o) {
  // id -> canonical compact JSON of the document. Two different documents with one id: the
  // smaller serialisation wins, whatever the input order (commutativity).
  std::map<std::string, std::string> docs;
  bool problems = false;
  auto take = [&](const json& j, const std::string& where) {
    auto x = parse_extraction(j);
    if (!x) {
      std::cerr << "storyline: error: " << where << ": " << x.error().message << "\n";
      problems = true;
      return;
    }
    std::string canon = extractor::to_json(*x, -1);
    auto [it, fresh] = docs.emplace(x->document.id, canon);
    if (!fresh && canon != it->second) {
      if (!o.quiet)
        std::cerr << "storyline: warning: " << where << ": document id '" << x->document.id
                  << "' seen twice with different content; keeping one deterministically\n";
      if (canon < it->second) it->second = canon;
    }
  };
  for (const auto& path : o.inputs) {
    auto values = read_values(path);
    if (!values) {
      std::cerr << "storyline: error: " << values.error().message << "\n";
      problems = true;
      continue;
    }
    for (const auto& v : *values) {
      if (v.is_object() && v.contains("documents") && v["documents"].is_array()) {
        for (const auto& d : v["documents"]) take(d, path);
      } else {
        take(v, path);
      }
    }
  }
  if (docs.empty()) {
    std::cerr << "storyline: error: no documents to merge\n";
    return 1;
  }
  std::vector<extractor::Extraction> xs;
  for (const auto& [id, canon] : docs) xs.push_back(*parse_extraction(json::parse(canon)));
  std::vector<graph::DocumentInput> inputs;
  for (const auto& x : xs) inputs.push_back({&x, nullptr});
  graph::KnowledgeGraph g = graph::build_graph(inputs);
  graph::compute_analytics(g);
  graph::Timeline t = graph::build_timeline(inputs);
  nlohmann::ordered_json out;
  out["storyline"] = "merged";
  out["documents"] = nlohmann::ordered_json::array();
  for (const auto& [id, canon] : docs) out["documents"].push_back(nlohmann::ordered_json::parse(canon));
  out["graph"] = nlohmann::ordered_json::parse(graph::to_json(g));
  out["timeline"] = nlohmann::ordered_json::parse(graph::timeline_to_json(t));
  auto w = write_output(o.output, out.dump(o.compact ? -1 : 1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  if (!w) {
    std::cerr << "storyline: error: " << w.error().message << "\n";
    return 1;
  }
  return problems ? 1 : 0;
}

}  // namespace storyline::cli
