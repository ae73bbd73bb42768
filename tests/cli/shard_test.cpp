// Issue 7: extract is a pure map over documents and merge an associative, commutative reduce, so
// a collection can be cut into shards, extracted anywhere in parallel and merged in any order and
// grouping — always the same bytes. Also: --threads never changes the output, and extract streams.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "test_support.hpp"

namespace fs = std::filesystem;
using testsupport::run;
using testsupport::slurp;
using testsupport::spit;

namespace {

// The bundled examples as JSON Lines documents, each one several times under its own id (a small
// collection with repeated entities across documents, so merging has something to merge).
std::vector<std::string> corpus_lines() {
  std::vector<std::string> lines;
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(testsupport::source_dir() + "/examples"))
    if (f.path().extension() == ".txt") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  for (int copy = 0; copy < 2; ++copy)
    for (const auto& f : files) {
      nlohmann::json j;
      j["id"] = f.stem().string() + "-" + std::to_string(copy);
      j["date"] = "2023-0" + std::to_string(1 + copy) + "-15";
      j["text"] = slurp(f.string());
      lines.push_back(j.dump());
    }
  return lines;
}

std::string join(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to && i < lines.size(); ++i) s += lines[i] + "\n";
  return s;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// A document's "source" names the file and line it was read from ("s1.jsonl:4"), the one thing a
// shard cannot share with the whole corpus; everything else must be the same bytes.
std::string without_sources(const std::string& merged_or_lines) {
  std::string out;
  std::size_t pos = 0;
  const std::string key = "\"source\":";
  for (std::size_t k; (k = merged_or_lines.find(key, pos)) != std::string::npos;) {
    std::size_t v = merged_or_lines.find('"', k + key.size());
    std::size_t e = merged_or_lines.find('"', v + 1);
    out += merged_or_lines.substr(pos, k - pos);
    pos = e + 1;
  }
  return out + merged_or_lines.substr(pos);
}

// A python3 that has Dask distributed (Debian's is /usr/bin/python3; a pyenv one may come first).
std::string dask_python() {
  for (const char* py : {"python3", "/usr/bin/python3"})
    if (std::system((std::string(py) + " -c 'import distributed' >/dev/null 2>&1").c_str()) == 0) return py;
  return "";
}

}  // namespace

TEST_SUITE("cli.scale") {

TEST_CASE("--threads 1 and --threads 2 give byte-identical output") {
  auto dir = testsupport::temp_dir("threads");
  auto lines = corpus_lines();
  spit((dir / "c.jsonl").string(), join(lines, 0, lines.size()));
  for (const char* cmd : {"extract", "graph --format json", "timeline --format json"}) {
    std::string base = std::string(cmd) + " " + q(dir / "c.jsonl");
    auto one = run(base + " --threads 1");
    auto two = run(base + " --threads 2");
    auto all = run(base);   // default: all cores
    CHECK_MESSAGE(one.status == 0, one.err);
    CHECK(one.out.size() > 1000);
    CHECK_MESSAGE(one.out == two.out, cmd);
    CHECK_MESSAGE(one.out == all.out, cmd);
  }
  // Extract output is JSON Lines in input order.
  auto r = run("extract -j 2 " + q(dir / "c.jsonl"));
  std::size_t pos = 0, n = 0;
  for (std::size_t nl; (nl = r.out.find('\n', pos)) != std::string::npos; pos = nl + 1, ++n) {
    auto j = nlohmann::json::parse(r.out.substr(pos, nl - pos));
    CHECK(j["document"]["id"] == nlohmann::json::parse(lines[n])["id"]);
  }
  CHECK(n == lines.size());
  CHECK(run("extract --threads -1 " + q(dir / "c.jsonl")).status == 2);
  fs::remove_all(dir);
}

TEST_CASE("merge: --threads 1 and --threads 2 give the same bytes over many batches of documents") {
  // Every paragraph of every example is a document (a few hundred: merge reads them back in groups
  // of 64, so several groups are in flight on two threads), compact and indented.
  auto dir = testsupport::temp_dir("merge-threads");
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(testsupport::source_dir() + "/examples"))
    if (f.path().extension() == ".txt") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  std::string corpus;
  std::size_t docs = 0;
  for (int copy = 0; copy < 5; ++copy)
    for (const auto& f : files) {
      const std::string text = slurp(f.string());
      for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find("\n\n", at);
        if (end == std::string::npos) end = text.size();
        if (end > at + 20) {
          nlohmann::json j;
          j["id"] = "p" + std::to_string(100000 + docs++);
          j["date"] = "2023-0" + std::to_string(1 + copy) + "-15";
          j["text"] = text.substr(at, end - at);
          corpus += j.dump() + "\n";
        }
        at = end + 2;
      }
    }
  REQUIRE(docs > 3 * 64);
  spit((dir / "c.jsonl").string(), corpus);
  REQUIRE(run("extract --compact " + q(dir / "c.jsonl") + " -o " + q(dir / "x.jsonl")).status == 0);
  for (const char* form : {"", " --compact"}) {
    const std::string base = std::string("merge") + form + " " + q(dir / "x.jsonl");
    auto one = run(base + " -j 1");
    REQUIRE_MESSAGE(one.status == 0, one.err);
    CHECK(nlohmann::json::parse(one.out)["documents"].size() == docs);
    CHECK(run(base + " -j 2").out == one.out);
    CHECK(run(base + " -j 3").out == one.out);
    CHECK(run(base).out == one.out);
  }
  CHECK(nlohmann::json::parse(run("merge " + q(dir / "x.jsonl") + " -j 2").out) ==
        nlohmann::json::parse(run("merge --compact " + q(dir / "x.jsonl") + " -j 2").out));
  CHECK(run("merge -j -1 " + q(dir / "x.jsonl")).status == 2);
  fs::remove_all(dir);
}

TEST_CASE("extract streams: a document per line out as it is read, also from a pipe") {
  auto dir = testsupport::temp_dir("stream");
  auto lines = corpus_lines();
  spit((dir / "c.jsonl").string(), join(lines, 0, lines.size()));
  // Through stdin and a pipe on both sides; the reader stopping early is not an error.
  std::string cmd = "cat " + q(dir / "c.jsonl") + " | '" + testsupport::binary() + "' extract --jsonl - -j 2 | head -n 1 > " +
                    q(dir / "first.jsonl");
  CHECK(std::system(cmd.c_str()) == 0);
  auto first = nlohmann::json::parse(slurp((dir / "first.jsonl").string()));
  CHECK(first["document"]["id"] == nlohmann::json::parse(lines[0])["id"]);
  // Progress is for terminals only: piped stderr stays silent.
  auto r = run("extract " + q(dir / "c.jsonl") + " -o " + q(dir / "out.jsonl"));
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  fs::remove_all(dir);
}

TEST_CASE("shards extracted in parallel and merged in any order equal one merge of the whole corpus") {
  auto dir = testsupport::temp_dir("shards");
  auto lines = corpus_lines();
  const std::size_t k = 3, per = (lines.size() + k - 1) / k;
  spit((dir / "all.jsonl").string(), join(lines, 0, lines.size()));
  for (std::size_t s = 0; s < k; ++s) spit((dir / ("s" + std::to_string(s) + ".jsonl")).string(), join(lines, s * per, (s + 1) * per));

  // Map: every shard in its own process, all at once (plain processes, as a cluster would run them).
  std::string map = "set -e; ";
  for (std::size_t s = 0; s < k; ++s) {
    std::string n = "s" + std::to_string(s);
    map += "'" + testsupport::binary() + "' extract -j 1 --compact " + q(dir / (n + ".jsonl")) + " -o " +
           q(dir / (n + ".out.jsonl")) + " & ";
  }
  map += "wait";
  REQUIRE(std::system(("sh -c \"" + map + "\"").c_str()) == 0);
  for (std::size_t s = 0; s < k; ++s) REQUIRE(fs::exists(dir / ("s" + std::to_string(s) + ".out.jsonl")));

  auto whole_x = run("extract " + q(dir / "all.jsonl") + " -o " + q(dir / "all.out.jsonl"));
  REQUIRE(whole_x.status == 0);
  auto whole = run("merge " + q(dir / "all.out.jsonl"));
  REQUIRE_MESSAGE(whole.status == 0, whole.err);
  CHECK(whole.out.size() > 1000);

  // The map outputs concatenated are the whole corpus's extract output, byte for byte.
  std::string cat;
  for (std::size_t s = 0; s < k; ++s) cat += slurp((dir / ("s" + std::to_string(s) + ".out.jsonl")).string());
  CHECK(without_sources(cat) == without_sources(slurp((dir / "all.out.jsonl").string())));
  CHECK(cat != slurp((dir / "all.out.jsonl").string()));   // (the sources do differ)

  const std::string s0 = q(dir / "s0.out.jsonl"), s1 = q(dir / "s1.out.jsonl"), s2 = q(dir / "s2.out.jsonl");
  // Any order.
  for (const std::string& order : {s0 + " " + s1 + " " + s2, s2 + " " + s0 + " " + s1, s1 + " " + s2 + " " + s0}) {
    auto m = run("merge " + order);
    CHECK_MESSAGE(m.status == 0, m.err);
    CHECK(without_sources(m.out) == without_sources(whole.out));
    CHECK(m.out == run("merge " + s0 + " " + s1 + " " + s2).out);
    // The graph and the timeline are the same bytes as the whole corpus's.
    auto mj = nlohmann::json::parse(m.out), wj = nlohmann::json::parse(whole.out);
    CHECK(mj["graph"].dump() == wj["graph"].dump());
    CHECK(mj["timeline"].dump() == wj["timeline"].dump());
  }
  const std::string one_merge = run("merge " + s0 + " " + s1 + " " + s2).out;
  // Any grouping: ((s2 s0) s1) and (s1 (s0 s2)), through intermediate merge files.
  REQUIRE(run("merge " + s2 + " " + s0 + " -o " + q(dir / "m20.json")).status == 0);
  REQUIRE(run("merge " + s0 + " " + s2 + " -o " + q(dir / "m02.json")).status == 0);
  CHECK(slurp((dir / "m20.json").string()) == slurp((dir / "m02.json").string()));
  auto left = run("merge " + q(dir / "m20.json") + " " + s1);
  auto right = run("merge " + s1 + " " + q(dir / "m02.json"));
  CHECK(left.out == one_merge);
  CHECK(right.out == one_merge);
  // A merge is idempotent under re-merge with itself (a shard retried twice counts once).
  auto again = run("merge " + q(dir / "m20.json") + " " + s1 + " " + s1);
  CHECK(again.out == one_merge);
  fs::remove_all(dir);
}

TEST_CASE("tools/dask_extract.py on a local cluster of worker processes gives the single-run merge") {
  const std::string py = dask_python();
  if (py.empty()) {
    MESSAGE("skipped: python3-distributed is not installed (tools/deps.sh installs it)");
    return;
  }
  auto dir = testsupport::temp_dir("dask");
  auto lines = corpus_lines();
  spit((dir / "all.jsonl").string(), join(lines, 0, lines.size()));
  REQUIRE(run("extract " + q(dir / "all.jsonl") + " -o " + q(dir / "all.out.jsonl")).status == 0);
  auto whole = run("merge " + q(dir / "all.out.jsonl") + " -o " + q(dir / "whole.json"));
  REQUIRE(whole.status == 0);
  std::string cmd = py + " '" + testsupport::source_dir() + "/tools/dask_extract.py' --local 2 --shard-docs 5 --binary '" +
                    testsupport::binary() + "' --work-dir " + q(dir / "work") + " -o " + q(dir / "dask.json") + " " +
                    q(dir / "all.jsonl") + " > " + q(dir / "dask.log") + " 2>&1";
  int rc = std::system(cmd.c_str());
  CHECK_MESSAGE(rc == 0, slurp((dir / "dask.log").string()));
  std::string dask = slurp((dir / "dask.json").string());
  CHECK(dask.size() > 1000);
  CHECK(without_sources(dask) == without_sources(slurp((dir / "whole.json").string())));
  fs::remove_all(dir);
}

}  // TEST_SUITE

TEST_CASE("merge reads inputs as streams: a broken file adds nothing; compact and pretty merged files read back") {
  auto dir = testsupport::temp_dir("merge-stream");
  auto lines = corpus_lines();
  spit((dir / "a.jsonl").string(), join(lines, 0, 4));
  spit((dir / "b.jsonl").string(), join(lines, 4, 8));
  REQUIRE(run("extract -j 1 --compact " + q(dir / "a.jsonl") + " -o " + q(dir / "a.out.jsonl")).status == 0);
  REQUIRE(run("extract -j 1 --compact " + q(dir / "b.jsonl") + " -o " + q(dir / "b.out.jsonl")).status == 0);
  const std::string a = q(dir / "a.out.jsonl"), b = q(dir / "b.out.jsonl");
  auto only_a = run("merge " + a);
  REQUIRE_MESSAGE(only_a.status == 0, only_a.err);

  // JSON Lines whose third line is broken: an error naming the line, and none of its documents used
  // (not even the two good lines before it), the other input merged as usual.
  std::string b_lines = slurp((dir / "b.out.jsonl").string());
  std::size_t second_nl = b_lines.find('\n', b_lines.find('\n') + 1);
  REQUIRE(second_nl != std::string::npos);
  spit((dir / "broken.jsonl").string(), b_lines.substr(0, second_nl + 1) + "{\"document\": oops\n" +
                                            b_lines.substr(second_nl + 1));
  auto with_broken = run("merge " + a + " " + q(dir / "broken.jsonl"));
  CHECK(with_broken.status == 1);
  CHECK(with_broken.err.find("broken.jsonl:3: not JSON") != std::string::npos);
  CHECK(with_broken.out == only_a.out);

  // A pretty merged file cut short: not JSON, nothing taken from it.
  REQUIRE(run("merge " + b + " -o " + q(dir / "b.merged.json")).status == 0);
  const std::string pretty = slurp((dir / "b.merged.json").string());
  spit((dir / "cut.json").string(), pretty.substr(0, pretty.size() / 2));
  auto with_cut = run("merge " + a + " " + q(dir / "cut.json"));
  CHECK(with_cut.status == 1);
  CHECK(with_cut.err.find("cut.json:1: not JSON") != std::string::npos);
  CHECK(with_cut.out == only_a.out);

  // Merged files, pretty (one JSON text over many lines) and compact (one line), read back
  // document by document: the same bytes as merging the extractions themselves.
  auto both = run("merge " + a + " " + b);
  REQUIRE(both.status == 0);
  REQUIRE(run("merge --compact " + b + " -o " + q(dir / "b.compact.json")).status == 0);
  CHECK(run("merge " + a + " " + q(dir / "b.merged.json")).out == both.out);
  CHECK(run("merge " + q(dir / "b.compact.json") + " " + a).out == both.out);

  // Compact lines are read without a JSON tree, anything else by the general parser: the same
  // documents as pretty files, one per document, merge to the same bytes.
  fs::create_directories(dir / "parts");
  REQUIRE(run("extract -j 1 --out-dir " + q(dir / "parts") + " " + q(dir / "b.jsonl")).status == 0);
  std::string part_files;
  for (const auto& f : fs::directory_iterator(dir / "parts")) part_files += " " + q(f.path());
  REQUIRE(part_files.size() > 10);
  CHECK(slurp((dir / "parts" / fs::directory_iterator(dir / "parts")->path().filename()).string()).find("\n  ") != std::string::npos);
  CHECK(run("merge " + a + part_files).out == both.out);
  // A compact merged file whose graph part is broken, and a compact line with bytes after its
  // object: not JSON, nothing taken from them.
  std::string compact = slurp((dir / "b.compact.json").string());
  const std::size_t graph_at = compact.find(",\"graph\":{");
  REQUIRE(graph_at != std::string::npos);
  spit((dir / "badgraph.json").string(), compact.substr(0, graph_at + 10) + "oops" + compact.substr(graph_at + 10));
  auto with_badgraph = run("merge " + a + " " + q(dir / "badgraph.json"));
  CHECK(with_badgraph.status == 1);
  CHECK(with_badgraph.err.find("badgraph.json:1: not JSON") != std::string::npos);
  CHECK(with_badgraph.out == only_a.out);
  spit((dir / "tail.jsonl").string(), b_lines.substr(0, b_lines.find('\n')) + " x\n");
  auto with_tail = run("merge " + a + " " + q(dir / "tail.jsonl"));
  CHECK(with_tail.status == 1);
  CHECK(with_tail.err.find("tail.jsonl:1: not JSON") != std::string::npos);
  CHECK(with_tail.out == only_a.out);

  // One id, two different documents: a warning, and the same one kept whatever the order.
  std::string a_first = slurp((dir / "a.out.jsonl").string());
  a_first = a_first.substr(0, a_first.find('\n') + 1);
  auto x = nlohmann::json::parse(a_first);
  x["entities"] = nlohmann::json::array();
  x["relations"] = nlohmann::json::array();   // (they name entities: without them, an error)
  spit((dir / "twin.jsonl").string(), x.dump() + "\n");
  auto ab = run("merge " + a + " " + q(dir / "twin.jsonl"));
  auto ba = run("merge " + q(dir / "twin.jsonl") + " " + a);
  CHECK(ab.status == 0);
  CHECK(ab.err.find("seen twice with different content") != std::string::npos);
  CHECK(ab.out == ba.out);
  fs::remove_all(dir);
}

TEST_CASE("merge: a relation naming an entity its document does not have is an error, in any JSON form") {
  auto dir = testsupport::temp_dir("merge-dangling");
  auto lines = corpus_lines();
  spit((dir / "a.jsonl").string(), join(lines, 0, 4));
  REQUIRE(run("extract -j 1 --compact " + q(dir / "a.jsonl") + " -o " + q(dir / "a.out.jsonl")).status == 0);
  const std::string a = q(dir / "a.out.jsonl");
  auto only_a = run("merge " + a);
  REQUIRE_MESSAGE(only_a.status == 0, only_a.err);
  // A document of another id whose first relation's target is an id no entity has: compact (read
  // by the strict reader, which refuses it, then by the general parser) and pretty.
  std::string first = slurp((dir / "a.out.jsonl").string());
  first = first.substr(0, first.find('\n'));
  auto x = nlohmann::json::parse(first);
  REQUIRE(!x["relations"].empty());
  x["document"]["id"] = "dangling";
  x["relations"][0]["target"] = "org:nobody-here";
  spit((dir / "compact.jsonl").string(), x.dump() + "\n");
  spit((dir / "pretty.json").string(), x.dump(2) + "\n");
  for (const char* bad : {"compact.jsonl", "pretty.json"}) {
    INFO(bad);
    auto r = run("merge " + a + " " + q(dir / bad));
    CHECK(r.status == 1);
    CHECK_MESSAGE(r.err.find(std::string(bad) + ": document 'dangling': a relation's target 'org:nobody-here' is no "
                             "entity of the document") != std::string::npos,
                  r.err);
    CHECK(r.out == only_a.out);   // the document is left out; the rest is merged
  }
  // A relation without a source names no entity either.
  x["relations"][0]["target"] = x["relations"][0]["source"];
  x["relations"][0].erase("source");
  spit((dir / "nosource.json").string(), x.dump(2) + "\n");
  auto r = run("merge " + q(dir / "nosource.json"));
  CHECK(r.status == 1);
  CHECK_MESSAGE(r.err.find("a relation's source '' is no entity") != std::string::npos, r.err);
  fs::remove_all(dir);
}
