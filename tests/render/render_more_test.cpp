// Timeline lanes/axis/ticks, PNG dpi, structural golden files, and the HTML report (through the
// storyline binary) read back and checked for injected markup.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "render/fixtures.hpp"
#include "render/svg_check.hpp"
#include "storyline/render/render.hpp"
#include "test_support.hpp"

using namespace storyline;
using render::RenderOptions;

namespace {

std::string svg_t(const graph::Timeline& t, RenderOptions o = {}) {
  auto r = render::render_timeline(t, o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return *r;
}

std::string svg_g(const graph::KnowledgeGraph& g, RenderOptions o = {}) {
  auto r = render::render_graph(g, o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return *r;
}

std::vector<std::string> lane_names(const std::string& svg) {
  std::vector<std::string> out;
  for (const auto& g : svgcheck::with_class(svg, "lane-label")) {
    const auto t = svgcheck::texts(g.body);
    if (!t.empty()) out.push_back(t.front());
  }
  return out;
}

unsigned png_width(const std::string& png) {
  REQUIRE(png.size() > 24);
  auto b = [&](int i) { return static_cast<unsigned>(static_cast<unsigned char>(png[i])); };
  return (b(16) << 24) | (b(17) << 16) | (b(18) << 8) | b(19);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The structure a reader relies on, one line per group: id, class, and its label texts. Free of
// coordinates, so it survives font and Graphviz version changes.
std::string structure(const std::string& svg) {
  std::string out;
  for (const auto& g : svgcheck::groups(svg)) {
    out += g.id + " [" + g.cls + "]";
    if (g.cls.rfind("graph", 0) != 0) {
      for (const std::string& t : svgcheck::texts(g.body)) out += " \"" + t + "\"";
    }
    out += "\n";
  }
  return out;
}

void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(STORYLINE_SOURCE_DIR) + "/tests/render/golden/" + name;
  const char* update = std::getenv("STORYLINE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    MESSAGE("rewrote " << path);
    return;
  }
  const std::string expected = read_file(path);
  REQUIRE_MESSAGE(!expected.empty(), path << " missing: run with STORYLINE_UPDATE_GOLDEN=1");
  CHECK_MESSAGE(expected == actual, name << " differs (review, then STORYLINE_UPDATE_GOLDEN=1)");
}

}  // namespace

TEST_SUITE("render") {

TEST_CASE("timeline: lanes per entity or per event type") {
  auto t = fixtures::ghosn_timeline();
  for (std::size_t i = 0; i < t.events.size(); ++i) t.events[i].type = i % 2 ? "arrest" : "court_case";
  CHECK(lane_names(svg_t(t)) == std::vector<std::string>{"Carlos Ghosn", "Greg Kelly", "Nissan"});
  RenderOptions o;
  o.lanes = "type";
  const std::string svg = svg_t(t, o);
  CHECK(lane_names(svg) == std::vector<std::string>{"Court case", "Arrest"});
  CHECK(svgcheck::with_class(svg, "event-marker").size() == t.events.size());
  o.lanes = "people";
  auto bad = render::render_timeline(t, o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "render.format");
}

TEST_CASE("timeline: from/to axis spans the whole range even when events do not fill it") {
  graph::Timeline t;
  t.events = {fixtures::event("a", "X", "2020-05-04", "Only event")};
  RenderOptions o;
  o.from_year = 2015;
  o.to_year = 2024;
  const std::string svg = svg_t(t, o);
  std::set<std::string> labels;
  for (const auto& g : svgcheck::with_class(svg, "tick-label")) {
    for (const auto& s : svgcheck::texts(g.body)) labels.insert(s);
  }
  CHECK(labels.count("2015"));
  CHECK(labels.count("2025"));
  // The one event sits where 2020-05-04 falls between 2015-01-01 and 2025-01-01.
  const auto all_groups = svgcheck::groups(svg);
  REQUIRE(svgcheck::by_id(all_groups, "tick_0") != nullptr);
  double x2015 = 0, x2025 = 0;
  for (const auto& g : svgcheck::with_class(svg, "tick-label")) {
    const auto texts = svgcheck::texts(g.body);
    const std::size_t p = g.body.find(" x=\"");
    const double x = std::atof(g.body.c_str() + p + 4);
    if (!texts.empty() && texts[0] == "2015") x2015 = x;
    if (!texts.empty() && texts[0] == "2025") x2025 = x;
  }
  const auto markers = svgcheck::with_class(svg, "event-marker");
  REQUIRE(markers.size() == 1);
  const double frac = (svgcheck::shape_box(markers[0].body).cx() - x2015) / (x2025 - x2015);
  CHECK(frac == doctest::Approx((18386.0 - 16436.0) / (20089.0 - 16436.0)).epsilon(0.01));
  // Only the from year given: the axis still starts there.
  o.to_year.reset();
  o.from_year = 2012;
  const std::string svg2 = svg_t(t, o);
  CHECK(svgcheck::texts(svg2).front() != "");
  bool has2012 = false;
  for (const auto& s : svgcheck::texts(svg2)) has2012 |= s == "2012";
  CHECK(has2012);
}

TEST_CASE("timeline: year axis has month ticks when a year is wide enough") {
  const std::string svg = svg_t(fixtures::ghosn_timeline());   // 2018..2022: 5 years
  const auto minor = svgcheck::with_class(svg, "minor");
  CHECK(minor.size() == 5 * 11);   // Feb..Dec of 2018..2022 (the axis ends on 2023-01-01)
  graph::Timeline long_story;
  long_story.events = {fixtures::event("a", "X", "1950", "Start"), fixtures::event("b", "X", "2020", "End")};
  CHECK(svgcheck::with_class(svg_t(long_story), "minor").empty());   // 70 years: no room
}

TEST_CASE("timeline: labels near the right end hang to the left of their marker") {
  graph::Timeline t;
  t.events = {fixtures::event("a", "X", "2019-01-10", "Early"),
              fixtures::event("b", "X", "2019-12-28", "A late event with a long summary that would run off")};
  const std::string svg = svg_t(t);
  const auto groups = svgcheck::groups(svg);   // by_id points into this vector: keep it alive
  const auto* marker = svgcheck::by_id(groups, "ev_b");
  const auto* label = svgcheck::by_id(groups, "lbl_b");
  REQUIRE(marker != nullptr);
  REQUIRE(label != nullptr);
  const auto mb = svgcheck::shape_box(marker->body), lb = svgcheck::shape_box(label->body);
  CHECK(lb.x1 < mb.cx() + 10);
  CHECK(lb.x0 < mb.cx() - 100);
}

TEST_CASE("png: dpi scales the PNG, never the SVG") {
  const auto g = fixtures::ghosn_graph();
  RenderOptions o;
  o.format = "png";
  o.dpi = 96;
  auto a = render::render_graph(g, o);
  o.dpi = 192;
  auto b = render::render_graph(g, o);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(static_cast<double>(png_width(*b)) / png_width(*a) == doctest::Approx(2).epsilon(0.02));
  o.format = "svg";
  const std::string svg192 = svg_g(g, o);
  o.dpi = 96;
  CHECK(svg192 == svg_g(g, o));
  o.format = "png";
  o.dpi = 0;
  CHECK_FALSE(render::render_graph(g, o).ok());
}

TEST_CASE("golden: structure of the Ghosn graph and timeline (ids, classes, label texts)") {
  check_golden("ghosn_graph.txt", structure(svg_g(fixtures::ghosn_graph())));
  check_golden("ghosn_timeline.txt", structure(svg_t(fixtures::ghosn_timeline())));
  RenderOptions dark;
  dark.theme = "dark";
  dark.lanes = "type";
  check_golden("ghosn_timeline_dark_types.txt", structure(svg_t(fixtures::ghosn_timeline(), dark)));
}

TEST_CASE("report: self-contained, well-formed, hostile text stays text (issue 6)") {
  namespace fs = std::filesystem;
  const fs::path dir = testsupport::temp_dir("report");   // per process: parallel runs do not collide
  const fs::path article = dir / "hostile.txt";
  const fs::path out = dir / "report.html";
  std::ofstream(article, std::ios::binary)
      << "Acme <script>alert(1)</script> Holdings buys \"Beta\" & Co\n\n"
         "Acme Holdings said on 3 March 2021 that it had agreed to buy Beta Corp for $2 billion. "
         "Carlos Ghosn, the former chairman of Nissan <img src=x onerror=alert(2)>, was arrested in Tokyo on "
         "19 November 2018. Nissan's chief executive Makoto Uchida said ]]> and </svg><script>x()</script> in Paris. "
         "Beta Corp was founded in Lyon in recent years.\n";
  const std::string cmd = std::string(STORYLINE_BINARY) + " report " + article.string() +
                          " --date 2023-02-06 --quiet -o " + out.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string html = read_file(out.string());
  REQUIRE(!html.empty());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(svgcheck::well_formed(html) == "");
  // Only the elements we write, no event handlers, no links out, nothing loaded.
  static const std::set<std::string> allowed = {
      "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "nav", "a", "figure",
      "figcaption", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "span", "footer",
      "svg", "g", "polygon", "ellipse", "path", "polyline", "text"};
  const std::regex tag_re("<([A-Za-z][A-Za-z0-9:]*)([^>]*)>");
  const std::regex attr_re("([A-Za-z_:][-A-Za-z0-9_:.]*)=\"([^\"]*)\"");
  int tags = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag_re); it != std::sregex_iterator(); ++it) {
    ++tags;
    const std::string name = (*it)[1];
    CHECK_MESSAGE(allowed.count(name), "unexpected element <" << name << ">");
    const std::string attrs = (*it)[2];
    for (auto a = std::sregex_iterator(attrs.begin(), attrs.end(), attr_re); a != std::sregex_iterator(); ++a) {
      std::string an = (*a)[1];
      for (char& ch : an) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const std::string value = (*a)[2];
      CHECK_MESSAGE(an.rfind("on", 0) != 0, "event handler attribute " << an);
      CHECK(an != "src");
      if (an == "href" || an == "xlink:href") CHECK_MESSAGE(value.rfind("#", 0) == 0, "link out: " << value);
    }
  }
  CHECK(tags > 50);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);   // shown as text
  CHECK(html.find("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'") != std::string::npos);
  // Both diagrams inline, the tables there.
  CHECK(svgcheck::count(html, "<svg ") == 2);
  CHECK(html.find("id=\"storyline&#45;graph\"") != std::string::npos);
  CHECK(html.find("id=\"storyline&#45;timeline\"") != std::string::npos);
  CHECK(html.find("<h2 id=\"entities\">") != std::string::npos);
  CHECK(html.find("was arrested in Tokyo on 19 November 2018.") != std::string::npos);   // evidence
  // Deterministic bytes.
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK(read_file(out.string()) == html);
  // A non-HTML output name is a usage error.
  const std::string bad = std::string(STORYLINE_BINARY) + " report " + article.string() + " --quiet -o " +
                          (dir / "x.svg").string() + " 2>/dev/null";
  CHECK(WEXITSTATUS(std::system(bad.c_str())) == 2);
  fs::remove_all(dir);
}

TEST_CASE("cli: --dpi doubles the PNG, --lanes type, bad values are usage errors") {
  namespace fs = std::filesystem;
  const fs::path dir = testsupport::temp_dir("dpi");
  const std::string bin = STORYLINE_BINARY;
  const std::string article = std::string(STORYLINE_SOURCE_DIR) + "/examples/uk_prime_ministers.txt";
  auto run = [&](const std::string& args) {
    const std::string cmd = bin + " " + args + " --quiet 2>/dev/null";
    return WEXITSTATUS(std::system(cmd.c_str()));
  };
  REQUIRE(run("graph " + article + " -o " + (dir / "a.png").string()) == 0);
  REQUIRE(run("graph " + article + " --dpi 192 -o " + (dir / "b.png").string()) == 0);
  const double ratio = static_cast<double>(png_width(read_file((dir / "b.png").string()))) /
                       png_width(read_file((dir / "a.png").string()));
  CHECK(ratio == doctest::Approx(2).epsilon(0.02));
  REQUIRE(run("timeline " + article + " --lanes type -o " + (dir / "t.svg").string()) == 0);
  const std::string svg = read_file((dir / "t.svg").string());
  CHECK(svgcheck::well_formed(svg) == "");
  CHECK_FALSE(lane_names(svg).empty());
  CHECK(run("timeline " + article + " --lanes people -o " + (dir / "x.svg").string()) == 2);
  CHECK(run("graph " + article + " --dpi 0 -o " + (dir / "x.png").string()) == 2);
  fs::remove_all(dir);
}

}  // TEST_SUITE
