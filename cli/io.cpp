#include "io.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <tuple>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "jsonl_scan.hpp"
#include "storyline/extractor/text.hpp"

namespace storyline::cli {
namespace fs = std::filesystem;

bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  auto digits = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t k = at; k < at + n; ++k) v = v * 10 + (s[k] - '0');
    return v;
  };
  int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

namespace {

// check_text, for a caller that knows some of it already: the bytes are valid UTF-8, or hold no NUL.
std::string check_text_known(const std::string& text, bool known_utf8, bool known_no_nul) {
  if (text.find_first_not_of(" \t\r\n\f\v") == std::string::npos) return "empty input (no text)";
  if (!known_no_nul)
    if (auto nul = text.find('\0'); nul != std::string::npos)
      return "binary data, not text (NUL byte at offset " + std::to_string(nul) + ")";
  if (!known_utf8)
    if (auto bad = extractor::find_invalid_utf8(text); bad != std::string::npos)
      return "invalid UTF-8 at byte offset " + std::to_string(bad);
  return "";
}

}  // namespace

std::string check_text(const std::string& text) { return check_text_known(text, false, false); }

namespace {

std::string strip_bom(std::string s) {
  if (s.rfind("\xEF\xBB\xBF", 0) == 0) s.erase(0, 3);
  return s;
}

bool read_all(std::istream& in, std::size_t limit, std::string& out, bool& too_big) {
  char buf[1 << 16];
  too_big = false;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out.append(buf, static_cast<std::size_t>(in.gcount()));
    if (out.size() > limit) {
      too_big = true;
      return true;
    }
  }
  return !in.bad();
}

// A document id as it may appear in a one-line message: quoted, control bytes escaped, at most 80 bytes.
std::string printable_id(const std::string& id) {
  std::string out = "'";
  for (std::size_t i = 0; i < id.size() && i < 80; ++i) {
    unsigned char c = static_cast<unsigned char>(id[i]);
    if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (id.size() > 80) out += "...";
  return out + "'";
}

std::string stem_id(const std::string& path) {
  if (path == "-") return "stdin";
  std::string s = fs::path(path).filename().string();
  for (const char* ext : {".txt", ".text", ".jsonl", ".md"}) {
    std::size_t n = std::strlen(ext);
    if (s.size() > n && s.compare(s.size() - n, n, ext) == 0) return s.substr(0, s.size() - n);
  }
  return s;
}

}  // namespace

bool parse_jsonl_line(std::string_view line, const std::string& path, std::size_t line_no,
                      const InputOptions& options, InputDoc& d, std::vector<std::string>& problems) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return false;
  // "file:line" (the document's source, and where a problem is)
  char num[24];
  const std::size_t num_len = static_cast<std::size_t>(std::to_chars(num, num + sizeof num, line_no).ptr - num);
  const std::string_view name = path == "-" ? std::string_view("<stdin>") : std::string_view(path);
  std::string loc;
  loc.reserve(name.size() + 1 + num_len);
  loc.append(name).append(1, ':').append(num, num_len);
  // The fields as the fast flat-object reader gives them, or else from the full parser.
  FlatFields f;
  const bool flat = scan_flat_object(line, f);
  std::string number_id;   // an id given as a number, as JSON (for messages)
  if (!flat) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) { problems.push_back(loc + ": not a JSON object"); return false; }
    f = FlatFields{};
    if (j.contains("id") && j["id"].is_number_integer()) {
      // A number id is printed as written for an integer ("42"), as JSON otherwise.
      f.id_present = f.id_string = true;
      f.id = std::to_string(j["id"].get<long long>());
      number_id = j["id"].dump();
    } else if (j.contains("id") && j["id"].is_string()) {
      f.id_present = f.id_string = true;
      f.id = j["id"].get<std::string>();
    }
    for (auto [key, present, is_string, target] :
         {std::tuple{"text", &f.text_present, &f.text_string, &f.text},
          std::tuple{"date", &f.date_present, &f.date_string, &f.date}}) {
      if (!j.contains(key)) continue;
      *present = true;
      if ((*is_string = j[key].is_string())) *target = std::move(j[key].get_ref<std::string&>());
    }
  }
  // "file:line (id 'x')", for a problem (f.id is still there).
  auto problem = [&](const std::string& why) {
    std::string where = loc;
    if (!number_id.empty()) where += " (id " + printable_id(number_id) + ")";
    else if (f.id_string) where += " (id " + printable_id(f.id) + ")";
    problems.push_back(where + ": " + why);
    return false;
  };
  if (!f.text_string) return problem("no string field \"text\"");
  d.id.clear();
  d.date.reset();
  d.date_source = "none";
  d.text = std::move(f.text);
  // (The fast reader's text is valid UTF-8, and holds no NUL without a \u escape: scan_flat_object.)
  if (std::string why = check_text_known(d.text, flat, flat && !f.text_u_escape); !why.empty()) return problem(why);
  if (d.text.size() > options.max_bytes)
    return problem("text larger than the limit of " + std::to_string(options.max_bytes) + " bytes");
  if (options.date) {
    d.date = options.date;
    d.date_source = "option";
  } else if (f.date_string) {
    std::string date = f.date.substr(0, 10);
    if (!valid_date(date)) return problem("bad \"date\" (want YYYY-MM-DD)");
    d.date = std::move(date);
    d.date_source = "jsonl";
  }
  d.id = f.id_string ? std::move(f.id) : stem_id(path) + "-" + std::to_string(line_no);
  d.source = std::move(loc);
  return true;
}

void parse_jsonl(const std::string& data, const std::string& path, const InputOptions& options,
                 std::vector<InputDoc>& docs, std::vector<std::string>& problems) {
  // JSON Lines: {"id","date","text"} per line; a bad line is reported and skipped.
  const std::string name = path == "-" ? "<stdin>" : path;
  std::size_t pos = 0, line_no = 0;
  if (data.empty()) problems.push_back(name + ": empty input (no documents)");
  while (pos < data.size()) {
    std::size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) nl = data.size();
    std::string_view line(data.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    InputDoc d;
    if (parse_jsonl_line(line, path, line_no, options, d, problems)) docs.push_back(std::move(d));
  }
}

// ---- DocumentStream -------------------------------------------------------------------------

DocumentStream::DocumentStream(std::vector<std::string> paths, InputOptions options)
    : paths_(std::move(paths)), options_(std::move(options)) {
  for (const auto& p : paths_) {
    std::error_code ec;
    if (p == "-" || !fs::is_regular_file(p, ec)) continue;
    bytes_total_ += fs::file_size(p, ec);
  }
}

DocumentStream::~DocumentStream() { close_current(); }

void DocumentStream::close_current() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::size_t DocumentStream::line_limit() const {
  // A document's text may be escaped in JSON (\u00e9 is 6 bytes for 2): room for that, and some.
  return options_.max_bytes * 6 + 65536;
}

// One line from fd_ (without the newline) into `line`: a view of buf_ when the line is there whole
// (most lines: nothing copied), else gathered in line_. False at the end of the file. A line longer
// than line_limit() is consumed but not stored; `too_long` says so.
bool DocumentStream::read_line(std::string_view& line, bool& too_long, bool& failed) {
  line_.clear();
  line = {};
  too_long = failed = false;
  bool any = false, gathered = false;
  for (;;) {
    if (buf_pos_ == buf_len_) {
      ssize_t n;
      do n = ::read(fd_, buf_.data(), buf_.size()); while (n < 0 && errno == EINTR);
      if (n < 0) { failed = true; return any; }
      if (n == 0) {
        line = line_;
        return any;
      }
      buf_pos_ = 0;
      buf_len_ = static_cast<std::size_t>(n);
    }
    any = true;
    const char* start = buf_.data() + buf_pos_;
    const void* nl = std::memchr(start, '\n', buf_len_ - buf_pos_);
    std::size_t take = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : buf_len_ - buf_pos_;
    bytes_read_ += take + (nl ? 1 : 0);
    buf_pos_ += take + (nl ? 1 : 0);
    if (nl && !gathered) {
      if (take > line_limit()) too_long = true;
      else line = std::string_view(start, take);
      return true;
    }
    gathered = true;
    if (!too_long) {
      if (line_.size() + take > line_limit()) {
        too_long = true;
        line_.clear();
        line_.shrink_to_fit();
      } else {
        line_.append(start, take);
      }
    }
    if (nl) {
      line = line_;
      return true;
    }
  }
}

bool DocumentStream::ready() const {
  if (fd_ >= 0) {
    if (fd_regular_ || std::memchr(buf_.data() + buf_pos_, '\n', buf_len_ - buf_pos_) != nullptr) return true;
    pollfd p{fd_, POLLIN, 0};   // bytes waiting in a pipe (or its end) can be read at once
    return ::poll(&p, 1, 0) > 0;
  }
  return next_path_ >= paths_.size() || paths_[next_path_] != "-";
}

bool DocumentStream::next(InputDoc& doc, std::vector<std::string>& problems) {
  for (;;) {
    if (fd_ >= 0) {
      // Inside a JSON Lines input.
      std::string_view line;
      bool too_long = false, failed = false;
      bool got = read_line(line, too_long, failed);
      auto name = [&] { return current_ == "-" ? std::string("<stdin>") : current_; };
      if (failed) {
        problems.push_back(name() + ": read error");
        close_current();
        continue;
      }
      if (!got) {
        if (line_no_ == 0) problems.push_back(name() + ": empty input (no documents)");
        close_current();
        continue;
      }
      ++line_no_;
      if (too_long) {
        problems.push_back(name() + ":" + std::to_string(line_no_) + ": line larger than the limit of " +
                           std::to_string(line_limit()) + " bytes (see --max-bytes)");
        continue;
      }
      if (!parse_jsonl_line(line, current_, line_no_, options_, doc, problems)) continue;
      make_unique(doc);
      return true;
    }
    if (next_path_ >= paths_.size()) return false;
    const std::string path = paths_[next_path_++];
    const std::string name = path == "-" ? "<stdin>" : path;
    const bool is_jsonl = options_.jsonl || extension_of(path) == "jsonl";
    if (path != "-") {
      std::error_code ec;
      if (!fs::exists(path, ec)) { problems.push_back(name + ": no such file"); continue; }
      if (fs::is_directory(path, ec)) { problems.push_back(name + ": is a directory, not a file"); continue; }
    }
    if (is_jsonl) {
      fd_ = path == "-" ? ::dup(0) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0) { problems.push_back(name + ": cannot open (" + std::strerror(errno) + ")"); continue; }
      struct stat st{};
      fd_regular_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
      if (buf_.empty()) buf_.resize(1 << 16);
      buf_pos_ = buf_len_ = 0;
      line_no_ = 0;
      current_ = path;
      continue;
    }
    // A whole file is one document.
    std::string data;
    bool too_big = false;
    if (path == "-") {
      if (!read_all(std::cin, options_.max_bytes, data, too_big)) { problems.push_back(name + ": read error"); continue; }
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) { problems.push_back(name + ": cannot open (" + std::strerror(errno) + ")"); continue; }
      if (!read_all(in, options_.max_bytes, data, too_big)) { problems.push_back(name + ": read error"); continue; }
    }
    bytes_read_ += data.size();
    if (too_big) {
      problems.push_back(name + ": larger than the limit of " + std::to_string(options_.max_bytes) +
                         " bytes (see --max-bytes)");
      continue;
    }
    data = strip_bom(std::move(data));
    if (std::string why = check_text(data); !why.empty()) {
      problems.push_back(name + ": " + why);
      continue;
    }
    if (looks_like_extract_json(data)) {   // (graph, timeline and report take such a named file before this)
      problems.push_back(name + ": storyline's extract JSON, not an article (graph, timeline and report read it "
                                "when it is given as a file)");
      continue;
    }
    doc = InputDoc{stem_id(path), path, std::move(data), options_.date, options_.date ? "option" : "none"};
    make_unique(doc);
    return true;
  }
}

void DocumentStream::make_unique(InputDoc& d) {
  // Unique ids, in input order: the second "a" becomes "a-2".
  int n = ++seen_[d.id];
  if (n > 1) d.id += "-" + std::to_string(n);
}

std::vector<InputDoc> read_inputs(const std::vector<std::string>& paths, const InputOptions& options,
                                  std::vector<std::string>& problems) {
  std::vector<InputDoc> docs;
  DocumentStream stream(paths, options);
  InputDoc d;
  while (stream.next(d, problems)) docs.push_back(std::move(d));
  return docs;
}

std::string extension_of(const std::string& path) {
  if (path.empty() || path == "-") return "";
  std::string ext = fs::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  for (char& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return ext;
}

Result<bool> write_output(const std::string& path, const std::string& data) {
  if (path.empty() || path == "-") {
    std::cout.write(data.data(), static_cast<std::streamsize>(data.size()));
    std::cout.flush();
    if (!std::cout) {
      if (errno == EPIPE) return true;  // reader went away: not an error (like ripgrep)
      return Error{"io.write", "<stdout>: write error"};
    }
    return true;
  }
  fs::path target(path);
  std::error_code ec;
  if (fs::is_directory(target, ec)) return Error{"io.write", path + ": is a directory"};
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  if (!fs::is_directory(dir, ec)) return Error{"io.write", path + ": folder " + dir.string() + " does not exist"};
  std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) return Error{"io.write", path + ": cannot write (" + std::strerror(errno) + ")"};
  std::string tmp(buf.data());
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error{"io.write", path + ": write failed (" + std::strerror(err) + ")"};
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  fchmod(fd, 0644);
  if (::close(fd) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Error{"io.write", path + ": cannot write (" + std::strerror(err) + ")"};
  }
  return true;
}

namespace {
bool to_stdout(const std::string& path) { return path.empty() || path == "-"; }
}  // namespace

OutputStream::~OutputStream() { abort(); }

void OutputStream::abort() {
  pending_.clear();
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
    fd_ = -1;
  }
}

Result<bool> OutputStream::flush_file(std::string_view more) {
  // pending_ then `more`, written where they are (a large `more` is not copied into pending_).
  iovec v[2] = {{pending_.data(), pending_.size()}, {const_cast<char*>(more.data()), more.size()}};
  int i = 0;   // the first part not yet written in full
  while (i < 2) {
    if (v[i].iov_len == 0) {
      ++i;
      continue;
    }
    ssize_t n = ::writev(fd_, v + i, 2 - i);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      abort();
      return Error{"io.write", path_ + ": write failed (" + std::strerror(err) + ")"};
    }
    auto done = static_cast<std::size_t>(n);
    for (; i < 2 && done >= v[i].iov_len; ++i) done -= v[i].iov_len;
    if (i < 2) {
      v[i].iov_base = static_cast<char*>(v[i].iov_base) + done;
      v[i].iov_len -= done;
    }
  }
  pending_.clear();
  return true;
}

Result<bool> OutputStream::write(std::string_view data) {
  if (pipe_closed_) return true;
  if (hold_) {
    pending_.append(data);
    return true;
  }
  if (to_stdout(path_)) {
    std::cout.write(data.data(), static_cast<std::streamsize>(data.size()));
    std::cout.flush();
    if (!std::cout) {
      if (errno == EPIPE) {
        pipe_closed_ = true;
        return true;
      }
      return Error{"io.write", "<stdout>: write error"};
    }
    return true;
  }
  if (fd_ < 0) {
    fs::path target(path_);
    std::error_code ec;
    if (fs::is_directory(target, ec)) return Error{"io.write", path_ + ": is a directory"};
    fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    if (!fs::is_directory(dir, ec)) return Error{"io.write", path_ + ": folder " + dir.string() + " does not exist"};
    std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    fd_ = mkstemp(buf.data());
    if (fd_ < 0) return Error{"io.write", path_ + ": cannot write (" + std::strerror(errno) + ")"};
    tmp_ = buf.data();
  }
  // Small pieces gather in pending_ (written a megabyte at a time); a large one goes out as it is.
  if (data.size() < (1u << 16) && pending_.size() + data.size() < (1u << 20)) {
    pending_.append(data);
    return true;
  }
  return flush_file(data);
}

Result<bool> OutputStream::commit() {
  if (hold_) {
    hold_ = false;
    std::string all = std::move(pending_);
    pending_.clear();
    if (all.empty()) return true;
    if (auto w = write(all); !w) return w;
    return commit();
  }
  if (fd_ < 0) return true;
  if (auto f = flush_file(); !f) return f;
  fchmod(fd_, 0644);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp_.c_str());
    return Error{"io.write", path_ + ": cannot write (" + std::strerror(err) + ")"};
  }
  return true;
}

bool stderr_is_tty() { return ::isatty(2) == 1; }

bool looks_like_extract_json(std::string_view s) {
  std::size_t i = 0;
  auto blank = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  };
  blank();
  if (i >= s.size() || s[i] != '{') return false;
  ++i;
  blank();
  return s.substr(i, 10) == "\"document\"" || s.substr(i, 11) == "\"storyline\"";
}

}  // namespace storyline::cli
