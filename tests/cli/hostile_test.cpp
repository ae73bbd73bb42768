// Hostile and broken input through the storyline command (issue 8): hostile names and sentences
// cannot inject markup, script, links or entities into SVG, DOT or GraphML, nor break JSON (every
// output is parsed back); a bad document in a collection is reported with its id and reason and
// skipped; ids cannot steer an output path out of --out-dir; writes are atomic; limits say so.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include <graphviz/cgraph.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using testsupport::run;
using testsupport::slurp;
using testsupport::spit;

namespace {

// The headline becomes the diagram title (a Graphviz HTML-like label); sentences become tooltips;
// the gazetteer puts markup, quotes and DOT syntax into entity names and ids.
const char* const kHostileArticle =
    "Acme <script>alert(1)</script> & \"Partners\" </TD></TR></TABLE><B>x</B> <!-- -->\n"
    "\n"
    "Acme Corp. said on March 3, 2020 that Jane Doe <img src=x onerror=alert(1)> had joined Globex Inc. "
    "as chief executive, \"]]> <!ENTITY x SYSTEM 'file:///etc/passwd'> &x; &amp; &#0; javascript:alert(1)\". "
    "Globex Inc. acquired Initech LLC on May 5, 2021; {\"evil\": \"json\\\"}\", \\N \\G \\L \\E \\T \\H, "
    "\"a\" -> \"b\" [URL=\"javascript:alert(1)\"]; } digraph pwned { pwned }. "
    "Evil Quote\"];pwned[label=\"x Corp. sued Acme Corp. in June 2022. "
    "Bob <b>Bold</b> Smith met Jane Doe in Paris on 4 July 2022 (\"Foo}\" -> \"Bar\") and said "
    "\xE2\x80\xAE" "RTL override\xE2\x80\xAC, zero\xE2\x80\x8Bwidth, \xF0\x9D\x94\x98nicode, tab\there, bell\x07.\n";

const char* const kHostileGazetteer =
    "{\"label\":\"ORG\",\"pattern\":\"Evil Quote\\\"];pwned[label=\\\"x Corp.\","
    "\"id\":\"org:evil\\\"]; pwned [x=\\\"<script>\"}\n"
    "{\"label\":\"PER\",\"pattern\":\"Bob <b>Bold</b> Smith\",\"id\":\"per:bob&amp;<b>\"}\n"
    "{\"label\":\"ORG\",\"pattern\":\"Acme Corp.\",\"id\":\"javascript:alert(1)\"}\n";

// XML checks in python3 (xml.etree): well-formed, no script/foreign elements, no event handler
// attributes, no javascript: links, no DTD internal subset. Prints problems, exits 1 on any.
const char* const kXmlChecker = R"PY(
import re, sys, xml.etree.ElementTree as ET
path, kind = sys.argv[1], sys.argv[2]
raw = open(path, encoding="utf-8").read()
bad = []
if "<!ENTITY" in raw: bad.append("ENTITY declaration in output")
if re.search(r"<!DOCTYPE[^>]*\[", raw): bad.append("DOCTYPE with an internal subset")
try:
    root = ET.fromstring(raw)
except ET.ParseError as e:
    print("not well-formed XML:", e); sys.exit(1)
svg_tags = {"svg", "g", "title", "text", "path", "polygon", "polyline", "ellipse", "circle", "rect",
            "line", "a", "defs", "style", "desc", "metadata", "linearGradient", "radialGradient", "stop",
            "tspan", "clipPath"}
gml_tags = {"graphml", "key", "graph", "node", "edge", "data", "default", "desc"}
allowed = svg_tags if kind == "svg" else gml_tags
for el in root.iter():
    tag = el.tag.split("}")[-1]
    if tag not in allowed: bad.append("element <%s>" % tag)
    for k, v in el.attrib.items():
        name = k.split("}")[-1].lower()
        if name.startswith("on"): bad.append("event handler attribute %s" % k)
        if name == "href" and v.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
            bad.append("%s=%r" % (k, v))
        if name == "style" and "url(" in v.lower(): bad.append("style with url(): %r" % v)
for b in bad: print(b)
sys.exit(1 if bad else 0)
)PY";

bool xml_ok(const fs::path& file, const std::string& kind, const fs::path& dir) {
  fs::path script = dir / "check_xml.py";
  if (!fs::exists(script)) spit(script.string(), kXmlChecker);
  std::string cmd = "python3 '" + script.string() + "' '" + file.string() + "' " + kind + " >'" +
                    (dir / "xml.err").string() + "' 2>&1";
  int rc = std::system(cmd.c_str());
  std::string err = slurp((dir / "xml.err").string());
  INFO(file.string() << ": " << err);
  CHECK(rc == 0);
  return rc == 0;
}

// Every line a storyline message: nothing raw from Graphviz or a library.
void stderr_is_ours(const std::string& err) {
  std::size_t pos = 0;
  while (pos < err.size()) {
    std::size_t nl = err.find('\n', pos);
    if (nl == std::string::npos) nl = err.size();
    std::string line = err.substr(pos, nl - pos);
    CHECK_MESSAGE(line.rfind("storyline: ", 0) == 0, line);
    pos = nl + 1;
  }
}

std::size_t count_occurrences(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

fs::path setup_hostile(const fs::path& dir) {
  fs::create_directories(dir / "rules/en/gazetteer");
  spit((dir / "rules/en/gazetteer/hostile.jsonl").string(), kHostileGazetteer);
  spit((dir / "hostile.txt").string(), kHostileArticle);
  return dir / "hostile.txt";
}

}  // namespace

TEST_SUITE("cli.hostile") {

TEST_CASE("hostile names and sentences: SVG and GraphML are well-formed and inert, JSON parses back") {
  auto dir = testsupport::temp_dir("hostile");
  fs::path in = setup_hostile(dir);
  std::string common = "'" + in.string() + "' --date 2023-02-06 --rules '" + (dir / "rules").string() + "'";

  auto x = run("extract " + common);
  REQUIRE_MESSAGE(x.status == 0, x.err);
  stderr_is_ours(x.err);
  auto xj = nlohmann::json::parse(x.out);
  std::set<std::string> names;
  for (const auto& e : xj["entities"]) names.insert(e["name"].get<std::string>());
  INFO("entities: " << xj["entities"].dump().substr(0, 2000));
  CHECK(names.count("Evil Quote\"];pwned[label=\"x") == 1);   // hostile names do reach the outputs
  CHECK(names.count("Bob <b>Bold</b> Smith") == 1);

  for (const char* ext : {"svg", "graphml", "json", "dot"}) {
    fs::path out = dir / (std::string("g.") + ext);
    auto r = run("graph " + common + " -o '" + out.string() + "'");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    stderr_is_ours(r.err);
  }
  xml_ok(dir / "g.svg", "svg", dir);
  xml_ok(dir / "g.graphml", "graphml", dir);
  auto gj = nlohmann::json::parse(slurp((dir / "g.json").string()));
  std::set<std::string> graph_names;
  for (const auto& n : gj["nodes"]) graph_names.insert(n["name"].get<std::string>());
  CHECK(graph_names.count("Bob <b>Bold</b> Smith") == 1);

  // The GraphML carries the names as text, exactly (escaped, then unescaped by the parser).
  std::string gml = slurp((dir / "g.graphml").string());
  CHECK(gml.find("<b>") == std::string::npos);
  CHECK(gml.find("Bob &lt;b&gt;Bold&lt;/b&gt; Smith") != std::string::npos);

  // SVG: the markup is text, not elements; the title survived as text.
  std::string svg = slurp((dir / "g.svg").string());
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("<img") == std::string::npos);
  CHECK(svg.find("<b>") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;") != std::string::npos);

  // DOT: read back with cgraph; the injected statement "pwned" is not a node, every entity is one.
  std::string dot = slurp((dir / "g.dot").string());
  Agraph_t* g = agmemread(dot.c_str());
  REQUIRE_MESSAGE(g != nullptr, dot.substr(0, 400));
  int entity_nodes = 0;
  CHECK(agnode(g, const_cast<char*>("pwned"), 0) == nullptr);
  CHECK(agsubg(g, const_cast<char*>("pwned"), 0) == nullptr);
  for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n)) {
    std::string name = agnameof(n);
    CHECK_MESSAGE(name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                      std::string::npos,
                  name);
    if (name.rfind("n_", 0) == 0) ++entity_nodes;
  }
  CHECK(entity_nodes == static_cast<int>(gj["nodes"].size()));
  agclose(g);

  for (const char* ext : {"svg", "json"}) {
    fs::path out = dir / (std::string("t.") + ext);
    auto r = run("timeline " + common + " -o '" + out.string() + "'");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    stderr_is_ours(r.err);
  }
  xml_ok(dir / "t.svg", "svg", dir);
  CHECK_FALSE(nlohmann::json::parse(slurp((dir / "t.json").string()), nullptr, false).is_discarded());
  auto tjs = run("timeline " + common + " --format timelinejs");
  REQUIRE(tjs.status == 0);
  CHECK_FALSE(nlohmann::json::parse(tjs.out, nullptr, false).is_discarded());

  // A hostile --title as well (it goes into a Graphviz HTML-like label).
  fs::path titled = dir / "title.svg";
  auto r = run("graph " + common + " --title '</FONT></TD></TR></TABLE><IMG SRC=\"/etc/passwd\"/>&amp;<script>' -o '" +
               titled.string() + "'");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  stderr_is_ours(r.err);
  xml_ok(titled, "svg", dir);
  CHECK(slurp(titled.string()).find("/etc/passwd\"") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a bad document in a collection is reported with id and reason, skipped; exit status 1") {
  auto dir = testsupport::temp_dir("hostile-collection");
  spit((dir / "c.jsonl").string(),
       "{\"id\":\"good-1\",\"text\":\"Acme Corp. hired Jane Doe in 2020.\"}\n"
       "{\"id\":\"nul\",\"text\":\"Acme\\u0000Corp.\"}\n"
       "{\"id\":\"empty\",\"text\":\"  \"}\n"
       "{\"id\":\"bad-date\",\"date\":\"2023-02-30\",\"text\":\"Globex Inc. grew.\"}\n"
       "{\"id\":\"no-text\",\"body\":\"x\"}\n"
       "{\"id\":\"big\",\"text\":\"" + std::string(3000, 'x') + "\"}\n"
       "{\"id\":\"evil\\nstoryline: forged line\",\"text\":\"\"}\n"
       "{\"id\":\"good-2\",\"text\":\"Globex Inc. sued Initech LLC on May 5, 2021.\"}\n"
       "{truncated\n");
  fs::path out = dir / "out.jsonl";
  auto r = run("extract '" + (dir / "c.jsonl").string() + "' --max-bytes 2000 -o '" + out.string() + "'");
  CHECK(r.status == 1);
  stderr_is_ours(r.err);
  CHECK(count_lines(r.err) == 7);   // one line per bad document, none forged by an id
  for (const char* needle : {":2 (id 'nul'): binary data", ":3 (id 'empty'): empty input",
                             ":4 (id 'bad-date'): bad \"date\"", ":5 (id 'no-text'): no string field \"text\"",
                             ":6 (id 'big'): text larger than the limit of 2000 bytes",
                             ":7 (id 'evil\\x0astoryline: forged line'): empty input", ":9: not a JSON object"})
    CHECK_MESSAGE(r.err.find(needle) != std::string::npos, needle << "\n" << r.err);
  std::string o = slurp(out.string());
  REQUIRE(count_lines(o) == 2);
  CHECK(nlohmann::json::parse(o.substr(0, o.find('\n')))["document"]["id"] == "good-1");
  CHECK(nlohmann::json::parse(o.substr(o.find('\n') + 1))["document"]["id"] == "good-2");

  // --no-keep-going: the first bad document stops the run and nothing is written.
  fs::path out2 = dir / "out2.jsonl";
  auto s = run("extract '" + (dir / "c.jsonl").string() + "' --no-keep-going -o '" + out2.string() + "'");
  CHECK(s.status == 1);
  CHECK(s.err.find("--no-keep-going") != std::string::npos);
  CHECK_FALSE(fs::exists(out2));
  fs::remove_all(dir);
}

TEST_CASE("document ids cannot steer --out-dir paths; sanitised ids never overwrite each other") {
  auto dir = testsupport::temp_dir("hostile-ids");
  std::string lines;
  const std::vector<std::string> ids = {"../../escape", "/etc/passwd", "..", ".", "", "a/b", "a_b", "a\\\\b",
                                        ".hidden", "con", std::string(400, 'L'), "\\u00e9t\\u00e9", "a\\tb"};
  for (const auto& id : ids) lines += "{\"id\":\"" + id + "\",\"text\":\"Acme Corp. hired Jane Doe.\"}\n";
  spit((dir / "ids.jsonl").string(), lines);
  fs::create_directories(dir / "out");
  auto r = run("extract '" + (dir / "ids.jsonl").string() + "' --out-dir '" + (dir / "out").string() + "'");
  CHECK_MESSAGE(r.status == 0, r.err);
  std::size_t files = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir / "out")) {
    CHECK(f.is_regular_file());
    CHECK(f.path().parent_path() == dir / "out");
    std::string name = f.path().filename().string();
    CHECK(name.front() != '.');
    CHECK(name.size() <= 255);
    ++files;
  }
  CHECK(files == ids.size());
  for (const auto& f : fs::directory_iterator(dir))
    CHECK_MESSAGE((f.path().filename() == "out" || f.path().filename() == "ids.jsonl"), f.path().string());
  fs::remove_all(dir);
}

TEST_CASE("atomic writes: a failed or killed run leaves an existing output untouched") {
  auto dir = testsupport::temp_dir("hostile-atomic");
  fs::path out = dir / "facts.json";
  spit(out.string(), "OLD");
  spit((dir / "bad.txt").string(), std::string("\xff\xfe bad", 6));
  auto r = run("extract '" + (dir / "bad.txt").string() + "' -o '" + out.string() + "'");
  CHECK(r.status == 1);
  CHECK(slurp(out.string()) == "OLD");

  // Killed mid-run: the target is either the old bytes or a complete new file, never a truncation.
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "Acme Corp. hired Jane Doe on May " + std::to_string(1 + i % 28) + ", 2020. ";
  spit((dir / "big.txt").string(), big);
  std::string cmd = "timeout -s KILL 1 '" + testsupport::binary() + "' extract '" + (dir / "big.txt").string() +
                    "' -o '" + out.string() + "' 2>/dev/null";
  (void)std::system(cmd.c_str());
  std::string after = slurp(out.string());
  if (after != "OLD") CHECK_FALSE(nlohmann::json::parse(after, nullptr, false).is_discarded());
  fs::remove_all(dir);
}

TEST_CASE("limits are options with clear messages") {
  auto dir = testsupport::temp_dir("hostile-limits");
  std::string text;
  for (int i = 0; i < 150; ++i) text += "Company" + std::to_string(i) + " Corp. and Partner" + std::to_string(i) + " Inc. grew. ";
  spit((dir / "many.txt").string(), text);
  std::string in = "'" + (dir / "many.txt").string() + "'";

  auto big = run("extract " + in + " --max-bytes 100");
  CHECK(big.status == 1);
  CHECK(big.err.find("larger than the limit of 100 bytes (see --max-bytes)") != std::string::npos);

  // JSON needs no layout and keeps every entity.
  CHECK(run("graph " + in + " --max-entities 50 -o '" + (dir / "g.json").string() + "'").status == 0);
  const std::size_t total = nlohmann::json::parse(slurp((dir / "g.json").string()))["nodes"].size();
  CHECK(total > 250);
  // Too many entities to lay out: the 50 most central are drawn, and the picture says so.
  auto reduced = run("graph " + in + " --max-entities 50 -o '" + (dir / "g.svg").string() + "'");
  CHECK_MESSAGE(reduced.status == 0, reduced.err);
  CHECK(count_lines(reduced.err) == 1);
  CHECK_MESSAGE(reduced.err.find("drawing the 50 most central") != std::string::npos, reduced.err);
  std::string svg = slurp((dir / "g.svg").string());
  CHECK_MESSAGE(svg.find("The 50 most central of " + std::to_string(total) + " entities are drawn; " +
                         std::to_string(total - 50) + " are left out") != std::string::npos,
                svg.substr(0, 2000));
  CHECK(count_occurrences(svg, "class=\"node") == 50);
  CHECK(run("graph " + in + " --max-entities 50 --quiet -o '" + (dir / "q.svg").string() + "'").err.empty());
  // Without a limit nothing is left out and there is no note.
  auto all = run("graph " + in + " --max-entities 0 -o '" + (dir / "all.svg").string() + "'");
  CHECK(all.status == 0);
  CHECK(slurp((dir / "all.svg").string()).find("left out") == std::string::npos);
  // Too many relations among them (neato and sfdp lay out a node per labelled relation): the
  // heaviest are drawn, and the picture says how many of how many.
  const std::size_t relations = nlohmann::json::parse(slurp((dir / "g.json").string()))["edges"].size();
  REQUIRE(relations > 40);
  auto dense = run("graph " + in + " --max-entities 0 --max-relations 40 -o '" + (dir / "d.svg").string() + "'");
  CHECK_MESSAGE(dense.status == 0, dense.err);
  CHECK_MESSAGE(dense.err.find("drawing the 40 strongest") != std::string::npos, dense.err);
  svg = slurp((dir / "d.svg").string());
  CHECK_MESSAGE(svg.find("The 40 strongest of " + std::to_string(relations) + " relations are drawn") != std::string::npos,
                svg.substr(0, 2000));
  CHECK(count_occurrences(svg, "class=\"node") == total);
  CHECK(count_occurrences(svg, "<g id=\"e_") - count_occurrences(svg, "_to\" class=") == 40);

  std::string run_on;
  for (int i = 0; i < 3000; ++i) run_on += "word ";
  spit((dir / "long.txt").string(), "Acme Corp. said " + run_on + "and more.");
  auto cut = run("extract '" + (dir / "long.txt").string() + "' --max-sentence-tokens 500");
  CHECK(cut.status == 0);
  CHECK_MESSAGE(cut.err.find("1 sentence(s) longer than 500 tokens cut into pieces (see --max-sentence-tokens)") !=
                    std::string::npos,
                cut.err);
  CHECK(run("extract '" + (dir / "long.txt").string() + "' --max-sentence-tokens 500 --quiet").err.empty());
  fs::remove_all(dir);
}

}  // TEST_SUITE
