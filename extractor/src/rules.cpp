#include "storyline/extractor/rules.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
  // One pass over the bytes that end something: a TAB ends a field, a '\n' (or the text's end)
  // a line; a line's last '\r' is dropped, and blank lines and '#' comments keep no row.
  const char* const base = text_->data();
  const char* const end = base + text_->size();
  ends_.reserve(text_->size() / 8 + 1);   // most rows are a word or two; the vectors grow past this
  fields_.reserve(text_->size() / 8 + 1);
  const char* line = base;   // the current line's first byte
  const char* f = base;      // the current field's first byte
  std::size_t first = 0;     // fields_.size() when the line began
  auto finish = [&](const char* nl) {   // the line is [line, nl)
    const char* stop = nl;
    if (stop > line && stop[-1] == '\r') --stop;
    if (stop == line || *line == '#') {
      fields_.resize(first);
    } else {
      fields_.emplace_back(f, static_cast<std::size_t>(stop - f));
      ends_.push_back(static_cast<std::uint32_t>(fields_.size()));
    }
    line = f = nl + 1;
    first = fields_.size();
  };
  auto at = [&](const char* q) {   // *q is a TAB or a '\n'
    if (*q == '\t') {
      fields_.emplace_back(f, static_cast<std::size_t>(q - f));
      f = q + 1;
    } else {
      finish(q);
    }
  };
  const char* p = base;
#if defined(__SSE2__)
  const __m128i tab = _mm_set1_epi8('\t'), nl = _mm_set1_epi8('\n');
  for (; end - p >= 16; p += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, tab), _mm_cmpeq_epi8(x, nl))));
         m != 0; m &= m - 1)
      at(p + __builtin_ctz(m));
  }
#endif
  for (; p < end; ++p)
    if (*p == '\t' || *p == '\n') at(p);
  if (line < end) finish(end);   // a last line without '\n'
}

}  // namespace storyline::extractor
