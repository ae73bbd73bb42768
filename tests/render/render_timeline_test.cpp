#include <graphviz/cgraph.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "render/fixtures.hpp"
#include "render/svg_check.hpp"
#include "storyline/render/render.hpp"

using namespace storyline;
using render::RenderOptions;

namespace {

std::string svg_of(const graph::Timeline& t, RenderOptions o = {}) {
  auto r = render::render_timeline(t, o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().code + ": " + r.error().message));
  return *r;
}

// Marker x (centre of its shape) per event id.
std::map<std::string, double> marker_x(const std::string& svg) {
  std::map<std::string, double> out;
  for (const auto& g : svgcheck::with_class(svg, "event-marker")) out[g.id.substr(3)] = svgcheck::shape_box(g.body).cx();
  return out;
}

std::string overlapping_labels(const std::string& svg) {
  const auto labels = svgcheck::with_class(svg, "event-label");
  std::vector<svgcheck::Box> boxes;
  for (const auto& l : labels) boxes.push_back(svgcheck::shape_box(l.body));
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    for (std::size_t j = i + 1; j < boxes.size(); ++j) {
      const auto& a = boxes[i];
      const auto& b = boxes[j];
      const double eps = 0.5;
      if (a.x0 + eps < b.x1 && b.x0 + eps < a.x1 && a.y0 + eps < b.y1 && b.y0 + eps < a.y1) {
        return labels[i].id + " overlaps " + labels[j].id;
      }
    }
  }
  return {};
}

graph::Timeline dense_timeline() {
  graph::Timeline t;
  t.title = "A busy month";
  for (int i = 0; i < 40; ++i) {
    char date[16];
    std::snprintf(date, sizeof date, "2020-03-%02d", 1 + (i * 7) % 28);
    t.events.push_back(fixtures::event("ev" + std::to_string(i), i % 3 ? "Parliament" : "Government", date,
                                       "Event number " + std::to_string(i) + " with a fairly long summary"));
  }
  std::stable_sort(t.events.begin(), t.events.end(), [](const auto& a, const auto& b) {
    return a.date->first_day() < b.date->first_day();
  });
  return t;
}

}  // namespace

TEST_SUITE("render") {

TEST_CASE("timeline: markers, labels and lanes for every event") {
  const auto t = fixtures::ghosn_timeline();
  const std::string svg = svg_of(t);
  CHECK(svgcheck::well_formed(svg) == "");
  CHECK(svgcheck::with_class(svg, "event-marker").size() == t.events.size());
  CHECK(svgcheck::with_class(svg, "event-label").size() == t.events.size());
  CHECK(svgcheck::with_class(svg, "lane-label").size() == 3);
  const std::string text = svgcheck::all_text(svg);
  for (const char* s : {"Carlos Ghosn", "Greg Kelly", "Nissan", "The Ghosn affair", "2018", "2022"}) {
    CHECK_MESSAGE(text.find(s) != std::string::npos, s);
  }
  // Day, month, quarter and year precision print as such; two spaces before the summary.
  const auto labels = svgcheck::with_class(svg, "event-label");
  auto label_text = [&](const std::string& id) {
    const auto* g = svgcheck::by_id(labels, "lbl_" + id);
    REQUIRE(g != nullptr);
    const auto ts = svgcheck::texts(g->body);
    REQUIRE(ts.size() == 1);
    std::string s = ts[0];
    // Graphviz writes the second of two spaces as a no-break space.
    for (std::size_t p; (p = s.find("\xC2\xA0")) != std::string::npos;) s.replace(p, 2, " ");
    return s;
  };
  CHECK(label_text("ev1") == "2018-11-19  Arrested at Haneda airport");
  CHECK(label_text("ev4") == "2019-04  Shareholders remove Ghosn from the board");
  CHECK(label_text("ev8") == "2019-Q3  Saikawa resigns");
  CHECK(label_text("ev10") == "2020  Sues Ghosn for damages");
  // Tooltips carry the evidence sentence.
  CHECK(svgcheck::decode(svgcheck::by_id(labels, "lbl_ev1")->body).find("The sentence that says: Arrested") !=
        std::string::npos);
}

TEST_CASE("timeline: x grows with the date and is proportional to it") {
  const auto t = fixtures::ghosn_timeline();
  const auto xs = marker_x(svg_of(t));
  REQUIRE(xs.size() == t.events.size());
  for (std::size_t i = 1; i < t.events.size(); ++i) {
    const auto& a = t.events[i - 1];
    const auto& b = t.events[i];
    if (a.date->first_day() < b.date->first_day()) {
      CHECK_MESSAGE(xs.at(a.id) < xs.at(b.id), a.id << " vs " << b.id);
    } else {
      CHECK(xs.at(a.id) == doctest::Approx(xs.at(b.id)));
    }
  }
  // ev1 2018-11-19, ev7 2019-12-29, ev9 2022-03-03: spacing follows days.
  const double d1 = 17854, d7 = 18259, d9 = 19054;
  const double ratio = (xs.at("ev7") - xs.at("ev1")) / (xs.at("ev9") - xs.at("ev1"));
  CHECK(ratio == doctest::Approx((d7 - d1) / (d9 - d1)).epsilon(0.01));
}

TEST_CASE("timeline: label boxes never overlap, even in a crowded month") {
  CHECK(overlapping_labels(svg_of(fixtures::ghosn_timeline())) == "");
  const auto dense = dense_timeline();
  const std::string svg = svg_of(dense);
  CHECK(svgcheck::with_class(svg, "event-label").size() == dense.events.size());
  CHECK(overlapping_labels(svg) == "");
  // A short span gets month ticks.
  const std::string text = svgcheck::all_text(svg);
  CHECK(text.find("Feb 2020") != std::string::npos);
  CHECK(text.find("Mar\n") != std::string::npos);
}

TEST_CASE("timeline: coarse dates get a span, article-dated events their own class") {
  const std::string svg = svg_of(fixtures::ghosn_timeline());
  const auto markers = svgcheck::with_class(svg, "event-marker");
  CHECK(svgcheck::has_class(*svgcheck::by_id(markers, "ev_ev10"), "doc-dated"));
  CHECK(svgcheck::has_class(*svgcheck::by_id(markers, "ev_ev4"), "coarse"));
  CHECK(svgcheck::has_class(*svgcheck::by_id(markers, "ev_ev1"), "exact"));
  CHECK_FALSE(svgcheck::has_class(*svgcheck::by_id(markers, "ev_ev1"), "doc-dated"));
  const auto spans = svgcheck::with_class(svg, "event-span");
  CHECK(spans.size() == 3);   // 2019-04, 2019-Q3, 2020
  // The year-long span is about a quarter of the 2018..2022 axis width apart from the others.
  const auto* year = svgcheck::by_id(spans, "span_ev10");
  const auto* month = svgcheck::by_id(spans, "span_ev4");
  REQUIRE(year != nullptr);
  REQUIRE(month != nullptr);
  const double wy = svgcheck::shape_box(year->body).x1 - svgcheck::shape_box(year->body).x0;
  const double wm = svgcheck::shape_box(month->body).x1 - svgcheck::shape_box(month->body).x0;
  CHECK(wy / wm == doctest::Approx(366.0 / 30).epsilon(0.1));
}

TEST_CASE("timeline: undated note only when events were left out") {
  auto t = fixtures::ghosn_timeline();
  CHECK(svgcheck::all_text(svg_of(t)).find("2 events without a usable date not shown") != std::string::npos);
  t.undated = 0;
  CHECK(svgcheck::all_text(svg_of(t)).find("without a usable date") == std::string::npos);
  t.events[0].date.reset();   // an undated event that slipped through counts as well
  CHECK(svgcheck::all_text(svg_of(t)).find("1 event without a usable date") != std::string::npos);
}

TEST_CASE("timeline: from_year/to_year set the axis") {
  RenderOptions o;
  o.from_year = 2017;
  o.to_year = 2023;
  const std::string text = svgcheck::all_text(svg_of(fixtures::ghosn_timeline(), o));
  CHECK(text.find("2017") != std::string::npos);
  CHECK(text.find("2024") != std::string::npos);   // the axis ends on Jan 1 after to_year
}

TEST_CASE("timeline: hostile text is shown literally and the SVG stays well-formed") {
  auto t = fixtures::ghosn_timeline();
  t.title = "<script>alert(1)</script>";
  t.events[0].summary = "Says \"no\" & <b>C:\\new</b>\x01\x7f caf\xE9";
  t.events[0].lane = "Lane <i>&amp;</i>\n";
  t.events[0].id = "doc:1/ev<1>";
  t.events[1].evidence.sentence_text = "]]> <!-- --> \x1b";
  const std::string svg = svg_of(t);
  CHECK(svgcheck::well_formed(svg) == "");
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("<b>") == std::string::npos);
  const std::string text = svgcheck::all_text(svg);
  CHECK(text.find("<script>alert(1)</script>") != std::string::npos);
  CHECK(text.find("C:\\new") != std::string::npos);
  CHECK(svgcheck::with_class(svg, "event-marker").size() == t.events.size());
}

TEST_CASE("timeline: deterministic, png signature, dot parses") {
  const auto t = fixtures::ghosn_timeline();
  CHECK(svg_of(t) == svg_of(t));
  RenderOptions o;
  o.format = "png";
  auto png = render::render_timeline(t, o);
  REQUIRE(png.ok());
  CHECK(png->substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  auto png2 = render::render_timeline(t, o);
  REQUIRE(png2.ok());
  CHECK(*png == *png2);
  o.format = "dot";
  auto dot = render::render_timeline(t, o);
  REQUIRE(dot.ok());
  Agraph_t* parsed = agmemread(dot->c_str());
  REQUIRE(parsed != nullptr);
  CHECK(agnnodes(parsed) > static_cast<int>(2 * t.events.size()));
  agclose(parsed);
  o.format = "pdf";
  o.theme = "dark";
  auto pdf = render::render_timeline(t, o);
  REQUIRE(pdf.ok());
  CHECK(pdf->rfind("%PDF", 0) == 0);
}

TEST_CASE("timeline: empty timeline renders a note") {
  graph::Timeline t;
  t.undated = 3;
  const std::string svg = svg_of(t);
  CHECK(svgcheck::well_formed(svg) == "");
  const std::string text = svgcheck::all_text(svg);
  CHECK(text.find("Nothing to show") != std::string::npos);
  CHECK(text.find("3 events without a usable date") != std::string::npos);
  RenderOptions o;
  o.format = "png";
  CHECK(render::render_timeline(t, o).ok());
}

TEST_CASE("timeline: bad options are errors") {
  RenderOptions o;
  o.from_year = 2020;
  o.to_year = 2010;
  auto r = render::render_timeline(fixtures::ghosn_timeline(), o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "render.format");
}

}  // TEST_SUITE
