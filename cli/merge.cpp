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
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.hpp"
#include "io.hpp"
#include "pipeline.hpp"
#include "storyline/extractor/extractor.hpp"
#include "storyline/extractor/json_out.hpp"
#include "storyline/graph/graph.hpp"

namespace storyline::cli {
namespace {

using json = nlohmann::json;

// j[key] as a T, or `fallback` when j is not an object, lacks the key, or holds null or a value
// of another type (one lookup; no exception on the usual path).
template <class T>
T get_or(const json& j, const char* key, T fallback) {
  if (!j.is_object()) return fallback;
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) return it->template get_ref<const std::string&>();
  } else if constexpr (std::is_same_v<T, std::size_t>) {
    if (it->is_number_unsigned()) return it->template get<std::size_t>();
  }
  try {
    return it->template get<T>();
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
    for (const auto& m : jv.value("evidence", json::array()))
      ev.evidence.push_back({get_or<std::size_t>(m, "start", 0), get_or<std::size_t>(m, "end", 0),
                             get_or<std::string>(m, "text", ""), get_or<std::size_t>(m, "sentence", 0)});
    for (const auto& o : jv.value("order", json::array()))
      ev.order.push_back({get_or<std::string>(o, "relation", ""), get_or<std::string>(o, "event", ""),
                          get_or<std::string>(o, "cue", "")});
    x.events.push_back(std::move(ev));
  }
  // Relations name their entities by id; Relation holds their indices (the first entity with the id).
  std::map<std::string, std::size_t, std::less<>> entity_of;
  for (std::size_t i = 0; i < x.entities.size(); ++i) entity_of.emplace(x.entities[i].id, i);
  for (const auto& jr : j.value("relations", json::array())) {
    Relation r;
    for (auto [key, end] : {std::pair{"source", &r.source}, std::pair{"target", &r.target}}) {
      const std::string id = get_or<std::string>(jr, key, "");
      const auto it = entity_of.find(id);
      if (it == entity_of.end())
        return Error{"merge.input", "document '" + x.document.id + "': a relation's " + key + " '" + id +
                                        "' is no entity of the document"};
      *end = it->second;
    }
    r.type = RelationType(get_or<std::string>(jr, "type", ""));
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

// The documents of the merge, kept out of memory: each one's canonical compact JSON is appended
// to an anonymous temporary file and only its id and place are remembered. Two different
// documents with one id: the smaller serialisation wins, whatever the input order (commutativity).
// A document whose input line already is its canonical JSON (what `extract --compact` and
// `merge --compact` write) is not copied: its place in the input file is remembered instead, so
// the temporary file holds only the rest. Written and read at explicit offsets (pwrite/pread: no
// seek, no stdio buffer to copy through), so documents may be read back on any thread.
class DocumentSpill {
 public:
  DocumentSpill() : file_(std::tmpfile()), fd_(file_ != nullptr ? ::fileno(file_) : -1) {}
  ~DocumentSpill() {
    if (file_ != nullptr) std::fclose(file_);
    for (const Source& src : sources_) ::close(src.fd);
  }
  DocumentSpill(const DocumentSpill&) = delete;
  DocumentSpill& operator=(const DocumentSpill&) = delete;
  bool ok() const { return fd_ >= 0 && !failed_.load(); }

  struct Slot {
    off_t offset = 0;
    std::size_t size = 0;
    std::uint32_t source = 0;   // 0: the temporary file; k: input source k (see source())
  };
  // Appends a document's canonical JSON; its slot. (One thread at a time.)
  Slot put(const std::string& canon) {
    Slot slot{end_, canon.size(), 0};
    if (!all(fd_, canon.data(), canon.size(), end_, true)) failed_ = true;
    end_ += static_cast<off_t>(canon.size());
    return slot;
  }
  // An input file whose lines may be referred to (read back with pread later): its source number,
  // or 0 when it cannot be (not a regular file, or already many open: those go to the spill).
  std::uint32_t source(const std::string& path) {
    if (sources_.size() >= kMaxSources) return 0;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st{};
    if (fd < 0) return 0;
    // (Half the descriptors at most: the inputs still to be read need theirs.)
    struct rlimit lim{};
    const bool room = ::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY ||
                      static_cast<rlim_t>(fd) < lim.rlim_cur / 2;
    if (!room || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return 0;
    }
    sources_.push_back({fd, path, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec});
    return static_cast<std::uint32_t>(sources_.size());
  }
  // The input file that changed since it was read (its documents would not read back), or "".
  std::string changed_source() const {
    for (const Source& src : sources_) {
      struct stat st{};
      if (::fstat(src.fd, &st) != 0 || st.st_size != src.size || st.st_mtim.tv_sec != src.sec ||
          st.st_mtim.tv_nsec != src.nsec)
        return src.path;
    }
    return {};
  }
  std::uint64_t size() const { return static_cast<std::uint64_t>(end_); }
  // Any thread, once the documents are all in.
  std::string get(const Slot& slot) const {
    std::string out(slot.size, '\0');
    const int fd = slot.source == 0 ? fd_ : sources_[slot.source - 1].fd;
    if (!all(fd, out.data(), slot.size, slot.offset, false)) failed_ = true;
    return out;
  }

 private:
  static bool all(int fd, const char* data, std::size_t n, off_t at, bool write) {
    while (n > 0) {
      const ssize_t k = write ? ::pwrite(fd, data, n, at) : ::pread(fd, const_cast<char*>(data), n, at);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) return false;
      data += k;
      n -= static_cast<std::size_t>(k);
      at += static_cast<off_t>(k);
    }
    return true;
  }
  struct Source {
    int fd;
    std::string path;
    off_t size;
    long sec, nsec;
  };
  static constexpr std::size_t kMaxSources = 64;
  std::FILE* file_ = nullptr;
  int fd_ = -1;
  off_t end_ = 0;
  std::vector<Source> sources_;
  mutable std::atomic<bool> failed_{false};
};

// What one input file gave, applied only when the whole file was read (a broken file adds nothing).
struct FileTake {
  struct Doc {
    std::string id;
    DocumentSpill::Slot slot;
    std::string error;   // non-empty: this value was not a usable document
  };
  std::vector<Doc> docs;
};

// Calls `take` for every document value of one JSON text: a single extract object, or every element
// of a merged file's "documents" (parsed one at a time and dropped; its graph and timeline are not
// even built, they are recomputed). False when the text is not JSON.
template <class Input, class Take>
bool for_each_document(Input&& input, Take&& take) {
  std::string top_key;
  bool in_documents = false;
  bool took_documents = false;
  json top = json::parse(
      std::forward<Input>(input),
      [&](int depth, json::parse_event_t event, json& parsed) -> bool {
        using E = json::parse_event_t;
        if (depth == 1 && event == E::key) {
          top_key = parsed.is_string() ? parsed.get<std::string>() : std::string();
          return top_key != "graph" && top_key != "timeline";
        }
        if (depth == 1 && event == E::array_start && top_key == "documents") in_documents = took_documents = true;
        if (depth == 1 && event == E::array_end) in_documents = false;
        if (in_documents && depth == 2 &&
            (event == E::object_end || event == E::array_end || event == E::value)) {
          take(parsed);
          return false;   // done with it: not kept in the tree
        }
        return true;
      },
      false);
  if (top.is_discarded()) return false;
  if (!took_documents) take(top);
  return true;
}

// How a compact merged file begins (`merge --compact`).
constexpr std::string_view kMergedHead = "{\"storyline\":\"merged\",\"documents\":[";

// A line without the blanks and carriage return that may end it.
std::string_view trim_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

// One line in the compact form storyline writes: an extract object (`extract --compact`, JSON
// Lines) or a whole compact merged file ({"storyline":"merged","documents":[...],"graph":...}),
// each document read by extractor::from_compact_json and handed to take. False when the line is in
// any other form or is not JSON (the caller then parses it with nlohmann, which reports errors);
// documents already handed over are then the caller's to drop.
template <class Take>
bool take_compact_line(std::string_view line, Take&& take) {
  line = trim_line_end(line);
  std::size_t used = 0;
  if (line.substr(0, 12) == "{\"document\":") {
    auto x = extractor::from_compact_json(line, &used);
    if (!x || used != line.size() || x->document.id.empty()) return false;
    take(*x);
    return true;
  }
  if (line.substr(0, kMergedHead.size()) != kMergedHead) return false;
  std::size_t at = kMergedHead.size();
  if (at < line.size() && line[at] != ']') {
    for (;;) {
      auto x = extractor::from_compact_json(line.substr(at), &used);
      if (!x || x->document.id.empty()) return false;
      take(*x);
      at += used;
      if (at < line.size() && line[at] == ',') {
        ++at;
        continue;
      }
      break;
    }
  }
  if (at >= line.size() || line[at] != ']') return false;
  // The rest (",\"graph\":{...},\"timeline\":{...}}") is not read, but it must be JSON, as the
  // general parser would require: checked as the object it closes. A second "documents" key there
  // is left to the general parser too (it takes both arrays).
  const std::string_view tail = line.substr(at + 1);
  if (tail == "}") return true;
  if (tail.empty() || tail[0] != ',' || tail.find("\"documents\"") != std::string_view::npos) return false;
  std::string rest = "{";
  rest.append(tail.substr(1));
  return json::accept(rest);
}

// An input read in chunks: lines, or, inside a compact merged file, one document at a time (so a
// merged file of any size, which is one line, is never held whole).
class Reader {
 public:
  explicit Reader(std::istream& in) : in_(in) {}
  // As std::getline: the next line without its newline; false at the end with nothing read.
  bool getline(std::string& line) {
    for (std::size_t from = pos_;;) {
      if (const void* nl = std::memchr(buf_.data() + from, '\n', buf_.size() - from)) {
        const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data());
        line.assign(buf_, pos_, at - pos_);
        pos_ = at + 1;
        return true;
      }
      from = buf_.size();
      if (!more()) {
        if (pos_ == buf_.size()) return false;
        line.assign(buf_, pos_, std::string::npos);
        pos_ = buf_.size();
        return true;
      }
      from -= drop_front(from);
    }
  }
  // Whether the bytes from here begin with p (nothing taken).
  bool starts_with(std::string_view p) {
    while (buf_.size() - pos_ < p.size() && more()) {}
    return std::string_view(buf_).substr(pos_, p.size()) == p;
  }
  // The next byte (-1 at the end), left; and taking it.
  int peek() {
    if (pos_ == buf_.size() && !more()) return -1;
    return static_cast<unsigned char>(buf_[pos_]);
  }
  void skip(std::size_t k) {
    pos_ = std::min(pos_ + k, buf_.size());
    drop_front(pos_);
  }
  // A JSON object from here on one line: from its "{" to its matching "}" (strings skipped whole),
  // taken into out; false (out unspecified) when the bytes here are no such object.
  bool object(std::string& out) {
    if (peek() != '{') return false;
    drop_front(pos_);
    std::size_t i = pos_ + 1, depth = 1;
    for (;;) {
      while (i == buf_.size())
        if (!more()) return false;
      const char ch = buf_[i];
      if (ch == '"') {   // to the closing quote: the next one after an even run of backslashes
        for (std::size_t j = i + 1;;) {
          const void* q = j < buf_.size() ? std::memchr(buf_.data() + j, '"', buf_.size() - j) : nullptr;
          if (q == nullptr) {
            j = buf_.size();
            if (!more()) return false;
            continue;
          }
          j = static_cast<std::size_t>(static_cast<const char*>(q) - buf_.data());
          std::size_t b = j;
          while (b > i + 1 && buf_[b - 1] == '\\') --b;
          if ((j - b) % 2 == 0) {
            i = j + 1;
            break;
          }
          ++j;
        }
        continue;
      }
      if (ch == '\n') return false;
      if (ch == '{' || ch == '[') ++depth;
      if ((ch == '}' || ch == ']') && --depth == 0) {
        out.assign(buf_, pos_, i + 1 - pos_);
        pos_ = i + 1;
        return true;
      }
      ++i;
    }
  }
  // Bytes read from the stream so far (for progress).
  std::uint64_t bytes_read() const { return read_; }
  // The stream offset of the next byte to be taken.
  off_t offset() const { return static_cast<off_t>(dropped_ + pos_); }
  // The rest, whole (a JSON text that is not JSON Lines, on standard input).
  std::string rest() {
    while (more()) {}
    std::string out = buf_.substr(pos_);
    pos_ = buf_.size();
    return out;
  }

 private:
  // Reads another chunk; false at the end.
  bool more() {
    if (!in_) return false;
    const std::size_t had = buf_.size();
    buf_.resize(had + kChunk);
    in_.read(buf_.data() + had, static_cast<std::streamsize>(kChunk));
    buf_.resize(had + static_cast<std::size_t>(in_.gcount()));
    read_ += static_cast<std::uint64_t>(in_.gcount());
    return buf_.size() > had;
  }
  // Drops what was taken before `upto` (at most pos_) once it is a large part of the buffer; how
  // many bytes were dropped (offsets past them move down by as much).
  std::size_t drop_front(std::size_t upto) {
    const std::size_t k = std::min(upto, pos_);
    if (k < kChunk || 2 * k < buf_.size()) return 0;
    buf_.erase(0, k);
    pos_ -= k;
    dropped_ += k;
    return k;
  }
  static constexpr std::size_t kChunk = 1 << 20;
  std::istream& in_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::uint64_t read_ = 0, dropped_ = 0;
};

// "{", then the reader's bytes up to the newline (merged_tail_ok's input).
struct TailIt {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;
  Reader* rd = nullptr;
  bool opened = false;
  bool at_end() const {
    if (rd == nullptr) return true;
    if (!opened) return false;
    const int c = rd->peek();
    return c < 0 || c == '\n';
  }
  char operator*() const { return opened ? static_cast<char>(rd->peek()) : '{'; }
  TailIt& operator++() {
    if (opened) rd->skip(1);
    opened = true;
    return *this;
  }
  bool operator==(const TailIt& o) const { return at_end() && o.at_end(); }
  bool operator!=(const TailIt& o) const { return !(*this == o); }
};

// The bytes after a compact merged file's documents array, up to the end of its line: "}" or
// ",\"graph\":...}" must close the object as the general parser would require (checked as a JSON
// object, streamed: a collection's graph and timeline are tens of MB); false also when it has a
// second "documents" key (the general parser takes both arrays).
bool merged_tail_ok(Reader& rd) {
  if (rd.peek() == ',') rd.skip(1);
  else if (rd.peek() != '}') return false;
  struct Check : json::json_sax_t {
    int depth = 0;
    bool second_documents = false;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return ++depth, true; }
    bool key(string_t& k) override {
      if (depth == 1 && k == "documents") second_documents = true;
      return true;
    }
    bool end_object() override { return --depth, true; }
    bool start_array(std::size_t) override { return ++depth, true; }
    bool end_array() override { return --depth, true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
  } check;
  const bool ok = json::sax_parse(TailIt{&rd}, TailIt{}, &check) && !check.second_documents;
  if (rd.peek() == '\n') rd.skip(1);
  return ok;
}

// The documents of a merge: pass 1 puts every input's documents in the spill, one per id.
struct Collected {
  DocumentSpill spill;
  std::map<std::string, DocumentSpill::Slot> index;   // id -> its document in the spill
  bool problems = false;                               // an input or document was reported and left out
};

// Pass 1. False (reported) when the spill cannot be made; a bad input is reported, marked in
// `problems` and left out.
bool collect(const std::vector<std::string>& inputs, unsigned threads, bool quiet, Collected& c) {
  DocumentSpill& spill = c.spill;
  auto& index = c.index;
  bool& problems = c.problems;
  if (!spill.ok()) {
    std::cerr << "storyline: error: cannot create a temporary file for the merge\n";
    return false;
  }
  // "-" reads standard input (once); iostreams not tied to C stdio, so reading it is not char by char.
  if (std::find(inputs.begin(), inputs.end(), "-") != inputs.end()) std::ios::sync_with_stdio(false);
  // Progress on a terminal: documents and bytes read, with an ETA when every input is a file.
  std::uint64_t total = 0, done_bytes = 0;
  std::size_t seen = 0;
  for (const auto& input : inputs) {
    std::error_code ec;
    const auto size = input == "-" ? 0 : std::filesystem::file_size(input, ec);
    total = (input == "-" || ec || total == std::uint64_t(-1)) ? std::uint64_t(-1) : total + size;
  }
  Progress progress(!quiet && stderr_is_tty(), total == std::uint64_t(-1) ? 0 : total, "read ");
  for (const auto& input : inputs) {
    const bool from_stdin = input == "-";
    const std::string path = from_stdin ? "<stdin>" : input;   // as messages name it
    FileTake pending;
    auto take_x = [&](const extractor::Extraction& x) {
      pending.docs.push_back({x.document.id, spill.put(extractor::to_json(x, -1)), ""});
    };
    auto take = [&](const json& j) {
      auto x = parse_extraction(j);
      if (!x) {
        pending.docs.push_back({"", {}, x.error().message});
        return;
      }
      take_x(*x);
    };
    // A line in the compact form storyline writes (an extract object, or a whole compact merged
    // file) read without a JSON tree; false (and nothing taken) when the line is in another form.
    auto take_fast = [&](std::string_view line) -> bool {
      const std::size_t before = pending.docs.size();
      if (take_compact_line(line, take_x)) return true;
      pending.docs.resize(before);
      return false;
    };
    // JSON Lines when the first non-blank line is a whole JSON value; else one JSON text.
    std::ifstream file;
    if (!from_stdin) file.open(input, std::ios::binary);
    if (!from_stdin && !file) {
      std::cerr << "storyline: error: " << path << ": cannot open\n";
      problems = true;
      continue;
    }
    std::istream& in = from_stdin ? std::cin : file;
    Reader rd(in);
    std::string line;
    std::size_t n = 0, first = 0;
    bool lines_mode = false;
    // A compact merged file is one line of any size: its documents are read one at a time, as if
    // each were a line of its own (line 1 for messages), then its closing bytes are checked.
    bool in_merged = rd.starts_with(kMergedHead), merged_bad = false;
    if (in_merged) {
      rd.skip(kMergedHead.size());
      n = first = 1;
      lines_mode = true;
    }
    while (!in_merged && rd.getline(line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      first = n;
      // (Taken here when it is in the compact form, so the loop below starts at the next line.)
      const bool taken = take_fast(line);
      lines_mode = taken || json::accept(line);
      if (taken) line.clear();
      break;
    }
    std::string bad;
    if (first != 0 && lines_mode) {
      // Line `first` is in `line` unless it was taken; go on from there, in groups of lines read
      // here: the lines in the compact form are parsed and made canonical on the worker threads,
      // the others parsed here, and every document goes to the spill here in input order (the
      // same spill, index and bytes for any number of threads).
      struct Lines {
        std::vector<std::string> text;
        std::vector<std::size_t> number;
        std::vector<off_t> at;       // where the line (or the merged file's document) starts in the file
        std::vector<char> compact;   // the line was in the compact form: its documents are in docs
        std::vector<std::vector<std::pair<std::string, std::string>>> docs;   // (id, canonical JSON)
        // The line is one document's canonical JSON, of this size (its docs entry then has no text):
        // it is read back from the input file, not copied to the spill; 0 otherwise.
        std::vector<std::size_t> same;
      };
      // (Documents are referred to in a named regular file only; standard input is copied.)
      const std::uint32_t source = from_stdin ? 0 : spill.source(input);
      bool held = !in_merged;   // `line` (line n) is not handled yet
      ordered_map<Lines>(
          threads, 4 * threads,
          [&](Lines& b) {
            while (b.text.size() < 64) {
              if (in_merged) {   // the next document of the merged file, or its end
                if (rd.peek() == ']') {
                  rd.skip(1);
                  in_merged = false;
                  if (merged_tail_ok(rd)) continue;
                  merged_bad = true;
                  return false;
                }
                const off_t at = rd.offset();
                if (!rd.object(line) || (rd.peek() == ',' ? (rd.skip(1), false) : rd.peek() != ']')) {
                  merged_bad = true;
                  return false;
                }
                b.text.push_back(std::move(line));
                b.number.push_back(1);
                b.at.push_back(at);
                progress.update(++seen, done_bytes + rd.bytes_read());
                continue;
              }
              off_t at = -1;   // (the held first line is never referred to: it is not compact)
              if (!held) {
                at = rd.offset();
                if (!rd.getline(line)) break;
                ++n;
              }
              held = false;
              if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
              b.text.push_back(std::move(line));
              b.number.push_back(n);
              b.at.push_back(at);
              progress.update(++seen, done_bytes + rd.bytes_read());
            }
            return !b.text.empty();
          },
          [&](Lines& b) {
            b.compact.assign(b.text.size(), 0);
            b.same.assign(b.text.size(), 0);
            b.docs.resize(b.text.size());
            for (std::size_t i = 0; i < b.text.size(); ++i) {
              b.compact[i] = take_compact_line(b.text[i], [&](const extractor::Extraction& x) {
                b.docs[i].emplace_back(x.document.id, extractor::to_json(x, -1));
              });
              if (!b.compact[i]) {
                b.docs[i].clear();
              } else if (source != 0 && b.at[i] >= 0 && b.docs[i].size() == 1) {
                std::string& canon = b.docs[i][0].second;
                if (canon == trim_line_end(b.text[i])) {   // (as take_compact_line reads it)
                  b.same[i] = canon.size();
                  std::string().swap(canon);
                }
              }
            }
          },
          [&](Lines& b) {
            for (std::size_t i = 0; i < b.text.size(); ++i) {
              if (b.compact[i] && b.same[i] != 0) {
                pending.docs.push_back({b.docs[i][0].first, DocumentSpill::Slot{b.at[i], b.same[i], source}, ""});
              } else if (b.compact[i]) {
                for (const auto& [id, canon] : b.docs[i]) pending.docs.push_back({id, spill.put(canon), ""});
              } else if (!for_each_document(b.text[i], take)) {
                bad = path + ":" + std::to_string(b.number[i]) + ": not JSON";
                return false;
              }
            }
            return true;
          });
      // A merged file whose documents or closing bytes are not in the compact form: a named file is
      // read again by the general parser (which also reports what is wrong); standard input cannot be.
      if (merged_bad && bad.empty()) {
        pending.docs.clear();
        if (from_stdin) {
          bad = path + ":1: not JSON";
        } else {
          std::ifstream whole(input, std::ios::binary);
          if (!for_each_document(whole, take)) bad = path + ":1: not JSON";
        }
      }
    } else if (first != 0) {
      // One JSON text: a file is read again from its start; standard input, which cannot be, is
      // the line already read and the rest.
      bool good = false;
      if (from_stdin) {
        std::string text = std::move(line);
        text += '\n';
        text += rd.rest();
        good = for_each_document(text, take);
      } else {
        std::ifstream whole(input, std::ios::binary);
        good = for_each_document(whole, take);
      }
      if (!good) bad = path + ":" + std::to_string(first) + ": not JSON";
    }
    done_bytes += rd.bytes_read();
    if (!bad.empty()) {
      progress.finish();
      std::cerr << "storyline: error: " << bad << "\n";
      problems = true;
      continue;
    }
    for (const auto& d : pending.docs) {
      if (!d.error.empty()) {
        std::cerr << "storyline: error: " << path << ": " << d.error << "\n";
        problems = true;
        continue;
      }
      auto [it, fresh] = index.emplace(d.id, d.slot);
      if (fresh) continue;
      const std::string canon = spill.get(d.slot), kept = spill.get(it->second);
      if (canon != kept) {
        if (!quiet)
          std::cerr << "storyline: warning: " << path << ": document id '" << d.id
                    << "' seen twice with different content; keeping one deterministically\n";
        if (canon < kept) it->second = d.slot;
      }
    }
  }
  progress.update(index.size(), done_bytes, true);
  progress.finish();
  return true;
}

// Pass 2: the documents in id order, read from the spill and parsed (and laid out, for `indent` >= 0)
// on the worker threads, handed to take(extraction, text) here in order, so what is made of them is
// the same for any number of threads; `text` is the canonical compact JSON, or its layout. False
// when take() said stop or the spill could not be read back (reported).
template <class Take>
bool for_each_collected(Collected& c, unsigned threads, int indent, bool quiet, Take take) {
  auto unchanged = [&c] {
    const std::string changed = c.spill.changed_source();
    if (!changed.empty()) std::cerr << "storyline: error: " << changed << ": changed while it was being merged\n";
    return changed.empty();
  };
  if (!unchanged()) return false;
  std::uint64_t total = 0;
  for (const auto& [id, slot] : c.index) total += slot.size;
  Progress progress(!quiet && stderr_is_tty(), total, "merged ");
  std::size_t done = 0;
  std::uint64_t done_bytes = 0;
  struct Batch {
    std::vector<DocumentSpill::Slot> slots;
    std::vector<std::string> text;   // canonical compact JSON, then the text to write
    std::vector<extractor::Extraction> x;
  };
  constexpr std::size_t kBatch = 64;
  auto next_doc = c.index.begin();
  bool stopped = false;
  ordered_map<Batch>(
      threads, 4 * threads,
      [&](Batch& b) {
        for (; next_doc != c.index.end() && b.slots.size() < kBatch; ++next_doc) b.slots.push_back(next_doc->second);
        return !b.slots.empty();
      },
      [&](Batch& b) {
        b.text.resize(b.slots.size());
        b.x.resize(b.slots.size());
        for (std::size_t i = 0; i < b.text.size(); ++i) {
          std::string& canon = b.text[i];
          canon = c.spill.get(b.slots[i]);
          if (auto fast = extractor::from_compact_json(canon)) {   // the spill holds to_json's compact text
            b.x[i] = std::move(*fast);
          } else if (auto parsed = parse_extraction(json::parse(canon))) {
            b.x[i] = std::move(*parsed);
          }
          // extractor::to_json writes what nlohmann's dump of the same tree writes, at any indent:
          // the compact form is the canonical text itself.
          if (indent >= 0) canon = extractor::json_reindent(canon, indent, {}, 2);
        }
      },
      [&](Batch& b) {
        for (std::size_t i = 0; i < b.text.size(); ++i) {
          if (!take(b.x[i], b.text[i])) {
            stopped = true;
            return false;
          }
          done_bytes += b.slots[i].size;
          progress.update(++done, done_bytes);
        }
        return true;
      });
  progress.update(done, done_bytes, true);
  progress.finish();
  if (stopped) return false;
  if (!c.spill.ok()) {
    std::cerr << "storyline: error: the merge's temporary file could not be written or read back\n";
    return false;
  }
  return unchanged();
}

}  // namespace

bool is_extract_json(const std::string& path) {
  if (path == "-") return false;
  std::ifstream in(path, std::ios::binary);
  char head[4096];
  in.read(head, sizeof head);
  return looks_like_extract_json(std::string_view(head, static_cast<std::size_t>(in.gcount())));
}

std::optional<Streamed> story_from_extractions(const Common& c, graph::StoryBuilder::Parts parts,
                                               const std::function<void(const extractor::Extraction&)>& each) {
  Collected in;
  const unsigned threads = resolve_threads(c.threads);
  if (!collect(c.inputs, threads, c.quiet, in)) return std::nullopt;
  if (in.problems && !c.keep_going) {
    std::cerr << "storyline: error: stopped at the first bad input (--no-keep-going); nothing written\n";
    return std::nullopt;
  }
  if (in.index.empty()) {   // (after a problem: already reported)
    if (!in.problems) std::cerr << "storyline: error: no documents in the extract JSON inputs\n";
    return std::nullopt;
  }
  Streamed s{graph::StoryBuilder(parts), 0, {}, in.problems};
  const bool read = for_each_collected(in, threads, -1, c.quiet, [&](const extractor::Extraction& x, const auto&) {
    if (s.documents++ == 0) s.headline = x.document.id;
    s.story.add({&x, nullptr});
    if (each) each(x);
    return true;
  });
  if (!read) return std::nullopt;
  if (s.documents > 1) s.headline = std::to_string(s.documents) + " documents";
  return s;
}

int run_merge(const MergeOptions& o) {
  Collected in;
  const unsigned threads = resolve_threads(o.threads);
  if (!collect(o.inputs, threads, o.quiet, in)) return 1;
  const bool problems = in.problems;
  if (in.index.empty()) {   // (after a problem: already reported, in one line)
    if (!in.problems) std::cerr << "storyline: error: no documents to merge\n";
    return 1;
  }

  // Second pass, in id order: each document into the story and straight to the output.
  const int indent = o.compact ? -1 : 1;
  OutputStream out(o.output);
  std::string buf(indent < 0 ? kMergedHead : "{\n \"storyline\": \"merged\",\n \"documents\": [");
  graph::StoryBuilder story;
  bool first_doc = true;
  auto flush = [&](bool force) -> bool {
    if (!force && buf.size() < (1u << 20)) return true;
    auto w = out.write(buf);
    buf.clear();
    if (!w) {
      std::cerr << "storyline: error: " << w.error().message << "\n";
      return false;
    }
    return true;
  };
  const bool read = for_each_collected(in, threads, indent, o.quiet, [&](const extractor::Extraction& x, const auto& text) {
    story.add({&x, nullptr});
    buf += first_doc ? "" : ",";
    if (indent >= 0) buf += "\n  ";
    buf += text;
    first_doc = false;
    return flush(false);
  });
  if (!read) {
    out.abort();
    return 1;
  }
  // The graph, then the timeline, each written out as soon as it is made and dropped before the
  // next: for a large collection each is tens of MB, and no concatenated copy of them is kept.
  buf += indent < 0 ? "],\"graph\":" : "\n ],\n \"graph\": ";
  // (Indented: the compact text laid out straight into the output, without a laid-out copy.)
  auto lay_out = [&](const std::string& compact) {
    return extractor::json_reindent_to(compact, indent, {}, 1, [&](std::string_view piece) {
      buf.assign(piece);
      return flush(true);
    });
  };
  {
    graph::KnowledgeGraph g = story.graph();
    graph::compute_analytics(g, threads);
    if (!flush(true)) return 1;
    buf = graph::to_json(g, -1);
    g = {};
    if (indent >= 0 && !lay_out(std::exchange(buf, std::string()))) return 1;
  }
  buf += indent < 0 ? ",\"timeline\":" : ",\n \"timeline\": ";
  if (!flush(true)) return 1;
  {
    graph::Timeline t = story.timeline();
    buf = graph::timeline_to_json(t, -1);
    t = {};
    if (indent >= 0 && !lay_out(std::exchange(buf, std::string()))) return 1;
  }
  buf += indent < 0 ? "}\n" : "\n}\n";
  if (!flush(true)) return 1;
  if (auto c = out.commit(); !c) {
    std::cerr << "storyline: error: " << c.error().message << "\n";
    return 1;
  }
  return problems ? 1 : 0;
}

}  // namespace storyline::cli
