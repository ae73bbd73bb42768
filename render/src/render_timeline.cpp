// The timeline: a true time axis drawn with Graphviz's nop2 engine (every node pinned in points).
//
// Recipe (shared/notes/graphviz-boost.md §2): measure every label with a throw-away layout, pack
// labels greedily into rows per lane so they never overlap, then pin everything and lay out once.
// Coordinates are Graphviz points with y growing upward; the axis is y = 0, lanes stack above it.
//
// SVG handles per event (tok = event id with [^A-Za-z0-9_-] -> '_', de-duplicated):
//   marker  <g id="ev_<tok>"   class="node event-marker <exact|coarse> [doc-dated] lane-<k> ...">
//   label   <g id="lbl_<tok>"  class="node event-label  <exact|coarse> [doc-dated] lane-<k> ...">
//   span    <g id="span_<tok>" class="edge event-span ...">   (month/quarter/year precision)
//   leader  <g id="lead_<tok>" class="edge leader">
// plus "lane_<k>" lane names (class lane-label), "lane_line_<k>", "tick_<i>" axis labels
// (class tick-label [major|minor]), "tick_mark_<i>" (class tick [minor]), "grid_<i>", "axis",
// legend "key_<i>" / "key_text_<i>" / "key_span_<i>", "undated" / "empty" notes.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gv.hpp"
#include "storyline/extractor/timex_value.hpp"
#include "storyline/render/render.hpp"
#include "style.hpp"
#include "text.hpp"

namespace storyline::render {
namespace {

using namespace detail;
using extractor::Granularity;

constexpr double kRowStep = 22;      // vertical distance between label rows (label height 18)
constexpr double kFirstRow = 22;     // label row 0 centre above the lane baseline
constexpr double kLaneGap = 34;      // from a lane's top label row to the next baseline
constexpr double kLabelGap = 10;     // minimum horizontal gap between labels in a row
constexpr double kLabelInset = 6;    // label's left edge this far before its marker
constexpr double kRightOverhang = 40;   // labels may run this far past the axis end
constexpr double kLabelFontSize = 9.5;
constexpr double kLaneFontSize = 11;
constexpr std::size_t kSummaryChars = 70;

struct Ev {
  const graph::TimelineEvent* e;
  long first = 0, last = 0;   // days since epoch, inclusive
  bool coarse = false, doc_dated = false;
  std::size_t lane = 0;
  std::string tok;            // id token
  std::string text;           // label text, already Graphviz-safe (gv_text)
  double x0 = 0, x1 = 0;      // marker x / end of interval x
  double width = 0;           // measured label width (points)
  double left = 0;            // label's left edge (labels near the right end hang to the left)
  std::size_t row = 0;
};

struct Axis {
  long start = 0, end = 0;    // [start, end) in days
  double width = 1000;        // points
  bool months = false;
  double x(long day) const {
    return width * static_cast<double>(day - start) / static_cast<double>(end - start);
  }
};

struct Tick {
  long day;
  std::string label;
  bool major;
  bool minor = false;   // a month tick on a year axis: a short mark, no grid line
};

const char* kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool valid_date(const extractor::CalendarDate& d) {
  const bool needs_month = d.granularity != Granularity::decade && d.granularity != Granularity::year;
  const bool needs_day = d.granularity == Granularity::day || d.granularity == Granularity::week;
  if (d.year < -9999 || d.year > 9999) return false;
  if (needs_month && (d.month < 1 || d.month > 12)) return false;
  if (needs_day && (d.day < 1 || d.day > 31)) return false;
  return true;
}

// "2018-11-19", "2018-11", "2018", "2019-Q3", "2019-H2", "summer 2019", "2010s".
std::string date_text(const extractor::CalendarDate& d) {
  char buf[48];
  switch (d.granularity) {
    case Granularity::day:
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
      break;
    case Granularity::week:
      std::snprintf(buf, sizeof buf, "week of %04d-%02d-%02d", d.year, d.month, d.day);
      break;
    case Granularity::month: std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month); break;
    case Granularity::quarter:
      std::snprintf(buf, sizeof buf, "%04d-Q%d", d.year, (d.month - 1) / 3 + 1);
      break;
    case Granularity::half:
      std::snprintf(buf, sizeof buf, "%04d-H%d", d.year, d.month <= 6 ? 1 : 2);
      break;
    case Granularity::season: {
      const char* s = d.month == 3 ? "spring" : d.month == 6 ? "summer" : d.month == 9 ? "autumn" : "winter";
      std::snprintf(buf, sizeof buf, "%s %04d", s, d.year);
      break;
    }
    case Granularity::year: std::snprintf(buf, sizeof buf, "%04d", d.year); break;
    case Granularity::decade: std::snprintf(buf, sizeof buf, "%d0s", d.year); break;
  }
  return buf;
}

int year_of(long day) {
  int y, m, d;
  extractor::civil_from_days(day, y, m, d);
  return y;
}

Axis make_axis(const std::vector<Ev>& evs, const RenderOptions& o) {
  Axis a;
  if (evs.empty()) {
    const int y0 = o.from_year.value_or(o.to_year.value_or(2000));
    const int y1 = o.to_year.value_or(y0);
    a.start = extractor::days_from_civil(y0, 1, 1);
    a.end = extractor::days_from_civil(y1 + 1, 1, 1);
    a.width = 900;
    return a;
  }
  long lo = evs.front().first, hi = evs.front().last;
  for (const Ev& e : evs) { lo = std::min(lo, e.first); hi = std::max(hi, e.last); }
  if (!o.from_year && !o.to_year && hi - lo < 300) {
    // A short story: a month axis from the first to the last month, at least four months wide.
    int y, m, d;
    extractor::civil_from_days(lo, y, m, d);
    int ey, em, ed;
    extractor::civil_from_days(hi, ey, em, ed);
    int months = (ey - y) * 12 + (em - m) + 1;
    int pad_before = std::max(0, (4 - months) / 2);
    int sm = m - pad_before, sy = y;
    while (sm < 1) { sm += 12; --sy; }
    months = std::max(months, 4);
    int endm = sm + months, endy = sy;
    while (endm > 12) { endm -= 12; ++endy; }
    a.start = extractor::days_from_civil(sy, sm, 1);
    a.end = extractor::days_from_civil(endy, endm, 1);
    a.months = true;
    a.width = std::clamp(90.0 * months, 720.0, 1400.0);
    return a;
  }
  const int y0 = o.from_year.value_or(year_of(lo));
  const int y1 = std::max(y0, o.to_year.value_or(year_of(hi)));
  a.start = extractor::days_from_civil(y0, 1, 1);
  a.end = extractor::days_from_civil(y1 + 1, 1, 1);
  const int years = y1 - y0 + 1;
  a.months = false;
  a.width = std::clamp(170.0 * years, 900.0, 2400.0);
  return a;
}

std::vector<Tick> make_ticks(const Axis& a) {
  std::vector<Tick> ticks;
  int y, m, d;
  extractor::civil_from_days(a.start, y, m, d);
  if (a.months) {
    for (long day = a.start; day <= a.end;) {
      std::string label = kMonthNames[m - 1];
      if (m == 1 || ticks.empty()) label += " " + std::to_string(y);
      ticks.push_back({day, label, m == 1 || ticks.empty()});
      if (++m > 12) { m = 1; ++y; }
      day = extractor::days_from_civil(y, m, 1);
    }
    return ticks;
  }
  const int y0 = y, y1 = year_of(a.end - 1) + 1;
  const int years = y1 - y0;
  const double per_year = a.width / std::max(1, years);
  const int step = per_year >= 40 ? 1 : per_year * 2 >= 40 ? 2 : per_year * 5 >= 40 ? 5 : 10;
  // Month ticks between the years once a month gets 8 points; named once it gets 30.
  const bool month_ticks = per_year >= 96, month_names = per_year >= 360;
  for (int yr = y0; yr <= y1; ++yr) {
    const bool labelled = (yr - y0) % step == 0 || yr == y1;
    if (labelled || step <= 2) {
      ticks.push_back({extractor::days_from_civil(yr, 1, 1), labelled ? std::to_string(yr) : "", labelled});
    }
    if (!month_ticks || yr == y1) continue;
    for (int mo = 2; mo <= 12; ++mo) {
      ticks.push_back({extractor::days_from_civil(yr, mo, 1), month_names ? kMonthNames[mo - 1] : "", false, true});
    }
  }
  return ticks;
}

std::string tooltip_for(const Ev& ev) {
  const graph::TimelineEvent& e = *ev.e;
  std::string head = date_text(*e.date);
  if (!e.type.empty()) head += " \xC2\xB7 " + clean_text(e.type);
  if (ev.doc_dated) head += " \xC2\xB7 dated by the article's publication date";
  else if (ev.coarse) head += " \xC2\xB7 date known to this precision only";
  if (!e.modality.empty() && e.modality != "asserted") head += " \xC2\xB7 " + clean_text(e.modality);
  std::string out = gv_text(head) + "\\n" + gv_text(ellipsize(clean_text(e.summary), 300));
  std::string people;
  for (const std::string& p : e.participant_names) {
    const std::string c = clean_text(p);
    if (c.empty()) continue;
    if (!people.empty()) people += ", ";
    people += c;
  }
  if (!people.empty()) out += "\\n" + gv_text("Involves: " + ellipsize(people, 200));
  const std::string s = ellipsize(clean_text(e.evidence.sentence_text), 300);
  if (!s.empty()) {
    std::string line = "\xE2\x80\x9C" + s + "\xE2\x80\x9D";
    if (!e.evidence.doc.empty()) line += " [" + clean_text(e.evidence.doc) + "]";
    out += "\\n" + gv_text(line);
  } else if (!e.evidence.doc.empty()) {   // (read from extract JSON: where, not what)
    out += "\\n" + gv_text(evidence_place(e.evidence.doc, e.evidence.sentence));
  }
  return out;
}

std::string pos(double x, double y) { return num(x, 2) + "," + num(y, 2); }

// Shared look of the label boxes, so the measuring graph and the real one agree on widths.
void label_defaults(Agraph_t* g, const Theme& th) {
  default_attr(g, AGRAPH, "fontname", kFont);
  default_attr(g, AGNODE, "fontname", kFont);
  default_attr(g, AGNODE, "fontsize", num(kLabelFontSize));
  default_attr(g, AGNODE, "fontcolor", th.text);
  default_attr(g, AGNODE, "shape", "box");
  default_attr(g, AGNODE, "height", "0.25");
  default_attr(g, AGNODE, "margin", "0.07,0.02");
  default_attr(g, AGEDGE, "fontname", kFont);
}

struct Legend {
  std::vector<std::pair<std::string, std::string>> items;   // kind, text
  std::vector<double> widths;
};

}  // namespace

Result<std::string> render_timeline(const graph::Timeline& t, const RenderOptions& options) {
  if (auto err = check_options(options)) return *err;
  const Theme th = *theme_named(options.theme);
  std::vector<std::string> notes;

  // 1. Events with usable dates, sorted by first day (input order breaks ties: source order).
  std::vector<Ev> evs;
  std::size_t undated = t.undated;
  for (const graph::TimelineEvent& e : t.events) {
    if (!e.date || !valid_date(*e.date)) {
      if (e.date) notes.push_back("event '" + clean_text(e.id) + "' has an invalid date and is left out");
      ++undated;
      continue;
    }
    Ev ev;
    ev.e = &e;
    ev.first = e.date->first_day();
    ev.last = std::max(ev.first, e.date->last_day());
    ev.coarse = e.date->granularity != Granularity::day;
    ev.doc_dated = e.date_source == "document";
    evs.push_back(std::move(ev));
  }
  std::stable_sort(evs.begin(), evs.end(), [](const Ev& a, const Ev& b) { return a.first < b.first; });

  Axis axis = make_axis(evs, options);
  {
    std::vector<Ev> inside;
    for (Ev& ev : evs) {
      if (ev.last >= axis.start && ev.first < axis.end) inside.push_back(std::move(ev));
    }
    if (inside.size() < evs.size()) {
      notes.push_back(std::to_string(evs.size() - inside.size()) +
                      " event(s) outside the time range are left out");
    }
    evs = std::move(inside);
  }

  // Lanes in order of first appearance; ids, label texts.
  std::vector<std::string> lanes;
  std::map<std::string, std::size_t> lane_index;
  std::set<std::string> used_tokens;
  for (Ev& ev : evs) {
    std::string lane = clean_text(options.lanes == "type" ? ev.e->type : ev.e->lane);
    if (options.lanes == "type") {
      std::replace(lane.begin(), lane.end(), '_', ' ');
      if (!lane.empty() && lane[0] >= 'a' && lane[0] <= 'z') lane[0] = static_cast<char>(lane[0] - 'a' + 'A');
    }
    if (lane.empty()) lane = "Other";
    auto [it, fresh] = lane_index.emplace(lane, lanes.size());
    if (fresh) lanes.push_back(lane);
    ev.lane = it->second;
    std::string base = id_token(ev.e->id.empty() ? "event" : ev.e->id);
    ev.tok = base;
    for (int k = 2; !used_tokens.insert(ev.tok).second; ++k) ev.tok = base + "_" + std::to_string(k);
    std::string summary = ellipsize(clean_text(ev.e->summary), kSummaryChars);
    if (summary.empty()) summary = clean_text(ev.e->type);
    ev.text = gv_text(date_text(*ev.e->date)) + "  " + gv_text(summary);   // already Graphviz-safe
    ev.x0 = axis.x(std::max(ev.first, axis.start));
    ev.x1 = axis.x(std::min(ev.last + 1, axis.end));
  }

  Legend legend;
  bool any_exact = false, any_coarse = false, any_doc = false;
  for (const Ev& ev : evs) {
    if (ev.doc_dated) any_doc = true;
    else if (ev.coarse) any_coarse = true;
    else any_exact = true;
  }
  if (any_exact) legend.items.push_back({"exact", "date in the text"});
  if (any_coarse) legend.items.push_back({"coarse", "known only to the month, quarter or year"});
  if (any_doc) legend.items.push_back({"doc", "dated by the article's publication date"});
  std::string undated_text;
  if (undated > 0) {
    undated_text = std::to_string(undated) + (undated == 1 ? " event" : " events") +
                   " without a usable date not shown";
  }

  const std::string title = clean_text(options.title.empty() ? t.title : options.title);
  const char* engine = "nop2";

  GvSession session(options.diagnostics);
  for (const std::string& note : notes) session.note(note);
  GvContext ctx;   // before agopen
  if (const std::string problem = check_plugins(ctx, engine, options.format); !problem.empty()) {
    return Error{"render.graphviz", problem};
  }

  // 2. Measure label, lane-name and legend widths with a throw-away layout.
  std::vector<double> lane_widths(lanes.size(), 0);
  {
    GvGraph mg("storyline_timeline_measure", false);
    if (!mg) return Error{"render.graphviz", session.messages_or("agopen failed")};
    label_defaults(mg.get(), th);
    std::vector<Agnode_t*> label_nodes, lane_nodes, legend_nodes;
    auto make = [&](const std::string& name, const std::string& text, double fontsize) {
      Agnode_t* v = add_node(mg.get(), name);
      if (v == nullptr) return v;
      set_attr(v, "label", text);
      set_attr(v, "pos", "0,0");
      if (fontsize != kLabelFontSize) {
        set_attr(v, "fontsize", num(fontsize));
        set_attr(v, "shape", "plaintext");
      }
      return v;
    };
    for (std::size_t i = 0; i < evs.size(); ++i) label_nodes.push_back(make("l" + std::to_string(i), evs[i].text, kLabelFontSize));
    for (std::size_t i = 0; i < lanes.size(); ++i) lane_nodes.push_back(make("k" + std::to_string(i), gv_text(ellipsize(lanes[i], 28)), kLaneFontSize));
    for (std::size_t i = 0; i < legend.items.size(); ++i) legend_nodes.push_back(make("g" + std::to_string(i), gv_text(legend.items[i].second), 9));
    for (auto* v : label_nodes) if (!v) return Error{"render.graphviz", session.messages_or("agnode failed")};
    for (auto* v : lane_nodes) if (!v) return Error{"render.graphviz", session.messages_or("agnode failed")};
    for (auto* v : legend_nodes) if (!v) return Error{"render.graphviz", session.messages_or("agnode failed")};
    GvLayout measure(ctx, mg, engine);
    if (!measure) return Error{"render.layout", "measuring labels failed: " + session.messages_or("gvLayout returned an error")};
    attach_attrs(mg.get());
    auto width_of = [](Agnode_t* v) {
      char* w = agget(v, const_cast<char*>("width"));
      return w != nullptr ? std::strtod(w, nullptr) * 72.0 : 100.0;
    };
    for (std::size_t i = 0; i < evs.size(); ++i) evs[i].width = width_of(label_nodes[i]);
    for (std::size_t i = 0; i < lanes.size(); ++i) lane_widths[i] = width_of(lane_nodes[i]);
    for (std::size_t i = 0; i < legend.items.size(); ++i) legend.widths.push_back(width_of(legend_nodes[i]));
  }

  // 3. Greedy row packing per lane, events in date order. A label starts just before its marker,
  // or ends just after it when it would run far past the axis end. It takes the lowest row where
  // it keeps kLabelGap from every label already there and from the leader lines of earlier
  // events that rise through that row (so no later label hides an earlier leader).
  struct Slot { double x0, x1, marker; };
  std::vector<std::vector<std::vector<Slot>>> rows_of(lanes.size());
  for (Ev& ev : evs) {
    ev.left = ev.x0 - kLabelInset;
    if (ev.left + ev.width > axis.width + kRightOverhang && ev.width < ev.x0 + kLabelInset) {
      ev.left = ev.x0 + kLabelInset - ev.width;
    }
    std::vector<std::vector<Slot>>& rows = rows_of[ev.lane];
    auto free_span = [&](const std::vector<Slot>& row) {
      for (const Slot& s : row) {
        if (ev.left < s.x1 + kLabelGap && s.x0 < ev.left + ev.width + kLabelGap) return false;
      }
      return true;
    };
    std::size_t r = 0;
    while (r < rows.size() && !free_span(rows[r])) ++r;
    if (r == rows.size()) rows.emplace_back();
    rows[r].push_back({ev.left, ev.left + ev.width, ev.x0});
    // Later labels must not cover this leader either: reserve its line in the rows below.
    for (std::size_t k = 0; k < r; ++k) rows[k].push_back({ev.x0 - 0.5, ev.x0 + 0.5, ev.x0});
    ev.row = r;
  }
  std::vector<std::vector<double>> row_ends(lanes.size());
  for (std::size_t k = 0; k < lanes.size(); ++k) row_ends[k].resize(rows_of[k].size());
  // Lane baselines from the bottom (last lane) up; the first lane ends on top.
  std::vector<double> baseline(lanes.size(), 0);
  double y = 30;
  for (std::size_t k = lanes.size(); k-- > 0;) {
    baseline[k] = y;
    const std::size_t rows = std::max<std::size_t>(1, row_ends[k].size());
    y += kFirstRow + kRowStep * static_cast<double>(rows - 1) + 9 + kLaneGap;
  }
  const double top = lanes.empty() ? 60 : y - kLaneGap + 10;

  // 4. The real graph, every node pinned.
  GvGraph gg("storyline_timeline", false);
  if (!gg) return Error{"render.graphviz", session.messages_or("agopen failed")};
  Agraph_t* g = gg.get();
  label_defaults(g, th);
  default_attr(g, AGRAPH, "bgcolor", th.background);
  default_attr(g, AGRAPH, "fontcolor", th.text);
  default_attr(g, AGRAPH, "splines", "line");
  default_attr(g, AGRAPH, "outputorder", "edgesfirst");
  default_attr(g, AGRAPH, "pad", "0.3");
  default_attr(g, AGRAPH, "labelloc", "t");
  default_attr(g, AGRAPH, "labeljust", "l");
  default_attr(g, AGRAPH, "id", "storyline-timeline");
  default_attr(g, AGRAPH, "class", "storyline timeline " + th.name);
  if (options.format == "png") default_attr(g, AGRAPH, "dpi", num(options.dpi));
  default_attr(g, AGNODE, "style", "rounded,filled");
  default_attr(g, AGNODE, "fillcolor", th.label_fill);
  default_attr(g, AGNODE, "color", th.grid);
  default_attr(g, AGNODE, "penwidth", "0.9");
  default_attr(g, AGEDGE, "color", th.grid);
  default_attr(g, AGEDGE, "penwidth", "0.8");
  default_attr(g, AGEDGE, "arrowhead", "none");

  std::string head = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"3\" CELLPADDING=\"0\">";
  if (!title.empty()) {
    head += std::string("<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"18\" COLOR=\"") + th.text + "\"><B>" +
            xml_escape(ellipsize(title, 120)) + "</B></FONT></TD></TR>";
  }
  std::string sub = std::to_string(evs.size()) + (evs.size() == 1 ? " event" : " events");
  if (!evs.empty()) {
    const int y0 = year_of(axis.start), y1 = year_of(axis.end - 1);
    sub += " \xC2\xB7 " + std::to_string(y0);
    if (y1 != y0) sub += "\xE2\x80\x93" + std::to_string(y1);
  }
  head += std::string("<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\" COLOR=\"") + th.muted + "\">" +
          xml_escape(sub) + "</FONT></TD></TR></TABLE>";
  set_html_label(g, g, head);

  bool failed = false;
  auto node = [&](const std::string& name, double x, double yy) {
    Agnode_t* v = add_node(g, name);
    if (v == nullptr) { failed = true; return v; }
    set_attr(v, "pos", pos(x, yy));
    return v;
  };
  auto point = [&](const std::string& name, double x, double yy) {
    Agnode_t* v = node(name, x, yy);
    if (v == nullptr) return v;
    set_attr(v, "shape", "point");
    set_attr(v, "style", "invis");
    set_attr(v, "width", "0.01");
    set_attr(v, "height", "0.01");
    set_attr(v, "label", "");
    return v;
  };
  auto edge = [&](Agnode_t* a, Agnode_t* b, const std::string& name) {
    Agedge_t* e = (a && b) ? add_edge(g, a, b, name) : nullptr;
    if (e == nullptr) failed = true;
    return e;
  };
  auto text_node = [&](const std::string& name, double x, double yy, const std::string& text,
                       double size, const char* colour) {
    Agnode_t* v = node(name, x, yy);
    if (v == nullptr) return v;
    set_attr(v, "shape", "plaintext");
    set_attr(v, "style", "");
    set_attr(v, "label", gv_text(text));
    set_attr(v, "fontsize", num(size));
    set_attr(v, "fontcolor", colour);
    set_attr(v, "id", name);
    return v;
  };

  const double W = axis.width;
  bool named_months = false;
  // Axis, ticks and grid.
  {
    Agnode_t* a0 = point("axis_0", 0, 0);
    Agnode_t* a1 = point("axis_1", W, 0);
    if (Agedge_t* e = edge(a0, a1, "axis")) {
      set_attr(e, "id", "axis");
      set_attr(e, "class", "axis");
      set_attr(e, "color", th.axis);
      set_attr(e, "penwidth", "1.4");
    }
    const std::vector<Tick> ticks = make_ticks(axis);
    // Month names under a year axis take the first line; the years then go on a second one.
    for (const Tick& t : ticks) named_months |= t.minor && !t.label.empty();
    const double year_y = named_months ? -28 : -16;
    for (std::size_t i = 0; i < ticks.size(); ++i) {
      const double x = axis.x(ticks[i].day);
      if (x < -0.5 || x > W + 0.5) continue;
      const std::string s = std::to_string(i);
      Agnode_t* mid = point("tick_mid_" + s, x, 0);
      if (ticks[i].minor) {
        Agnode_t* lo = point("tick_lo_" + s, x, -3);
        if (Agedge_t* e = edge(lo, mid, "tick_" + s)) {
          set_attr(e, "color", th.muted);
          set_attr(e, "class", "tick minor");
          set_attr(e, "id", "tick_mark_" + s);
          set_attr(e, "penwidth", "0.6");
        }
        if (!ticks[i].label.empty()) {
          if (Agnode_t* v = text_node("tick_" + s, x + 0.5 * (axis.x(ticks[i].day + 30) - x), -13,
                                      ticks[i].label, 7.5, th.muted)) {
            set_attr(v, "class", "tick-label minor");
          }
        }
        continue;
      }
      Agnode_t* lo = point("tick_lo_" + s, x, ticks[i].major ? -5 : -3);
      Agnode_t* hi = point("tick_hi_" + s, x, top);
      if (Agedge_t* e = edge(lo, mid, "tick_" + s)) {
        set_attr(e, "color", th.axis);
        set_attr(e, "class", "tick");
        set_attr(e, "id", "tick_mark_" + s);
      }
      if (Agedge_t* e = edge(mid, hi, "grid_" + s)) {
        set_attr(e, "style", "dashed");
        set_attr(e, "class", ticks[i].major ? "grid major" : "grid");
        set_attr(e, "id", "grid_" + s);
        if (ticks[i].major && axis.months) set_attr(e, "penwidth", "1.1");
      }
      if (!ticks[i].label.empty()) {
        if (Agnode_t* v = text_node("tick_" + s, x, year_y, ticks[i].label, 10, th.muted)) {
          set_attr(v, "class", ticks[i].major ? "tick-label major" : "tick-label");
        }
      }
    }
  }

  // Lanes: name on the left, a faint baseline.
  for (std::size_t k = 0; k < lanes.size(); ++k) {
    const std::string s = std::to_string(k);
    const char* accent = th.lanes[k % th.lanes.size()];
    if (Agnode_t* v = text_node("lane_" + s, -16 - lane_widths[k] / 2, baseline[k],
                                ellipsize(lanes[k], 28), kLaneFontSize, th.text)) {
      set_attr(v, "class", "lane-label lane-" + s);
      set_attr(v, "tooltip", gv_text(lanes[k]));
      set_attr(v, "fontcolor", accent);
    }
    Agnode_t* b0 = point("lane_b0_" + s, 0, baseline[k]);
    Agnode_t* b1 = point("lane_b1_" + s, W, baseline[k]);
    if (Agedge_t* e = edge(b0, b1, "lane_line_" + s)) {
      set_attr(e, "class", "lane-line lane-" + s);
      set_attr(e, "id", "lane_line_" + s);
    }
  }

  // Events: optional span bar, marker, leader, label.
  for (const Ev& ev : evs) {
    const std::string lane_cls = "lane-" + std::to_string(ev.lane);
    const char* accent = th.lanes[ev.lane % th.lanes.size()];
    std::string kind = ev.coarse ? "coarse" : "exact";
    if (ev.doc_dated) kind += " doc-dated";
    const std::string& modality = ev.e->modality;
    if (!modality.empty() && modality != "asserted") kind += " modality-" + class_token(modality);
    const double by = baseline[ev.lane];
    const std::string tip = tooltip_for(ev);

    if (ev.coarse) {
      Agnode_t* s0 = point("span_a_" + ev.tok, ev.x0, by);
      Agnode_t* s1 = point("span_b_" + ev.tok, std::max(ev.x1, ev.x0 + 2), by);
      if (Agedge_t* e = edge(s0, s1, "span_" + ev.tok)) {
        set_attr(e, "id", "span_" + ev.tok);
        set_attr(e, "class", "event-span " + lane_cls);
        set_attr(e, "color", std::string(accent) + "59");   // ~35 % opacity
        set_attr(e, "penwidth", "6");
        set_attr(e, "tooltip", tip);
      }
    }
    Agnode_t* m = node("ev_" + ev.tok, ev.x0, by);
    if (m != nullptr) {
      set_attr(m, "id", "ev_" + ev.tok);
      set_attr(m, "class", "event-marker " + kind + " " + lane_cls);
      set_attr(m, "label", "");
      set_attr(m, "fixedsize", "true");
      set_attr(m, "tooltip", tip);
      set_attr(m, "color", accent);
      if (ev.doc_dated) {
        set_attr(m, "shape", "diamond");
        set_attr(m, "width", "0.14");
        set_attr(m, "height", "0.14");
        set_attr(m, "style", "filled");
        set_attr(m, "fillcolor", th.background);
        set_attr(m, "penwidth", "1.4");
      } else if (ev.coarse) {
        set_attr(m, "shape", "circle");
        set_attr(m, "width", "0.11");
        set_attr(m, "height", "0.11");
        set_attr(m, "style", "filled");
        set_attr(m, "fillcolor", th.background);
        set_attr(m, "penwidth", "1.6");
      } else {
        set_attr(m, "shape", "circle");
        set_attr(m, "width", "0.11");
        set_attr(m, "height", "0.11");
        set_attr(m, "style", "filled");
        set_attr(m, "fillcolor", accent);
      }
    }
    const double ly = by + kFirstRow + kRowStep * static_cast<double>(ev.row);
    const double left = ev.left;
    Agnode_t* anchor = point("lead_end_" + ev.tok, ev.x0, ly);
    if (Agedge_t* e = edge(m, anchor, "lead_" + ev.tok)) {
      set_attr(e, "id", "lead_" + ev.tok);
      set_attr(e, "class", "leader " + lane_cls);
      set_attr(e, "color", accent);
      set_attr(e, "penwidth", "0.7");
    }
    Agnode_t* l = node("lbl_" + ev.tok, left + ev.width / 2, ly);
    if (l != nullptr) {
      set_attr(l, "id", "lbl_" + ev.tok);
      set_attr(l, "class", "event-label " + kind + " " + lane_cls);
      set_attr(l, "label", ev.text);
      set_attr(l, "tooltip", tip);
      set_attr(l, "color", accent);
      set_attr(l, "width", num(ev.width / 72.0, 4));
      if (ev.doc_dated) set_attr(l, "style", "rounded,filled,dashed");
      if (!modality.empty() && modality != "asserted") set_attr(l, "fontcolor", th.muted);
    }
  }

  // Legend and notes under the axis.
  {
    double x = 0;
    const double ly = named_months ? -50 : -40;
    for (std::size_t i = 0; i < legend.items.size(); ++i) {
      const std::string& kindname = legend.items[i].first;
      const std::string s = std::to_string(i);
      const char* accent = th.lanes[0];
      if (kindname == "coarse") {
        Agnode_t* s0 = point("key_a_" + s, x, ly);
        Agnode_t* s1 = point("key_b_" + s, x + 22, ly);
        if (Agedge_t* e = edge(s0, s1, "key_span_" + s)) {
          set_attr(e, "color", std::string(accent) + "59");
          set_attr(e, "penwidth", "6");
          set_attr(e, "class", "legend");
          set_attr(e, "id", "key_span_" + s);
        }
      }
      Agnode_t* mk = node("key_" + s, x, ly);
      if (mk != nullptr) {
        set_attr(mk, "id", "key_" + s);
        set_attr(mk, "class", "legend-marker " + kindname);
        set_attr(mk, "label", "");
        set_attr(mk, "fixedsize", "true");
        set_attr(mk, "color", accent);
        set_attr(mk, "style", "filled");
        const bool hollow = kindname != "exact";
        set_attr(mk, "fillcolor", hollow ? th.background : accent);
        set_attr(mk, "shape", kindname == "doc" ? "diamond" : "circle");
        set_attr(mk, "width", kindname == "doc" ? "0.14" : "0.11");
        set_attr(mk, "height", kindname == "doc" ? "0.14" : "0.11");
        set_attr(mk, "penwidth", hollow ? "1.5" : "1");
      }
      const double tx = x + (kindname == "coarse" ? 28 : 8);
      if (Agnode_t* v = text_node("key_text_" + s, tx + legend.widths[i] / 2, ly, legend.items[i].second, 9, th.muted)) {
        set_attr(v, "class", "legend-text");
      }
      x = tx + legend.widths[i] + 16;
    }
    if (!undated_text.empty()) {
      const double approx = 5.6 * static_cast<double>(utf8_length(undated_text));
      const double ux = legend.items.empty() ? approx / 2 : std::max(x + approx / 2, W - approx / 2);
      if (Agnode_t* v = text_node("undated", ux, ly, undated_text, 9, th.muted)) {
        set_attr(v, "class", "note undated");
      }
    }
    if (evs.empty()) {
      if (Agnode_t* v = text_node("empty", W / 2, 40, "Nothing to show \xE2\x80\x94 no dated events.", 12, th.muted)) {
        set_attr(v, "class", "note empty-note");
      }
    }
  }
  if (failed) return Error{"render.graphviz", session.messages_or("building the timeline graph failed")};

  GvLayout layout(ctx, gg, engine);
  if (!layout) {
    return Error{"render.layout", "Graphviz layout 'nop2' failed: " + session.messages_or("gvLayout returned an error")};
  }
  return render_bytes(session, ctx, gg, options.format);
}

}  // namespace storyline::render
