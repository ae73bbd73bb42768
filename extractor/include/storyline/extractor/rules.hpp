// storyline::extractor — where rule files come from.
//
// Rules are data files under extractor/rules/<lang>/ (JSON, JSONL, TSV). A RuleDirs is an ordered
// list of folders; a file found in a later folder overrides the same relative path in an earlier
// one, so `--rules DIR` can add or replace single files without copying the rest.
//
//   RuleDirs dirs = RuleDirs::defaults();          // build tree or installed share/storyline/rules
//   dirs.add("/my/rules");                          // user overrides
//   Result<std::string> text = dirs.read("en/timex/patterns.json");
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/extractor/types.hpp"

namespace storyline::extractor {

class RuleDirs {
 public:
  RuleDirs() = default;
  explicit RuleDirs(std::vector<std::filesystem::path> dirs) : dirs_(std::move(dirs)) {}

  // The built-in rules: $STORYLINE_RULES_DIR if set, else <exe>/../share/storyline/rules if it
  // exists, else the source tree's extractor/rules (compiled in). Never fails; may be empty.
  static RuleDirs defaults();

  void add(std::filesystem::path dir) { dirs_.push_back(std::move(dir)); }
  const std::vector<std::filesystem::path>& dirs() const { return dirs_; }

  // The last folder holding `rel`, or nullopt.
  std::optional<std::filesystem::path> find(const std::string& rel) const;
  // Every file under `rel_dir` (recursively) with extension `ext` (".json"), relative names merged
  // across folders (later folders win), sorted by relative path.
  std::vector<std::filesystem::path> list(const std::string& rel_dir, const std::string& ext) const;
  // The whole file, or Error{"rules.missing"|"rules.read"}.
  Result<std::string> read(const std::string& rel) const;

 private:
  std::vector<std::filesystem::path> dirs_;
};

// Reads a whole file; Error{"io.read"} naming the path when it cannot.
Result<std::string> read_file(const std::filesystem::path& path);

// Lines of a TSV lexicon: '#' comments and blank lines skipped, fields split on TAB.
std::vector<std::vector<std::string>> parse_tsv(const std::string& text);

// The same rows as parse_tsv, as views into the text (owned here, so the views survive moves):
// no string or vector per row.
//   for (std::span<const std::string_view> row : TsvRows(std::move(text))) use(row[0]);
class TsvRows {
 public:
  explicit TsvRows(std::string text);
  std::size_t size() const { return ends_.size(); }
  std::span<const std::string_view> operator[](std::size_t r) const {
    const std::uint32_t b = r == 0 ? 0 : ends_[r - 1];
    return {fields_.data() + b, ends_[r] - b};
  }
  class iterator {
   public:
    iterator(const TsvRows* t, std::size_t r) : t_(t), r_(r) {}
    std::span<const std::string_view> operator*() const { return (*t_)[r_]; }
    iterator& operator++() { ++r_; return *this; }
    bool operator!=(const iterator& o) const { return r_ != o.r_; }
   private:
    const TsvRows* t_;
    std::size_t r_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, ends_.size()}; }

 private:
  std::unique_ptr<std::string> text_;
  std::vector<std::string_view> fields_;
  std::vector<std::uint32_t> ends_;   // row r's fields: fields_[ends_[r-1] .. ends_[r])
};

}  // namespace storyline::extractor
