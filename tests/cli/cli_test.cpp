// End-to-end tests of the storyline command: every bad input of issue 2, --help/--version, stdin,
// formats, determinism, and the bundled examples.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.hpp"

namespace fs = std::filesystem;
using testsupport::run;

namespace {

std::string example(const std::string& name) { return testsupport::source_dir() + "/examples/" + name; }

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// One line on stderr that names the file and the problem, non-zero exit, no output file.
void expect_clean_failure(const testsupport::RunResult& r, const std::string& needle, const fs::path& out) {
  CHECK(r.status != 0);
  CHECK(count_lines(r.err) == 1);
  CHECK_MESSAGE(r.err.find(needle) != std::string::npos, r.err);
  CHECK(r.err.rfind("storyline: error: ", 0) == 0);
  CHECK_FALSE(fs::exists(out));
  // No temporary file left behind either.
  if (fs::is_directory(out.parent_path()))
    for (const auto& f : fs::directory_iterator(out.parent_path()))
      CHECK_MESSAGE(f.path().filename().string().find(".tmp-") == std::string::npos, f.path().string());
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("--help on every command and --version") {
  auto v = run("--version");
  CHECK(v.status == 0);
  CHECK(v.out.rfind("storyline ", 0) == 0);
  for (const char* cmd : {"", "extract ", "graph ", "timeline ", "merge "}) {
    auto h = run(std::string(cmd) + "--help");
    CHECK(h.status == 0);
    CHECK(h.out.find("Usage") != std::string::npos);
  }
  auto t = run("timeline --help");
  CHECK(t.out.find("--from") != std::string::npos);
  auto g = run("graph --help");
  CHECK(g.out.find("--min-weight") != std::string::npos);
}

TEST_CASE("bad inputs: one line naming the problem, non-zero exit, no partial output") {
  auto dir = testsupport::temp_dir("cli-bad");
  fs::path out = dir / "out.svg";
  testsupport::spit((dir / "empty.txt").string(), "");
  testsupport::spit((dir / "blank.txt").string(), "  \n\n\t\n");
  testsupport::spit((dir / "binary.txt").string(), std::string("PK\x03\x04\0\0\x01", 7));
  testsupport::spit((dir / "latin1.txt").string(), "Caf\xE9 owner sued Acme Corp.");
  testsupport::spit((dir / "ok.txt").string(), "Acme Corp. hired Jane Holloway in 2020.");
  SUBCASE("missing file") { expect_clean_failure(run("graph " + (dir / "nope.txt").string() + " -o " + out.string()), "nope.txt: no such file", out); }
  SUBCASE("directory") { expect_clean_failure(run("graph " + dir.string() + " -o " + out.string()), "is a directory", out); }
  SUBCASE("empty file") { expect_clean_failure(run("graph " + (dir / "empty.txt").string() + " -o " + out.string()), "empty.txt: empty input", out); }
  SUBCASE("blank file") { expect_clean_failure(run("timeline " + (dir / "blank.txt").string() + " -o " + out.string()), "blank.txt: empty input", out); }
  SUBCASE("binary file") { expect_clean_failure(run("graph " + (dir / "binary.txt").string() + " -o " + out.string()), "binary.txt: binary data", out); }
  SUBCASE("invalid UTF-8") { expect_clean_failure(run("extract " + (dir / "latin1.txt").string() + " -o " + (dir / "out.json").string()), "latin1.txt: invalid UTF-8 at byte offset 3", dir / "out.json"); }
  SUBCASE("unknown option") {
    auto r = run("graph " + (dir / "ok.txt").string() + " --bogus -o " + out.string());
    CHECK(r.status == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("--bogus") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
  SUBCASE("bad --date") { expect_clean_failure(run("graph " + (dir / "ok.txt").string() + " --date 2023-02-30 -o " + out.string()), "--date '2023-02-30'", out); }
  SUBCASE("unwritable -o") {
    auto r = run("graph " + (dir / "ok.txt").string() + " -o " + (dir / "no-such-dir" / "x.svg").string());
    CHECK(r.status == 1);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("does not exist") != std::string::npos);
  }
  SUBCASE("unknown format") { expect_clean_failure(run("graph " + (dir / "ok.txt").string() + " -o " + (dir / "out.xyz").string()), "unknown output format 'xyz'", dir / "out.xyz"); }
  fs::remove_all(dir);
}

TEST_CASE("stdin and stdout with -") {
  auto r = run("extract - --date 2023-02-06", example("nissan_renault.txt"));
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["document"]["source"] == "-");
  CHECK(j["document"]["date"] == "2023-02-06");
  CHECK(j["document"]["date_source"] == "option");
  CHECK(!j["entities"].empty());

  // merge reads standard input too: JSON Lines, or one JSON text (an earlier, indented merge), with
  // the bytes of the same merge from a file.
  auto dir = testsupport::temp_dir("cli-merge-stdin");
  const std::string lines = (dir / "x.jsonl").string(), merged = (dir / "m.json").string();
  REQUIRE(run("extract --compact --quiet -o " + lines + " " + example("nissan_renault.txt") + " " +
              example("arm_listing.txt")).status == 0);
  const auto from_file = run("merge --compact " + lines);
  REQUIRE(from_file.status == 0);
  const auto from_stdin = run("merge --compact -", lines);
  CHECK(from_stdin.status == 0);
  CHECK(from_stdin.out == from_file.out);
  REQUIRE(run("merge -o " + merged + " " + lines).status == 0);
  const auto again = run("merge --compact -", merged);
  CHECK(again.status == 0);
  CHECK(again.out == from_file.out);
  testsupport::spit((dir / "bad.txt").string(), "not json\n");
  const auto bad = run("merge -", (dir / "bad.txt").string());
  CHECK(bad.status != 0);
  CHECK(bad.err.find("<stdin>:1: not JSON") != std::string::npos);
  fs::remove_all(dir);
}

// Documents are extracted in groups, but a group never waits for input that has not arrived: a
// JSON Lines pipe fed one document at a time gets each result back before the next is sent.
TEST_CASE("JSON Lines from a pipe: each result comes out before the next document is sent") {
  int in[2], out[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::close(in[0]); ::close(in[1]); ::close(out[0]); ::close(out[1]);
    const std::string bin = testsupport::binary();
    ::execl(bin.c_str(), bin.c_str(), "extract", "--jsonl", "--compact", "--quiet", "-", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::signal(SIGPIPE, SIG_IGN);
  struct Reap {   // a failed REQUIRE leaves no process behind
    pid_t pid;
    bool done = false;
    ~Reap() {
      if (!done) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } reap{pid};
  // Reads one whole line from the child, waiting at most 60 s (a generous bound: the point is
  // that the line comes at all while the input is still open).
  std::string pending;
  auto read_line = [&]() -> std::string {
    for (;;) {
      if (auto nl = pending.find('\n'); nl != std::string::npos) {
        std::string line = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        return line;
      }
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 60000) <= 0) return "";
      char buf[4096];
      ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) return "";
      pending.append(buf, static_cast<std::size_t>(n));
    }
  };
  const std::string docs[] = {
      "{\"id\":\"one\",\"date\":\"2021-05-04\",\"text\":\"Acme Corp. bought Globex Inc. on Monday.\"}\n",
      "{\"id\":\"two\",\"date\":\"2021-05-05\",\"text\":\"Jane Holloway joined Initech in 2019.\"}\n",
      "{\"id\":\"three\",\"text\":\"Nothing much happened.\"}\n"};
  std::vector<std::string> ids;
  for (const auto& d : docs) {
    REQUIRE(::write(in[1], d.data(), d.size()) == static_cast<ssize_t>(d.size()));
    std::string line = read_line();
    REQUIRE_MESSAGE(!line.empty(), "no output for a document while the input stayed open");
    ids.push_back(nlohmann::json::parse(line)["document"]["id"].get<std::string>());
  }
  ::close(in[1]);
  CHECK(read_line().empty());   // nothing more after the input ends
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  reap.done = true;
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(ids == std::vector<std::string>{"one", "two", "three"});
}

TEST_CASE("several inputs give JSON Lines, one object per document") {
  auto r = run("extract " + example("nissan_renault.txt") + " " + example("boeing_737_max.txt"));
  REQUIRE(r.status == 0);
  CHECK(count_lines(r.out) == 2);
  auto first = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  CHECK(first["document"]["id"] == "nissan_renault");
}

TEST_CASE("JSON Lines input: a bad line is reported and skipped, the rest processed") {
  auto dir = testsupport::temp_dir("cli-jsonl");
  testsupport::spit((dir / "c.jsonl").string(),
                    "{\"id\":\"a\",\"date\":\"2020-01-02\",\"text\":\"Acme Corp. sued Globex Inc. last week.\"}\n"
                    "not json\n"
                    "{\"id\":\"b\",\"text\":\"Jane Holloway joined Initech LLC.\"}\n");
  auto r = run("extract " + (dir / "c.jsonl").string());
  CHECK(r.status == 1);
  CHECK(r.err.find("c.jsonl:2: not a JSON object") != std::string::npos);
  CHECK(count_lines(r.out) == 2);
  auto a = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  CHECK(a["document"]["id"] == "a");
  CHECK(a["document"]["date_source"] == "jsonl");
  fs::remove_all(dir);
}

TEST_CASE("--out-dir writes one file per document and ids cannot leave the folder") {
  auto dir = testsupport::temp_dir("cli-outdir");
  testsupport::spit((dir / "c.jsonl").string(), "{\"id\":\"../../evil\",\"text\":\"Acme Corp. grew.\"}\n");
  fs::create_directories(dir / "out");
  auto r = run("extract " + (dir / "c.jsonl").string() + " --out-dir " + (dir / "out").string());
  CHECK(r.status == 0);
  int files = 0;
  for (const auto& f : fs::directory_iterator(dir / "out")) {
    ++files;
    CHECK(f.path().filename().string().front() != '.');
    CHECK(f.path().filename().string().find("evil.json") != std::string::npos);
  }
  CHECK(files == 1);
  CHECK_FALSE(fs::exists(dir / "evil.json"));
  CHECK_FALSE(fs::exists(dir.parent_path() / "evil.json"));
  fs::remove_all(dir);
}

TEST_CASE("graph and timeline of the bundled example: SVG, PNG, DOT, JSON, GraphML; byte-identical reruns") {
  auto dir = testsupport::temp_dir("cli-render");
  std::string in = example("nissan_renault.txt") + " --date 2023-02-07";
  for (const char* ext : {"svg", "png", "dot", "json", "graphml"}) {
    fs::path a = dir / (std::string("g1.") + ext), b = dir / (std::string("g2.") + ext);
    REQUIRE(run("graph " + in + " -o " + a.string()).status == 0);
    REQUIRE(run("graph " + in + " -o " + b.string()).status == 0);
    CHECK_MESSAGE(testsupport::slurp(a.string()) == testsupport::slurp(b.string()), ext);
  }
  for (const char* ext : {"svg", "png", "json"}) {
    fs::path a = dir / (std::string("t1.") + ext), b = dir / (std::string("t2.") + ext);
    REQUIRE(run("timeline " + in + " --from 2018 -o " + a.string()).status == 0);
    REQUIRE(run("timeline " + in + " --from 2018 -o " + b.string()).status == 0);
    CHECK_MESSAGE(testsupport::slurp(a.string()) == testsupport::slurp(b.string()), ext);
  }
  std::string svg = testsupport::slurp((dir / "g1.svg").string());
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("Carlos Ghosn") != std::string::npos);
  CHECK(testsupport::slurp((dir / "g1.png").string()).rfind("\x89PNG", 0) == 0);
  auto tl = nlohmann::json::parse(testsupport::slurp((dir / "t1.json").string()));
  for (const auto& e : tl["events"]) CHECK(e["date_value"].get<std::string>().substr(0, 4) >= "2018");
  auto e1 = run("extract " + in);
  auto e2 = run("extract " + in);
  CHECK(e1.out == e2.out);
  fs::remove_all(dir);
}

TEST_CASE("every example renders to both diagrams") {
  for (const auto& f : fs::directory_iterator(testsupport::source_dir() + "/examples")) {
    if (f.path().extension() != ".txt") continue;
    auto g = run("graph " + f.path().string());
    const std::string gmsg = f.path().string() + ": " + g.err;
    CHECK_MESSAGE(g.status == 0, gmsg);
    CHECK(g.out.find("</svg>") != std::string::npos);
    auto t = run("timeline " + f.path().string());
    const std::string tmsg = f.path().string() + ": " + t.err;
    CHECK_MESSAGE(t.status == 0, tmsg);
    CHECK(t.out.find("</svg>") != std::string::npos);
  }
}

TEST_CASE("seed article: the --from 2018 timeline shows the arrest") {
  fs::path seeds = testsupport::shared_dir() + "/seeds";
  if (!fs::is_directory(seeds)) {
    MESSAGE("../shared/seeds not present: seed test skipped");
    return;
  }
  for (const auto& f : fs::directory_iterator(seeds)) {
    if (f.path().extension() != ".txt") continue;
    auto j = run("timeline " + f.path().string() + " --from 2018 --format json");
    REQUIRE(j.status == 0);
    auto tl = nlohmann::json::parse(j.out);
    bool arrest = false;
    for (const auto& e : tl["events"]) arrest = arrest || (e["type"] == "arrest" && e["date_value"] == "2018");
    CHECK(arrest);
    auto svg = run("timeline " + f.path().string() + " --from 2018");
    CHECK(svg.out.find("Carlos Ghosn arrested in Japan") != std::string::npos);
  }
}

TEST_CASE("merge reads canonical input lines back from the input files: the same bytes as through the spill") {
  auto dir = testsupport::temp_dir("cli-merge-refs");
  auto path = [&](const std::string& name) { return (dir / name).string(); };
  REQUIRE(run("extract --compact --quiet -o " + path("x.jsonl") + " " + example("nissan_renault.txt") + " " +
              example("arm_listing.txt") + " " + example("boeing_737_max.txt")).status == 0);
  std::vector<std::string> lines;
  {
    std::istringstream in(testsupport::slurp(path("x.jsonl")));
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  REQUIRE(lines.size() == 3);
  // A line ending in CRLF, one with trailing blanks, one not canonical (a space after its first key),
  // blank lines between.
  std::string odd = lines[2];
  odd.insert(12, " ");
  testsupport::spit(path("odd.jsonl"), lines[0] + "\r\n\n" + lines[1] + "  \t\n\n" + odd + "\n");
  const auto from_file = run("merge --compact " + path("odd.jsonl"));
  const auto through_spill = run("merge --compact -", path("odd.jsonl"));   // standard input is copied
  REQUIRE(from_file.status == 0);
  CHECK(from_file.out == through_spill.out);
  CHECK(from_file.out == run("merge --compact " + path("x.jsonl")).out);
  // More input files than are kept open (64): the rest go through the spill, the bytes are the same.
  std::string all;
  std::string args;
  for (int k = 0; k < 70; ++k) {
    auto doc = nlohmann::json::parse(lines[static_cast<std::size_t>(k % 3)]);
    doc["document"]["id"] = "doc" + std::to_string(100 + k);
    const std::string line = doc.dump() + "\n";
    testsupport::spit(path("f" + std::to_string(k) + ".jsonl"), line);
    all += line;
    args += " " + path("f" + std::to_string(k) + ".jsonl");
  }
  testsupport::spit(path("all.jsonl"), all);
  const auto many = run("merge --compact" + args);
  REQUIRE(many.status == 0);
  CHECK(many.out == run("merge --compact -", path("all.jsonl")).out);
  CHECK(nlohmann::json::parse(many.out)["documents"].size() == 70);
  // With few file descriptors allowed (fewer than the inputs), the same bytes.
  const std::string low = "ulimit -n 40 && '" + testsupport::binary() + "' merge --compact --quiet -o " +
                          path("low.json") + args + " 2>" + path("low.err");
  CHECK(std::system(low.c_str()) == 0);
  CHECK(testsupport::slurp(path("low.json")) == many.out);
  fs::remove_all(dir);
}

TEST_CASE("merge refuses an input file that changed between reading it and reading its documents back") {
  auto dir = testsupport::temp_dir("cli-merge-changed");
  auto path = [&](const std::string& name) { return (dir / name).string(); };
  REQUIRE(run("extract --compact --quiet -o " + path("a.jsonl") + " " + example("nissan_renault.txt") + " " +
              example("arm_listing.txt")).status == 0);
  const std::string a = testsupport::slurp(path("a.jsonl"));
  // Standard input, read after a.jsonl: well over a pipe's buffer (64 KB) of other documents, so
  // when the last write returns, merge is reading it and has read all of a.jsonl (inputs are read
  // in order), and a.jsonl's documents are still to be read back (pass 2 starts after the last input).
  std::string more;
  {
    const auto doc = nlohmann::json::parse(a.substr(0, a.find('\n')));
    for (int k = 0; more.size() < (1u << 20); ++k) {
      auto d = doc;
      d["document"]["id"] = "stdin-" + std::to_string(k);
      more += d.dump() + "\n";
    }
  }
  // merge a.jsonl -, with `change` done to a.jsonl once merge is reading standard input.
  auto merge_while = [&](const std::function<void()>& change) {
    const std::string cmd = "'" + testsupport::binary() + "' merge --compact --quiet -o " + path("m.json") + " " +
                            path("a.jsonl") + " - 2>" + path("err.txt");
    ::signal(SIGPIPE, SIG_IGN);   // (a merge that stops early fails the checks, not the test run)
    std::FILE* p = ::popen(cmd.c_str(), "w");
    REQUIRE(p != nullptr);
    CHECK(std::fwrite(more.data(), 1, more.size(), p) == more.size());
    CHECK(std::fflush(p) == 0);
    change();
    const int st = ::pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  };
  // Untouched: merged.
  CHECK(merge_while([] {}) == 0);
  CHECK(nlohmann::json::parse(testsupport::slurp(path("m.json")))["documents"].size() ==
        2 + static_cast<std::size_t>(count_lines(more)));
  fs::remove(path("m.json"));
  // A line appended to a.jsonl meanwhile: its documents would not read back as they were read.
  const int status = merge_while([&] {
    std::ofstream(path("a.jsonl"), std::ios::app) << a.substr(0, a.find('\n') + 1);
  });
  CHECK(status != 0);
  const std::string err = testsupport::slurp(path("err.txt"));
  CHECK(count_lines(err) == 1);
  CHECK_MESSAGE(err.find(path("a.jsonl") + ": changed while it was being merged") != std::string::npos, err);
  CHECK_FALSE(fs::exists(path("m.json")));
  fs::remove_all(dir);
}

TEST_CASE("merge shows its progress on a terminal, and not when stderr is piped or with --quiet") {
  auto dir = testsupport::temp_dir("cli-merge-progress");
  const std::string lines = (dir / "x.jsonl").string(), out = (dir / "m.json").string(),
                    tty = (dir / "tty.txt").string();
  REQUIRE(run("extract --compact --quiet -o " + lines + " " + example("nissan_renault.txt") + " " +
              example("arm_listing.txt")).status == 0);
  const auto piped = run("merge -o " + out + " " + lines);
  CHECK(piped.status == 0);
  CHECK(piped.err.empty());
  // script(1) (util-linux) gives the command a terminal; its output is what the terminal showed.
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    MESSAGE("script(1) not installed: the terminal case is not run");
  } else {
    auto on_tty = [&](const std::string& extra) {
      const std::string cmd = "script -qec \"'" + testsupport::binary() + "' merge " + extra + " -o " + out + " " +
                              lines + "\" /dev/null > " + tty + " 2>&1 </dev/null";
      REQUIRE(std::system(cmd.c_str()) == 0);
      return testsupport::slurp(tty);
    };
    const std::string shown = on_tty("");
    CHECK(shown.find("storyline: read 2 documents") != std::string::npos);
    CHECK(shown.find("storyline: merged 2 documents") != std::string::npos);
    CHECK(on_tty("--quiet").find("storyline:") == std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("merge reads a compact merged file one document at a time, and its odd forms as before") {
  auto dir = testsupport::temp_dir("cli-merged-stream");
  auto path = [&](const std::string& name) { return (dir / name).string(); };
  REQUIRE(run("extract --compact --quiet -o " + path("x.jsonl") + " " + example("nissan_renault.txt") + " " +
              example("arm_listing.txt")).status == 0);
  // One document with an alias of 2.5 MB: its object spans several of the reader's 1 MB chunks.
  std::string lines = testsupport::slurp(path("x.jsonl"));
  auto doc = nlohmann::json::parse(lines.substr(0, lines.find('\n')));
  doc["entities"][0]["aliases"].push_back(std::string(2'500'000, 'x') + "\"\\" + std::string(600'000, 'y'));
  testsupport::spit(path("big.jsonl"), doc.dump() + "\n" + lines.substr(lines.find('\n') + 1));
  REQUIRE(run("merge --compact --quiet -o " + path("m.json") + " " + path("big.jsonl")).status == 0);
  const std::string m = testsupport::slurp(path("m.json"));
  REQUIRE(m.size() > 3'000'000);
  // Merged again, from a file and from standard input: the same bytes.
  const auto again = run("merge --compact " + path("m.json"));
  CHECK(again.status == 0);
  CHECK(again.out == m);
  const auto piped = run("merge --compact -", path("m.json"));
  CHECK(piped.status == 0);
  CHECK(piped.out == m);
  // A document not in the compact form (a space after its first key) is read by the general parser.
  std::string spaced = m;
  spaced.insert(spaced.find("{\"document\":") + 12, " ");
  testsupport::spit(path("spaced.json"), spaced);
  CHECK(run("merge --compact " + path("spaced.json")).out == m);
  // A second "documents" array after the graph: both arrays are read (the general parser's way).
  std::string second = m;
  second.insert(second.size() - 2, ",\"documents\":[]");
  testsupport::spit(path("second.json"), second);
  const auto two = run("merge --compact " + path("second.json"));
  CHECK(two.status == 0);
  CHECK(two.out == m);
  // Cut short after its documents: one line naming the file, from a file and from standard input.
  testsupport::spit(path("cut.json"), m.substr(0, m.size() - 2));
  const auto cut = run("merge --compact " + path("cut.json"));
  CHECK(cut.status == 1);
  CHECK(cut.err == "storyline: error: " + path("cut.json") + ":1: not JSON\n");
  const auto cut_in = run("merge --compact -", path("cut.json"));
  CHECK(cut_in.status == 1);
  CHECK(cut_in.err.find("<stdin>:1: not JSON") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("graph and timeline draw extract JSON and merged files as they are, as merge's own graph and timeline") {
  auto dir = testsupport::temp_dir("cli-drawn-json");
  const std::string lines = (dir / "x.jsonl").string(), merged = (dir / "m.json").string(),
                    one = (dir / "one.json").string();
  REQUIRE(run("extract --compact --quiet -o " + lines + " " + example("nissan_renault.txt") + " " +
              example("arm_listing.txt") + " " + example("boeing_737_max.txt")).status == 0);
  REQUIRE(run("extract --quiet -o " + one + " " + example("arm_listing.txt")).status == 0);   // indented
  REQUIRE(run("merge --quiet -o " + merged + " " + lines).status == 0);
  const auto m = nlohmann::json::parse(testsupport::slurp(merged));
  for (const std::string& input : {merged, lines}) {
    const auto g = run("graph --quiet --format json " + input);
    REQUIRE(g.status == 0);
    const auto gj = nlohmann::json::parse(g.out);
    CHECK(gj["nodes"] == m["graph"]["nodes"]);
    CHECK(gj["edges"] == m["graph"]["edges"]);
    CHECK(gj["title"] == "3 documents");
    const auto t = run("timeline --quiet --format json " + input);
    REQUIRE(t.status == 0);
    CHECK(nlohmann::json::parse(t.out)["events"] == m["timeline"]["events"]);
  }
  // A single indented extract file: its own entities, titled by its id; an SVG too.
  const auto g1 = run("graph --quiet --format json " + one);
  REQUIRE(g1.status == 0);
  const auto g1j = nlohmann::json::parse(g1.out);
  CHECK(g1j["title"] == "arm_listing");
  CHECK(g1j["nodes"].size() == nlohmann::json::parse(testsupport::slurp(one))["entities"].size());
  const auto svg = run("graph --quiet -o " + (dir / "m.svg").string() + " " + merged);
  CHECK(svg.status == 0);
  const std::string map = testsupport::slurp((dir / "m.svg").string());
  CHECK(map.find("SoftBank") != std::string::npos);
  // Tooltips say where each fact was read (the JSON has no sentence texts to quote).
  CHECK(map.find("&#10;[arm_listing, sentence ") != std::string::npos);
  CHECK(map.find("\xE2\x80\x9C") == std::string::npos);   // no empty quote
  REQUIRE(run("timeline --quiet -o " + (dir / "tl.svg").string() + " " + merged).status == 0);
  const auto& ev = m["timeline"]["events"][0]["evidence"];
  CHECK(testsupport::slurp((dir / "tl.svg").string())
            .find("&#10;[" + ev["doc"].get<std::string>() + ", sentence " + std::to_string(ev["sentence"].get<int>()) +
                  "]") != std::string::npos);
  // Articles and extract JSON together: refused, one line.
  expect_clean_failure(run("graph " + merged + " " + example("arm_listing.txt") + " -o " + (dir / "x.svg").string()),
                       "some inputs are extract JSON and some are not", dir / "x.svg");
  // extract takes articles: storyline's JSON is refused, not read as text.
  expect_clean_failure(run("extract -o " + (dir / "e.json").string() + " " + merged), "storyline's extract JSON",
                       dir / "e.json");
  // On standard input it cannot be told in time from an article: refused, not drawn as text.
  expect_clean_failure(run("graph -o " + (dir / "s.svg").string() + " -", merged), "<stdin>: storyline's extract JSON",
                       dir / "s.svg");
  // Broken extract JSON: one line naming the file, no output.
  testsupport::spit((dir / "bad.json").string(), "{\"document\": {\"id\": \"x\"\n");
  expect_clean_failure(run("timeline " + (dir / "bad.json").string() + " -o " + (dir / "t.svg").string()),
                       "bad.json:1: not JSON", dir / "t.svg");
  fs::remove_all(dir);
}

TEST_CASE("report reads extract JSON and merged files: the merged story, each fact's place instead of its sentence") {
  auto dir = testsupport::temp_dir("cli-report-json");
  auto path = [&](const std::string& name) { return (dir / name).string(); };
  REQUIRE(run("extract --compact --quiet -o " + path("x.jsonl") + " " + example("nissan_renault.txt") + " " +
              example("arm_listing.txt") + " " + example("boeing_737_max.txt")).status == 0);
  REQUIRE(run("merge --quiet -o " + path("m.json") + " " + path("x.jsonl")).status == 0);
  const auto m = nlohmann::json::parse(testsupport::slurp(path("m.json")));
  const auto from_merged = run("report --quiet -o " + path("m.html") + " " + path("m.json"));
  REQUIRE(from_merged.status == 0);
  CHECK(from_merged.err.empty());
  const std::string html = testsupport::slurp(path("m.html"));
  // The extractions themselves give the same page (one story, documents in id order).
  REQUIRE(run("report --quiet -o " + path("x.html") + " " + path("x.jsonl")).status == 0);
  CHECK(testsupport::slurp(path("x.html")) == html);
  CHECK(html.find("3 articles: arm_listing \xC2\xB7 boeing_737_max \xC2\xB7 nissan_renault") != std::string::npos);
  // The merged graph's entities and relations, and its timeline's events.
  CHECK(html.find(std::to_string(m["graph"]["nodes"].size()) + " entities \xC2\xB7 " +
                  std::to_string(m["graph"]["edges"].size()) + " relations \xC2\xB7 " +
                  std::to_string(m["timeline"]["events"].size()) + " dated events") != std::string::npos);
  for (const auto& n : m["graph"]["nodes"])
    CHECK_MESSAGE(html.find("<tr id=\"entity-" + n["id"].get<std::string>() + "\">") != std::string::npos, n["id"]);
  // No sentence is quoted (the JSON has none): each fact's place in its document instead.
  CHECK(html.find("<blockquote>") == std::string::npos);
  const auto& first = m["timeline"]["events"][0]["evidence"];
  CHECK(html.find("<span class=\"where\">sentence " + std::to_string(first["sentence"].get<int>()) + ", bytes " +
                  std::to_string(first["start"].get<int>()) + "&#8211;" + std::to_string(first["end"].get<int>()) +
                  "</span><span class=\"tag\">" + first["doc"].get<std::string>() + "</span>") != std::string::npos);
  CHECK(html.find("not the sentences' text") != std::string::npos);
  // Articles and extract JSON together: refused, one line, no page.
  expect_clean_failure(run("report -o " + path("mixed.html") + " " + path("m.json") + " " + example("arm_listing.txt")),
                       "some inputs are extract JSON and some are not", dir / "mixed.html");
  // From the articles, the page quotes the sentences.
  REQUIRE(run("report --quiet -o " + path("a.html") + " " + example("arm_listing.txt")).status == 0);
  CHECK(testsupport::slurp(path("a.html")).find("<blockquote>") != std::string::npos);
  // Markup in the JSON (a name, an id, a summary) arrives as text.
  const std::string lines = testsupport::slurp(path("x.jsonl"));
  auto doc = nlohmann::json::parse(lines.substr(0, lines.find('\n')));
  doc["document"]["id"] = "<b>doc</b>";
  doc["entities"][0]["name"] = "<script>alert(1)</script>";
  for (auto& e : doc["events"]) e["summary"] = "</td><img src=x onerror=alert(2)>";
  testsupport::spit(path("hostile.json"), doc.dump());
  REQUIRE(run("report --quiet -o " + path("h.html") + " " + path("hostile.json")).status == 0);
  const std::string hostile = testsupport::slurp(path("h.html"));
  CHECK(hostile.find("<script") == std::string::npos);
  CHECK(hostile.find("<img") == std::string::npos);
  CHECK(hostile.find("<b>") == std::string::npos);
  CHECK(hostile.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(hostile.find("&lt;/td&gt;&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
  CHECK(hostile.find("&lt;b&gt;doc&lt;/b&gt;") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("graph and timeline data files end with one newline, like extract's") {
  auto dir = testsupport::temp_dir("cli-newline");
  testsupport::spit((dir / "a.txt").string(),
                    "Acme Corp. hired Jane Holloway in 2020. Acme Corp. sued Globex on 4 May 2021.\n");
  const std::string in = (dir / "a.txt").string();
  for (const std::string& cmd : {"graph " + in + " --format json", "graph " + in + " --format graphml",
                                "timeline " + in + " --format json", "timeline " + in + " --format timelinejs",
                                "extract " + in}) {
    INFO(cmd);
    auto r = run(cmd);
    REQUIRE(r.status == 0);
    REQUIRE(r.out.size() > 2);
    CHECK(r.out.back() == '\n');
    CHECK(r.out[r.out.size() - 2] != '\n');
  }
  fs::remove_all(dir);
}

TEST_CASE("hostile text never reaches the SVG as markup") {
  auto dir = testsupport::temp_dir("cli-hostile");
  testsupport::spit((dir / "h.txt").string(),
                    "<script>alert(1)</script> Acme Corp. hired Jane <b>Holloway</b> in 2020. "
                    "\"Evil & Co.\" sued Acme Corp. on <img src=x onerror=alert(1)> 2021-05-04.\n");
  auto g = run("graph " + (dir / "h.txt").string());
  CHECK(g.status == 0);
  CHECK(g.out.find("<script") == std::string::npos);
  CHECK(g.out.find("<img") == std::string::npos);
  CHECK(g.out.find("<b>") == std::string::npos);
  auto t = run("timeline " + (dir / "h.txt").string());
  CHECK(t.status == 0);
  CHECK(t.out.find("<script") == std::string::npos);
  auto e = run("extract " + (dir / "h.txt").string());
  CHECK(e.status == 0);
  nlohmann::json j;
  CHECK_NOTHROW(j = nlohmann::json::parse(e.out));
  CHECK(j.is_object());
  fs::remove_all(dir);
}

}  // TEST_SUITE
