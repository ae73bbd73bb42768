// to_json measures the most an extraction can take, makes that room once and writes without a check
// per field: the writing must stay inside that room for the longest forms of every value (strings
// of bytes that each become a six-byte escape or a three-byte U+FFFD, the largest numbers, doubles
// written through nlohmann), starting from a buffer of no capacity.
#include <doctest/doctest.h>

#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "storyline/extractor/extractor.hpp"
#include "storyline/extractor/json_out.hpp"

using namespace storyline::extractor;

namespace {

std::string worst(std::size_t n, int kind) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(kind == 0 ? '\x01' : kind == 1 ? '\xff' : '"');
  return s;
}

Extraction worst_extraction(std::size_t n) {
  constexpr std::size_t big = std::numeric_limits<std::size_t>::max();
  Extraction x;
  x.document.id = worst(n, 0);
  x.document.source = worst(n, 1);
  x.document.date = worst(n, 0);
  x.document.date_source = worst(n, 2);
  x.document.bytes = big;
  x.sentences.push_back({big, big});
  Entity e;
  e.id = worst(n, 0);
  e.name = worst(n, 1);
  e.type = worst(n, 2);
  e.aliases = {worst(n, 0), worst(n, 1)};
  e.mentions.push_back({big, big, worst(n, 0), big});
  x.entities.push_back(e);
  e.id = worst(n, 1);   // (the relation's target)
  x.entities.push_back(e);
  x.timexes.push_back({big, big, worst(n, 1), worst(n, 0), worst(n, 2), big, worst(n, 0)});
  Event ev;
  ev.id = worst(n, 0);
  ev.type = worst(n, 1);
  ev.trigger = {big, big, worst(n, 0), big};
  ev.date = worst(n, 1);
  ev.date_source = worst(n, 0);
  ev.participants.push_back({worst(n, 0), worst(n, 1)});
  ev.sentence = big;
  ev.summary = worst(n, 0);
  ev.modality = worst(n, 1);
  ev.amount = worst(n, 0);
  ev.evidence.push_back({big, big, worst(n, 0), big});
  ev.order.push_back({worst(n, 0), worst(n, 1), worst(n, 0)});
  x.events.push_back(ev);
  Relation r;
  r.source = 0;   // id worst(n, 0)
  r.target = 1;   // id worst(n, 1)
  r.type = RelationType(worst(n, 0));
  r.qualifier = worst(n, 1);
  r.weight = -1.2345678901234567e-300;   // (nlohmann's longest number form)
  r.start = worst(n, 0);
  r.end = worst(n, 1);
  r.evidence.push_back({big, big, big});
  x.relations.push_back(r);
  return x;
}

}  // namespace

TEST_CASE("to_json: the room made first holds the longest forms of every value") {
  for (std::size_t n : {0, 1, 3, 17, 200}) {
    INFO("string length " << n);
    const Extraction x = worst_extraction(n);
    JsonOut out;   // (no capacity: all the room is what to_json makes)
    to_json(x, out, "\n");
    const std::string text(out.view());
    REQUIRE(text.size() > 1);
    CHECK(text.back() == '\n');
    const auto j = nlohmann::json::parse(text.substr(0, text.size() - 1));
    CHECK(j["document"]["bytes"].get<std::size_t>() == x.document.bytes);
    CHECK(j["document"]["id"].get<std::string>() == x.document.id);
    CHECK(j["relations"][0]["weight"].get<double>() == x.relations[0].weight);
    CHECK(text == to_json(x, -1, "\n"));
  }
}
