// The tense cues that decide whether "Friday" is the coming or the last one are rule data
// (en/timex/tense.tsv): a rule folder that replaces the file changes what counts as a cue, and a
// malformed file is refused at load, naming it.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "storyline/extractor/timex.hpp"
#include "test_support.hpp"

using namespace storyline::extractor;
namespace fs = std::filesystem;

namespace {

std::string friday(const TimexTagger& t, const std::string& text) {
  for (const auto& x : t.tag(text, {}, std::string("2022-06-01")))   // a Wednesday
    if (x.text == "Friday") return x.value;
  return "";
}

}  // namespace

TEST_SUITE("extractor.timex") {
  TEST_CASE("tense cues come from tense.tsv: a rule folder can add or drop them") {
    const fs::path rules = fs::path(STORYLINE_SOURCE_DIR) / "extractor/rules";
    auto base = TimexTagger::load(RuleDirs({rules}));
    REQUIRE(base.ok());
    CHECK(friday(*base, "The council will vote on Friday.") == "2022-06-03");
    CHECK(friday(*base, "The council voted on Friday.") == "2022-05-27");
    CHECK(friday(*base, "On Friday, the council plans to vote.") == "2022-06-03");
    CHECK(friday(*base, "The council intends to vote on Friday.") == "2022-05-27");

    const fs::path dir = testsupport::temp_dir("timex-tense");
    fs::create_directories(dir / "en/timex");
    const std::string shipped = testsupport::slurp((rules / "en/timex/tense.tsv").string());
    // One more cue: "intends to" now points ahead.
    testsupport::spit((dir / "en/timex/tense.tsv").string(), shipped + "future_before\tintends to\n");
    auto more = TimexTagger::load(RuleDirs({rules, dir}));
    REQUIRE(more.ok());
    CHECK(friday(*more, "The council intends to vote on Friday.") == "2022-06-03");
    CHECK(friday(*more, "The council voted on Friday.") == "2022-05-27");

    // No future cues at all: "will" no longer points ahead; the past verb still points back.
    testsupport::spit((dir / "en/timex/tense.tsv").string(), "past_verb\tvoted\n");
    auto fewer = TimexTagger::load(RuleDirs({rules, dir}));
    REQUIRE(fewer.ok());
    CHECK(friday(*fewer, "The council will vote on Friday.") == "2022-05-27");

    // Malformed: an unknown kind, a cue too short to index.
    testsupport::spit((dir / "en/timex/tense.tsv").string(), "future_maybe\tsoon\n");
    auto bad = TimexTagger::load(RuleDirs({rules, dir}));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("tense.tsv: unknown kind 'future_maybe'") != std::string::npos);
    testsupport::spit((dir / "en/timex/tense.tsv").string(), "future_before\ta\n");
    auto short_cue = TimexTagger::load(RuleDirs({rules, dir}));
    REQUIRE_FALSE(short_cue.ok());
    CHECK(short_cue.error().message.find("cue 'a' is too short") != std::string::npos);
    fs::remove_all(dir);
  }
}
