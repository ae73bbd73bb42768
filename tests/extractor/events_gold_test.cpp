// Scores the extractor's events and relations against every examples/<id>.gold.json.
//
// Events: a system event counts when it is asserted and dated (what the timeline shows). It
// matches a gold event of the same type and the same TIMEX value when at least half of the gold
// participants (rounded up; the gold place counts as one) are among its participants or place,
// names compared through the entity's name and aliases, case-insensitively. One-to-one, greedy
// in gold order.
// Relations: typed relations (co_occurs left out) match a gold relation with the same type and
// pair, in the same direction except for partner_of. Qualifiers are not scored.
// STORYLINE_GOLD_VERBOSE=1 prints every miss and every false alarm.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "storyline/extractor/extractor.hpp"
#include "test_support.hpp"

using namespace storyline::extractor;

namespace {

std::string fold(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

struct Counts {
  int tp = 0, sys = 0, gold = 0;
  double p() const { return sys ? double(tp) / sys : 1.0; }
  double r() const { return gold ? double(tp) / gold : 1.0; }
  double f() const { return p() + r() > 0 ? 2 * p() * r() / (p() + r()) : 0.0; }
  void add(const Counts& o) {
    tp += o.tp;
    sys += o.sys;
    gold += o.gold;
  }
};

using Surfaces = std::set<std::string>;

bool overlaps(const Surfaces& a, const Surfaces& b) {
  for (const auto& s : a)
    if (b.count(s)) return true;
  return false;
}

struct Score {
  Counts events, relations;
  std::string misses;
};

Score score_example(const Extractor& ex, const std::filesystem::path& gold_path) {
  std::string base = gold_path.string().substr(0, gold_path.string().size() - std::string(".gold.json").size());
  nlohmann::json gold = nlohmann::json::parse(testsupport::slurp(gold_path.string()));
  nlohmann::json meta = nlohmann::json::parse(testsupport::slurp(base + ".meta.json"));
  std::string text = testsupport::slurp(base + ".txt");
  DocumentInfo info;
  info.id = meta.value("id", "doc");
  info.source = base + ".txt";
  info.date = meta.value("date", "");
  info.date_source = "option";
  Extraction x = ex.extract(text, info);

  // Surfaces of gold names and of system entity ids.
  std::map<std::string, Surfaces> gold_names;
  for (const auto& e : gold["entities"]) {
    Surfaces s{fold(e["name"].get<std::string>())};
    for (const auto& a : e.value("aliases", nlohmann::json::array())) s.insert(fold(a.get<std::string>()));
    gold_names[e["name"].get<std::string>()] = s;
  }
  auto gold_surfaces = [&](const std::string& name) {
    auto it = gold_names.find(name);
    return it == gold_names.end() ? Surfaces{fold(name)} : it->second;
  };
  std::map<std::string, Surfaces> sys_names;
  std::map<std::string, std::string> sys_label;
  for (const auto& e : x.entities) {
    Surfaces s{fold(e.name)};
    for (const auto& a : e.aliases) s.insert(fold(a));
    sys_names[e.id] = s;
    sys_label[e.id] = e.name;
  }

  Score sc;
  std::ostringstream log;
  // Events.
  std::vector<const Event*> sys;
  for (const auto& ev : x.events)
    if (ev.modality == "asserted" && ev.date) sys.push_back(&ev);
  std::vector<bool> used(sys.size(), false);
  sc.events.sys = static_cast<int>(sys.size());
  for (const auto& ge : gold["events"]) {
    ++sc.events.gold;
    std::vector<Surfaces> want;
    for (const auto& p : ge["participants"]) want.push_back(gold_surfaces(p.get<std::string>()));
    if (ge.contains("place")) want.push_back(gold_surfaces(ge["place"].get<std::string>()));
    const std::size_t need = (want.size() + 1) / 2;
    bool found = false;
    for (std::size_t i = 0; i < sys.size() && !found; ++i) {
      if (used[i] || sys[i]->type != ge["type"] || *sys[i]->date != ge["date"]) continue;
      std::size_t have = 0;
      for (const auto& w : want) {
        bool hit = false;
        for (const auto& p : sys[i]->participants) hit = hit || overlaps(w, sys_names[p.entity]);
        have += hit;
      }
      if (have >= need) found = used[i] = true;
    }
    if (found) ++sc.events.tp;
    else log << "  missed event " << ge["type"].get<std::string>() << " " << ge["date"].get<std::string>() << " "
             << ge["participants"].dump() << "\n";
  }
  for (std::size_t i = 0; i < sys.size(); ++i) {
    if (used[i]) continue;
    log << "  extra event " << sys[i]->type << " " << *sys[i]->date << " [" << sys[i]->summary << "] (";
    for (const auto& p : sys[i]->participants) log << sys_label[p.entity] << "/" << p.role << " ";
    log << ")\n";
  }
  // Relations.
  std::vector<const Relation*> rels;
  for (const auto& r : x.relations)
    if (r.type != "co_occurs") rels.push_back(&r);
  std::vector<bool> rused(rels.size(), false);
  sc.relations.sys = static_cast<int>(rels.size());
  for (const auto& gr : gold["relations"]) {
    ++sc.relations.gold;
    Surfaces a = gold_surfaces(gr["source"]), b = gold_surfaces(gr["target"]);
    bool symmetric = gr["type"] == "partner_of";
    bool found = false;
    for (std::size_t i = 0; i < rels.size() && !found; ++i) {
      if (rused[i] || rels[i]->type != gr["type"].get<std::string>()) continue;
      const Surfaces& s = sys_names[x.entities[rels[i]->source].id];
      const Surfaces& t = sys_names[x.entities[rels[i]->target].id];
      bool same = overlaps(a, s) && overlaps(b, t);
      bool swapped = symmetric && overlaps(a, t) && overlaps(b, s);
      if (same || swapped) found = rused[i] = true;
    }
    if (found) ++sc.relations.tp;
    else log << "  missed relation " << gr["source"].get<std::string>() << " " << gr["type"].get<std::string>()
             << " " << gr["target"].get<std::string>() << "\n";
  }
  for (std::size_t i = 0; i < rels.size(); ++i)
    if (!rused[i])
      log << "  extra relation " << sys_label[x.entities[rels[i]->source].id] << " " << rels[i]->type.name() << " "
          << sys_label[x.entities[rels[i]->target].id] << " (" << rels[i]->qualifier << ")\n";
  sc.misses = log.str();
  return sc;
}

std::string fmt(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

TEST_SUITE("extractor.gold") {
TEST_CASE("events and relations against every example gold file") {
  auto loaded = Extractor::load(RuleDirs::defaults());
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  std::vector<std::filesystem::path> golds;
  for (const auto& f : std::filesystem::directory_iterator(testsupport::source_dir() + "/examples"))
    if (f.path().string().ends_with(".gold.json")) golds.push_back(f.path());
  std::sort(golds.begin(), golds.end());
  REQUIRE(golds.size() >= 7);
  const bool verbose = std::getenv("STORYLINE_GOLD_VERBOSE") != nullptr;
  Counts ev_all, rel_all;
  std::ostringstream table;
  table << "| example | events P | R | F1 | relations P | R | F1 |\n|---|---|---|---|---|---|---|\n";
  for (const auto& g : golds) {
    Score sc = score_example(*loaded, g);
    std::string name = g.filename().string();
    name = name.substr(0, name.size() - std::string(".gold.json").size());
    table << "| " << name << " | " << fmt(sc.events.p()) << " | " << fmt(sc.events.r()) << " | "
          << fmt(sc.events.f()) << " | " << fmt(sc.relations.p()) << " | " << fmt(sc.relations.r()) << " | "
          << fmt(sc.relations.f()) << " |\n";
    if (verbose) table << sc.misses;
    ev_all.add(sc.events);
    rel_all.add(sc.relations);
  }
  table << "| **all (micro)** | " << fmt(ev_all.p()) << " | " << fmt(ev_all.r()) << " | " << fmt(ev_all.f()) << " | "
        << fmt(rel_all.p()) << " | " << fmt(rel_all.r()) << " | " << fmt(rel_all.f()) << " |\n";
  MESSAGE("gold scores\n" << table.str());
  // Floors just below what the rules achieve: a drop is a regression to look at.
  CHECK(ev_all.f() >= 0.75);    // events: measured 0.81 after issue 5
  CHECK(rel_all.f() >= 0.75);   // relations measured 0.83 (P 0.95) after issue 5
  CHECK(rel_all.p() >= 0.85);
}
}
