// WordSet against std::unordered_set<std::string>: the same words, each once, in the order first
// added; count() by exact text (case matters, words of equal fold hash differ).
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "storyline/extractor/lexicons.hpp"

using namespace storyline::extractor;

TEST_CASE("WordSet holds distinct words, looked up by exact text") {
  std::mt19937 rng(11);
  for (int round = 0; round < 20; ++round) {
    WordSet set;
    if (round % 2) set.reserve(static_cast<std::size_t>(rng() % 300));
    std::unordered_set<std::string> ref;
    std::vector<std::string> order;
    const int n = static_cast<int>(rng() % 600);
    for (int i = 0; i < n; ++i) {
      std::string w(1 + rng() % 3, 'a');
      for (char& c : w) c = "aAbB"[rng() % 4];
      const bool added = ref.insert(w).second;
      if (added) order.push_back(w);
      CHECK(set.emplace(w) == added);
    }
    CHECK(set.size() == ref.size());
    CHECK(std::vector<std::string>(set.begin(), set.end()) == order);
    for (const char* w : {"a", "A", "ab", "aB", "Ab", "bbb", "BBB", "", "abab"})
      CHECK(set.count(w) == ref.count(w));
  }
  // Ascending words keep no index until one comes out of order.
  WordSet sorted;
  sorted.reserve(4);
  for (const char* w : {"Ann", "Bob", "ann", "bob"}) CHECK(sorted.emplace(w));
  CHECK_FALSE(sorted.emplace("bob"));
  CHECK(sorted.count("Bob") == 1);
  CHECK(sorted.count("BOB") == 0);
  CHECK(sorted.count("zed") == 0);
  CHECK_FALSE(sorted.emplace("Ann"));   // out of order and already there
  CHECK(sorted.emplace("Al"));          // out of order and new
  for (int i = 0; i < 100; ++i) CHECK(sorted.emplace("w" + std::to_string(i)));
  CHECK_FALSE(sorted.emplace("w7"));
  CHECK(sorted.size() == 105);
  CHECK(sorted.count("Al") == 1);
  CHECK(sorted.count("ann") == 1);
  CHECK(sorted.count("w99") == 1);
  CHECK(std::vector<std::string>(sorted.begin(), sorted.begin() + 5) ==
        std::vector<std::string>{"Ann", "Bob", "ann", "bob", "Al"});
  WordSet empty;
  CHECK(empty.count("x") == 0);
  CHECK(empty.empty());
}
