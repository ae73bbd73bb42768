#include "storyline/extractor/types.hpp"

#include <mutex>
#include <set>

namespace storyline::extractor {

namespace {
// The interned names: a std::set's elements stay where they are, so each name's address is its
// identity. Never destroyed (a RelationType may be read during static destruction).
const std::string* intern(std::string_view name) {
  static std::mutex* const lock = new std::mutex;
  static auto* const names = new std::set<std::string, std::less<>>;
  const std::lock_guard<std::mutex> hold(*lock);
  auto it = names->find(name);
  if (it == names->end()) it = names->emplace(name).first;
  return &*it;
}
}  // namespace

RelationType::RelationType(std::string_view name) : name_(name.empty() ? empty_name() : intern(name)) {}

}  // namespace storyline::extractor
