#include "storyline/extractor/rules.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include <unistd.h>

namespace storyline::extractor {
namespace fs = std::filesystem;

namespace {
fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}
}  // namespace

RuleDirs RuleDirs::defaults() {
  if (const char* env = std::getenv("STORYLINE_RULES_DIR"); env != nullptr && *env != '\0') {
    return RuleDirs({fs::path(env)});
  }
  std::error_code ec;
  fs::path installed = executable_dir() / ".." / STORYLINE_INSTALL_RULES_DIR;
  if (fs::is_directory(installed, ec)) return RuleDirs({installed.lexically_normal()});
  return RuleDirs({fs::path(STORYLINE_SOURCE_RULES_DIR)});
}

std::optional<fs::path> RuleDirs::find(const std::string& rel) const {
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    std::error_code ec;
    fs::path p = *it / rel;
    if (fs::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

std::vector<fs::path> RuleDirs::list(const std::string& rel_dir, const std::string& ext) const {
  std::map<std::string, fs::path> by_rel;  // later folders override earlier ones
  for (const fs::path& dir : dirs_) {
    std::error_code ec;
    fs::path base = dir / rel_dir;
    if (!fs::is_directory(base, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec) || it->path().extension() != ext) continue;
      by_rel[fs::relative(it->path(), base, ec).generic_string()] = it->path();
    }
  }
  std::vector<fs::path> out;
  out.reserve(by_rel.size());
  for (auto& [rel, path] : by_rel) out.push_back(path);
  return out;
}

Result<std::string> RuleDirs::read(const std::string& rel) const {
  auto p = find(rel);
  if (!p) {
    std::string where;
    for (const auto& d : dirs_) where += (where.empty() ? "" : ", ") + d.string();
    return Error{"rules.missing", "rule file '" + rel + "' not found in " + (where.empty() ? "(no rule folder)" : where)};
  }
  return read_file(*p);
}

Result<std::string> read_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Error{"io.read", path.string() + ": is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"io.read", path.string() + ": cannot open file"};
  // Read straight into the string when the size is known (a regular file); else through a stream.
  std::string out;
  if (const auto size = fs::file_size(path, ec); !ec && size > 0) {
    out.resize(static_cast<std::size_t>(size));
    in.read(out.data(), static_cast<std::streamsize>(size));
    if (in.bad()) return Error{"io.read", path.string() + ": read error"};
    out.resize(static_cast<std::size_t>(in.gcount()));
    if (in.gcount() < static_cast<std::streamsize>(size)) return out;   // shrank while reading
    in.clear();
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error{"io.read", path.string() + ": read error"};
  out += ss.str();
  return out;
}

std::vector<std::vector<std::string>> parse_tsv(const std::string& text) {
  // The same split as TsvRows (comments, blank lines, '\r', TABs), as owned strings.
  const TsvRows split(text);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(split.size());
  for (const auto row : split) rows.emplace_back(row.begin(), row.end());
  return rows;
}

TsvRows::TsvRows(std::string text) : text_(std::make_unique<std::string>(std::move(text))) {
  const std::string& t = *text_;
  const std::size_t lines = static_cast<std::size_t>(std::count(t.begin(), t.end(), '\n')) + 1;
  ends_.reserve(lines);
  fields_.reserve(lines * 2);
  std::size_t pos = 0;
  while (pos < t.size()) {
    std::size_t nl = t.find('\n', pos);
    if (nl == std::string::npos) nl = t.size();
    std::string_view line(t.data() + pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t f = 0;
    while (true) {
      std::size_t tab = line.find('\t', f);
      fields_.push_back(line.substr(f, tab == std::string_view::npos ? std::string_view::npos : tab - f));
      if (tab == std::string_view::npos) break;
      f = tab + 1;
    }
    ends_.push_back(static_cast<std::uint32_t>(fields_.size()));
  }
}

}  // namespace storyline::extractor
