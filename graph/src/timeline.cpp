// build_timeline / filter_timeline: dated events of all documents, in one total order.
//
// Order: first day of the date interval; then the longer interval first (a "2018" event sits
// before "2018-01-01": it is drawn at its first day and reads as the frame of what follows);
// then granularity (coarser first, for equal intervals); then document order, trigger offset and
// event id (TimelineJS3 #59: same-date ties follow the source order).
//
// The same event told twice — same type, modality and date value, and participant nodes that
// overlap — is one event: the first in that order, with the union of participants and every
// telling in `sources` (in one article or across articles).
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

struct Keyed {
  TimelineEvent event;
  std::size_t doc = 0;
  std::size_t start = 0;
  std::size_t ordinal = 0;   // position in the document's event list
};

bool is_lane_type(const std::string& type) { return type == "PER" || type == "ORG"; }

}  // namespace

Timeline build_timeline(const std::vector<DocumentInput>& docs) {
  const detail::EntityMerge merged = detail::merge_entities(docs);
  Timeline t;
  t.title = detail::title_for(docs);
  const bool several = docs.size() > 1;

  std::vector<Keyed> dated;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    if (docs[d].extraction == nullptr) continue;
    const auto& x = *docs[d].extraction;
    const std::string doc_name = detail::document_name(docs[d], d);
    const auto& node_of = merged.node_of[d];
    for (std::size_t i = 0; i < x.events.size(); ++i) {
      const auto& ev = x.events[i];
      TimelineEvent te;
      te.date_value = ev.date.value_or("");
      if (ev.date) te.date = extractor::parse_timex_value(*ev.date);
      if (!te.date) {
        ++t.undated;
        continue;
      }
      te.id = several ? doc_name + ":" + ev.id : ev.id;
      te.type = ev.type;
      te.summary = ev.summary;
      te.date_source = ev.date_source;
      te.modality = ev.modality;
      std::string lane;
      for (const auto& p : ev.participants) {
        auto it = node_of.find(p.entity);
        if (it == node_of.end()) continue;
        if (std::find(te.participants.begin(), te.participants.end(), it->second) != te.participants.end()) continue;
        const Node* n = merged.node(it->second);
        te.participants.push_back(it->second);
        te.participant_names.push_back(n != nullptr ? n->name : it->second);
        if (lane.empty() && n != nullptr && is_lane_type(n->type)) lane = n->name;
      }
      te.lane = lane.empty() ? ev.type : lane;
      te.evidence = {doc_name, ev.trigger.sentence, ev.trigger.start, ev.trigger.end,
                     detail::sentence_text(docs[d], ev.trigger.sentence)};
      te.sources = {te.evidence};
      te.amount = ev.amount.value_or("");
      dated.push_back({std::move(te), d, ev.trigger.start, i});
    }
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

  // (type, modality, date value) -> indexes into t.events.
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::size_t>> seen;
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
    into->sources.push_back(k.event.evidence);
  }
  return t;
}

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
