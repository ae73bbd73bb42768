// Entity::mentions keeps its first mention inline (a small_vector): an entity named once, several
// times or never must read and write, copy and move like the vector it was.
#include <doctest/doctest.h>

#include <string>

#include "storyline/extractor/extractor.hpp"

using namespace storyline::extractor;

namespace {
Entity entity_with(std::size_t mentions) {
  Entity e{"org:nissan", "Nissan", "ORG", {"Nissan Motor"}, {}};
  for (std::size_t i = 0; i < mentions; ++i) e.mentions.push_back({10 * i, 10 * i + 6, "Nissan", i});
  return e;
}
}  // namespace

TEST_CASE("Entity::mentions: none, one inline, several on the heap") {
  for (std::size_t k : {0u, 1u, 3u}) {
    CAPTURE(k);
    Extraction x;
    x.entities.push_back(entity_with(k));
    x.entities.push_back(entity_with(k + 1));
    const std::string json = to_json(x, -1);
    auto back = from_compact_json(json);
    REQUIRE(back);
    CHECK(to_json(*back, -1) == json);
    REQUIRE(back->entities.size() == 2);
    CHECK(back->entities[0].mentions.size() == k);
    CHECK(back->entities[1].mentions.size() == k + 1);
    Extraction copy = *back;   // (copies and moves keep every mention, inline or not)
    Extraction moved = std::move(*back);
    CHECK(to_json(copy, -1) == json);
    CHECK(to_json(moved, -1) == json);
    CHECK(moved.entities[1].mentions.back().start == 10 * k);
    CHECK(moved.entities[1].mentions.back().sentence == k);
  }
}
