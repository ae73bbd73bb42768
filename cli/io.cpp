#include "io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "storyline/extractor/text.hpp"

namespace storyline::cli {
namespace fs = std::filesystem;

bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string check_text(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n\f\v") == std::string::npos) return "empty input (no text)";
  if (auto nul = text.find('\0'); nul != std::string::npos)
    return "binary data, not text (NUL byte at offset " + std::to_string(nul) + ")";
  if (auto bad = extractor::find_invalid_utf8(text); bad != std::string::npos)
    return "invalid UTF-8 at byte offset " + std::to_string(bad);
  return "";
}

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

void parse_jsonl(const std::string& data, const std::string& path, const InputOptions& options,
                 std::vector<InputDoc>& docs, std::vector<std::string>& problems) {
  // JSON Lines: {"id","date","text"} per line; a bad line is reported and skipped.
  const std::string name = path == "-" ? "<stdin>" : path;
  std::size_t pos = 0, line_no = 0;
  if (data.empty()) problems.push_back(name + ": empty input (no documents)");
  while (pos < data.size()) {
    std::size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) nl = data.size();
    std::string line = data.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string loc = name + ":" + std::to_string(line_no);
    std::string where = loc;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) { problems.push_back(where + ": not a JSON object"); continue; }
    if (j.contains("id") && (j["id"].is_string() || j["id"].is_number_integer()))
      where += " (id " + printable_id(j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump()) + ")";
    if (!j.contains("text") || !j["text"].is_string()) {
      problems.push_back(where + ": no string field \"text\"");
      continue;
    }
    InputDoc d;
    d.text = j["text"].get<std::string>();
    if (std::string why = check_text(d.text); !why.empty()) { problems.push_back(where + ": " + why); continue; }
    if (d.text.size() > options.max_bytes) {
      problems.push_back(where + ": text larger than the limit of " + std::to_string(options.max_bytes) + " bytes");
      continue;
    }
    if (j.contains("id") && j["id"].is_string()) d.id = j["id"].get<std::string>();
    else if (j.contains("id") && j["id"].is_number_integer()) d.id = std::to_string(j["id"].get<long long>());
    else d.id = stem_id(path) + "-" + std::to_string(line_no);
    d.source = loc;
    if (options.date) {
      d.date = options.date;
      d.date_source = "option";
    } else if (j.contains("date") && j["date"].is_string()) {
      std::string date = j["date"].get<std::string>().substr(0, 10);
      if (!valid_date(date)) { problems.push_back(where + ": bad \"date\" (want YYYY-MM-DD)"); continue; }
      d.date = date;
      d.date_source = "jsonl";
    }
    docs.push_back(std::move(d));
  }
}

std::vector<InputDoc> read_inputs(const std::vector<std::string>& paths, const InputOptions& options,
                                  std::vector<std::string>& problems) {
  std::vector<InputDoc> docs;
  const std::size_t kJsonlLimit = options.max_bytes * 16;
  for (const std::string& path : paths) {
    std::string name = path == "-" ? "<stdin>" : path;
    std::string data;
    bool too_big = false;
    bool is_jsonl = options.jsonl || extension_of(path) == "jsonl";
    std::size_t limit = is_jsonl ? kJsonlLimit : options.max_bytes;
    if (path == "-") {
      if (!read_all(std::cin, limit, data, too_big)) {
        problems.push_back(name + ": read error");
        continue;
      }
    } else {
      std::error_code ec;
      if (!fs::exists(path, ec)) { problems.push_back(name + ": no such file"); continue; }
      if (fs::is_directory(path, ec)) { problems.push_back(name + ": is a directory, not a file"); continue; }
      std::ifstream in(path, std::ios::binary);
      if (!in) { problems.push_back(name + ": cannot open (" + std::strerror(errno) + ")"); continue; }
      if (!read_all(in, limit, data, too_big)) { problems.push_back(name + ": read error"); continue; }
    }
    if (too_big) {
      problems.push_back(name + ": larger than the limit of " + std::to_string(limit) + " bytes (see --max-bytes)");
      continue;
    }
    if (!is_jsonl) {
      data = strip_bom(std::move(data));
      if (std::string why = check_text(data); !why.empty()) {
        problems.push_back(name + ": " + why);
        continue;
      }
      InputDoc d{stem_id(path), path, std::move(data), options.date, options.date ? "option" : "none"};
      docs.push_back(std::move(d));
      continue;
    }
    parse_jsonl(data, path, options, docs, problems);
  }
  // Unique ids, in input order.
  std::map<std::string, int> seen;
  for (InputDoc& d : docs) {
    int n = ++seen[d.id];
    if (n > 1) d.id += "-" + std::to_string(n);
  }
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

bool stderr_is_tty() { return ::isatty(2) == 1; }

}  // namespace storyline::cli
