#include "storyline/extractor/types.hpp"

#include <mutex>
#include <set>

namespace storyline::extractor {

namespace {
constinit const std::string kEmptyName;   // (constant-initialised: usable from any static initialiser)

// The interned names: a std::set's elements stay where they are, so each name's address is its
// identity. Never destroyed (a RelationType may be read during static destruction).
const std::string* intern(std::string_view name) {
  if (name.empty()) return &kEmptyName;
  static std::mutex* const lock = new std::mutex;
  static auto* const names = new std::set<std::string, std::less<>>;
  const std::lock_guard<std::mutex> hold(*lock);
  auto it = names->find(name);
  if (it == names->end()) it = names->emplace(name).first;
  return &*it;
}
}  // namespace

RelationType::RelationType() noexcept : name_(&kEmptyName) {}
RelationType::RelationType(std::string_view name) : name_(intern(name)) {}

}  // namespace storyline::extractor
