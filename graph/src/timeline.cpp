// build_timeline / filter_timeline: dated events of all documents, in one total order.
//
// Order: first day of the date interval; then the longer interval first (a "2018" event sits
// before "2018-01-01": it is drawn at its first day and reads as the frame of what follows);
// then granularity (coarser first, for equal intervals); then document order, trigger offset and
// event id (TimelineJS3 #59: same-date ties follow the source order).
//
// Partial order: an event's `order` constraints from the text ("fired after the takeover", "two
// months after Son agreed to buy it") reorder events whose date keys are equal (a stable
// topological sort inside each run of equal keys, text order breaking ties and cycles), and an
// undated event constrained to a dated one takes that date (date_source "order") and sits on the
// right side of it. TimelineEvent::after lists the ids it follows.
//
// The same event told twice — same type, modality and date value, and participant nodes that
// overlap — is one event: the first in that order, with the union of participants and its tellings
// in `sources` (in one article or across articles; the first kEvidenceKept, all of them counted in
// sources_total, so that an event a whole collection retells does not grow with the collection).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "graph_internal.hpp"
#include "storyline/graph/graph.hpp"

namespace storyline::graph {

namespace {

using Keyed = detail::TimelineAccumulator::Keyed;

bool is_lane_type(const std::string& type) { return type == "PER" || type == "ORG"; }

bool same_key(const Keyed& a, const Keyed& b) {
  return a.event.date->first_day() == b.event.date->first_day() &&
         a.event.date->last_day() == b.event.date->last_day() &&
         a.event.date->granularity == b.event.date->granularity;
}

// Inside each run of equal date keys, a stable topological sort: repeatedly take the first event
// (in the current order) none of whose predecessors in the run is still waiting; on a cycle take
// the first waiting event.
void order_equal_dates(std::vector<Keyed>& v, const std::map<std::string, std::set<std::string>>& follows) {
  for (std::size_t lo = 0; lo < v.size();) {
    std::size_t hi = lo + 1;
    while (hi < v.size() && same_key(v[lo], v[hi])) ++hi;
    if (hi - lo > 1) {
      std::vector<Keyed> run(std::make_move_iterator(v.begin() + static_cast<long>(lo)),
                             std::make_move_iterator(v.begin() + static_cast<long>(hi)));
      std::vector<bool> done(run.size(), false);
      std::vector<Keyed> sorted;
      for (std::size_t n = 0; n < run.size(); ++n) {
        std::size_t pick = run.size();
        for (std::size_t i = 0; i < run.size() && pick == run.size(); ++i) {
          if (done[i]) continue;
          auto it = follows.find(run[i].event.id);
          bool ready = true;
          if (it != follows.end())
            for (std::size_t j = 0; j < run.size(); ++j)
              if (!done[j] && j != i && it->second.count(run[j].event.id)) ready = false;
          if (ready) pick = i;
        }
        if (pick == run.size())
          for (std::size_t i = 0; i < run.size() && pick == run.size(); ++i)
            if (!done[i]) pick = i;
        done[pick] = true;
        sorted.push_back(std::move(run[pick]));
      }
      std::move(sorted.begin(), sorted.end(), v.begin() + static_cast<long>(lo));
    }
    lo = hi;
  }
}

}  // namespace

namespace detail {

void TimelineAccumulator::add(const DocumentInput& doc, std::size_t d,
                              const EntityMerger::DocNodes& nodes, const EntityMerger& merger) {
  if (!enabled || doc.extraction == nullptr) return;
  const auto& x = *doc.extraction;
  const std::string doc_name = detail::document_name(doc, d);
  if (doc_names.size() <= d) doc_names.resize(d + 1);
  doc_names[d] = doc_name;
  std::map<std::string, const extractor::Event*> by_id;
  for (const auto& ev : x.events) by_id[ev.id] = &ev;
  for (const auto& ev : x.events)
    for (const auto& o : ev.order) {
      if (!by_id.count(o.event) || o.event == ev.id) continue;
      if (o.relation == "after") follows[{d, ev.id}].insert({d, o.event});
      else if (o.relation == "before") follows[{d, o.event}].insert({d, ev.id});
    }
  // An undated event ordered against a dated one borrows its date (two rounds: chains of two).
  std::map<std::string, std::string> borrowed;
  for (int round = 0; round < 2; ++round)
    for (const auto& ev : x.events) {
      if (ev.date || borrowed.count(ev.id)) continue;
      for (const auto& o : ev.order) {
        auto it = by_id.find(o.event);
        if (it == by_id.end() || o.event == ev.id) continue;
        if (it->second->date) borrowed[ev.id] = *it->second->date;
        else if (borrowed.count(o.event)) borrowed[ev.id] = borrowed[o.event];
        if (borrowed.count(ev.id)) break;
      }
      // "B before A" told on A's side: A's order names B; B borrows from A as well.
      if (borrowed.count(ev.id)) continue;
      for (const auto& other : x.events)
        for (const auto& o : other.order)
          if (o.event == ev.id && other.date && !borrowed.count(ev.id)) borrowed[ev.id] = *other.date;
    }
  for (std::size_t i = 0; i < x.events.size(); ++i) {
    const auto& ev = x.events[i];
    TimelineEvent te;
    te.date_value = ev.date.value_or("");
    te.date_source = ev.date_source;
    if (!ev.date && borrowed.count(ev.id)) {
      te.date_value = borrowed[ev.id];
      te.date_source = "order";
    }
    if (!te.date_value.empty()) te.date = extractor::parse_timex_value(te.date_value);
    if (!te.date) {
      ++undated;
      continue;
    }
    te.id = ev.id;
    te.type = ev.type;
    te.summary = ev.summary;
    te.modality = ev.modality;
    Keyed k;
    for (const auto& p : ev.participants) {
      const std::size_t node = nodes.find(p.entity);
      if (node == EntityMerger::DocNodes::npos) continue;
      const std::string& id = merger.id_at(node);
      if (std::find(te.participants.begin(), te.participants.end(), id) != te.participants.end()) continue;
      te.participants.push_back(id);
      if (is_lane_type(merger.type_at(node))) k.lane_nodes.push_back(id);
    }
    te.evidence = {doc_name, ev.trigger.sentence, ev.trigger.start, ev.trigger.end,
                   detail::sentence_text(doc, ev.trigger.sentence)};
    te.amount = ev.amount.value_or("");
    k.event = std::move(te);
    k.doc = d;
    k.start = ev.trigger.start;
    k.ordinal = i;
    dated.push_back(std::move(k));
  }
}

Timeline TimelineAccumulator::finish(const std::vector<Node>& nodes, bool several) {
  Timeline t;
  t.undated = undated;
  auto tid = [&](std::size_t doc, const std::string& ev_id) { return several ? doc_names[doc] + ":" + ev_id : ev_id; };
  std::map<std::string, std::set<std::string>> follows_ids;   // timeline id -> ids it must follow
  for (const auto& [key, preds] : follows)
    for (const auto& p : preds) follows_ids[tid(key.first, key.second)].insert(tid(p.first, p.second));
  for (auto& k : dated) k.event.id = tid(k.doc, k.event.id);
  // Names and lanes from the final nodes: a lane is the first PER/ORG participant with a name.
  for (auto& k : dated) {
    auto& te = k.event;
    te.participant_names.clear();
    for (const auto& id : te.participants) {
      const Node* n = find_sorted(nodes, id);
      te.participant_names.push_back(n != nullptr ? n->name : id);
    }
    std::string lane;
    for (const auto& id : k.lane_nodes) {
      const Node* n = find_sorted(nodes, id);
      if (lane.empty() && n != nullptr) lane = n->name;
    }
    te.lane = lane.empty() ? te.type : lane;
  }
  std::stable_sort(dated.begin(), dated.end(), [](const Keyed& a, const Keyed& b) {
    const auto& da = *a.event.date;
    const auto& db = *b.event.date;
    const long fa = da.first_day(), fb = db.first_day();
    if (fa != fb) return fa < fb;
    const long la = da.last_day(), lb = db.last_day();
    if (la != lb) return la > lb;
    if (da.granularity != db.granularity) return da.granularity < db.granularity;   // enum: coarse first
    return std::tie(a.doc, a.start, a.ordinal) < std::tie(b.doc, b.start, b.ordinal);
  });
  order_equal_dates(dated, follows_ids);

  // (type, modality, date value) -> indexes into t.events.
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::size_t>> seen;
  std::map<std::string, std::string> merged_into;   // id of a telling merged away -> id kept
  for (auto& k : dated) {
    auto& same = seen[{k.event.type, k.event.modality, k.event.date_value}];
    TimelineEvent* into = nullptr;
    for (std::size_t i : same) {
      for (const auto& p : k.event.participants)
        if (std::find(t.events[i].participants.begin(), t.events[i].participants.end(), p) !=
            t.events[i].participants.end())
          into = &t.events[i];
      if (into) break;
    }
    if (into == nullptr) {
      same.push_back(t.events.size());
      k.event.sources = {k.event.evidence};
      k.event.sources_total = 1;
      t.events.push_back(std::move(k.event));
      continue;
    }
    for (std::size_t p = 0; p < k.event.participants.size(); ++p) {
      if (std::find(into->participants.begin(), into->participants.end(), k.event.participants[p]) !=
          into->participants.end())
        continue;
      into->participants.push_back(k.event.participants[p]);
      into->participant_names.push_back(k.event.participant_names[p]);
    }
    if (into->amount.empty()) into->amount = k.event.amount;
    merged_into[k.event.id] = into->id;
    if (into->sources.size() < kEvidenceKept) into->sources.push_back(std::move(k.event.evidence));
    ++into->sources_total;
  }
  std::set<std::string> present;
  for (const auto& e : t.events) present.insert(e.id);
  std::map<std::string, std::set<std::string>> after_of;   // kept id -> kept ids it follows
  for (const auto& [id, preds] : follows_ids) {
    auto kept = [&](const std::string& x) {
      auto it = merged_into.find(x);
      return it == merged_into.end() ? x : it->second;
    };
    for (const auto& p : preds)
      if (present.count(kept(id)) && present.count(kept(p)) && kept(id) != kept(p))
        after_of[kept(id)].insert(kept(p));
  }
  for (auto& e : t.events) {
    auto it = after_of.find(e.id);
    if (it != after_of.end()) e.after.assign(it->second.begin(), it->second.end());
  }
  return t;
}

}  // namespace detail

Timeline filter_timeline(const Timeline& t, std::optional<int> from_year, std::optional<int> to_year,
                         bool include_non_asserted) {
  Timeline out;
  out.title = t.title;
  out.undated = t.undated;
  const long from = from_year ? extractor::days_from_civil(*from_year, 1, 1) : 0;
  const long to = to_year ? extractor::days_from_civil(*to_year, 12, 31) : 0;
  for (const auto& e : t.events) {
    if (!include_non_asserted && e.modality != "asserted" && !e.modality.empty()) continue;
    if (!e.date) continue;   // build_timeline never emits these; hand-built timelines might
    if (from_year && e.date->last_day() < from) continue;
    if (to_year && e.date->first_day() > to) continue;
    out.events.push_back(e);
  }
  return out;
}

}  // namespace storyline::graph
