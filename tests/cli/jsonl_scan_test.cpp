// The fast JSON Lines reader (cli/jsonl_scan.cpp) against nlohmann::json: on every line it accepts,
// the three fields are exactly the full parser's; it accepts the usual shapes (else the fast path
// would be dead code); and it declines what it does not handle, leaving the verdict to the parser.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jsonl_scan.hpp"

using storyline::cli::FlatFields;
using storyline::cli::scan_flat_object;

namespace {

// Both readers agree on `line`: when the fast one accepts it, the full parser sees an object with
// the same string fields; `accepted` says which happened.
void check_agrees(const std::string& line, bool& accepted) {
  FlatFields f;
  accepted = scan_flat_object(line, f);
  if (!accepted) return;
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  INFO("line: " << line);
  REQUIRE(!j.is_discarded());
  REQUIRE(j.is_object());
  for (auto [key, present, is_string, value] :
       {std::tuple{"id", f.id_present, f.id_string, &f.id}, std::tuple{"text", f.text_present, f.text_string, &f.text},
        std::tuple{"date", f.date_present, f.date_string, &f.date}}) {
    CHECK(present == j.contains(key));
    if (!j.contains(key)) continue;
    CHECK(is_string == j[key].is_string());
    if (is_string) CHECK(*value == j[key].get<std::string>());
  }
}

bool agrees_and_accepts(const std::string& line) {
  bool accepted = false;
  check_agrees(line, accepted);
  return accepted;
}

}  // namespace

TEST_CASE("jsonl_scan: the usual document lines are read fast, with the parser's values") {
  CHECK(agrees_and_accepts(R"({"id":"a1","date":"2021-03-04","text":"Acme bought Globex."})"));
  CHECK(agrees_and_accepts(R"(  { "text" : "x" , "id" : "b" }  )"));
  CHECK(agrees_and_accepts("{\"text\":\"caf\xC3\xA9 \xE2\x80\x94 ok\"}"));
  CHECK(agrees_and_accepts(R"({"text":"quote \" backslash \\ slash \/ \b\f\n\r\t end"})"));
  CHECK(agrees_and_accepts(R"({"text":"\u00e9\u2019 and a pair \ud83d\ude00 and \u0041"})"));
  CHECK(agrees_and_accepts(R"({"text":"t","n":-12.5e+3,"ok":true,"no":false,"none":null,"z":0})"));
  CHECK(agrees_and_accepts(R"({"text":"first","text":"second"})"));   // the last one wins, as in the parser
  CHECK(agrees_and_accepts(R"({"text":"t","date":null})"));          // present, not a string
  CHECK(agrees_and_accepts(R"({})"));
  FlatFields f;
  REQUIRE(scan_flat_object(R"({"id":"x","text":"a\nb \u00e9"})", f));
  CHECK(f.text == "a\nb \xC3\xA9");
  CHECK(f.id == "x");
}

TEST_CASE("jsonl_scan: what it does not handle goes to the full parser") {
  for (const char* line : {
           R"({"id":7,"text":"a number id"})",          // number ids: the parser's printing rules
           R"({"text":"t","meta":{"a":1}})",            // nested object
           R"({"text":"t","tags":["a"]})",              // nested array
           R"({"te\u0078t":"escaped key"})",            // escaped key
           R"({"text":"lone \ud800 surrogate"})",       // lone high surrogate
           R"({"text":"lone \udc00 low"})",
           R"({"text":"bad \x escape"})",
           "{\"text\":\"raw\tcontrol\"}",               // a raw control byte in a string
           "{\"text\":\"bad \xC3\x28 utf8\"}",          // invalid UTF-8
           R"({"text":"t",})", R"({"text":"t"} x)", R"({"text" "t"})", R"({"text":01})",
           R"({"text":-})", R"({"text":1.})", R"({"text":1e})", R"(["text"])", R"("text")", "",
           R"({"text":"unterminated)", R"({"text":tru})"}) {
    FlatFields f;
    INFO("line: " << line);
    CHECK_FALSE(scan_flat_object(line, f));
  }
}

TEST_CASE("jsonl_scan: agrees with the parser on mutated lines") {
  // Every one-byte deletion and every replacement by a JSON-significant byte of a few seed lines:
  // whatever the fast reader accepts must read the same as the parser.
  const std::vector<std::string> seeds = {
      R"({"id":"doc-1","date":"2020-01-02","text":"A \"quoted\" \u00e9 line\n","n":1.5e3,"b":true})",
      R"({ "text" : "x\\y\/z" , "id" : "q" , "date" : null })"};
  const std::string significant = "{}[]\":,\\ u0e-+.9tfn\x01\xC3";
  std::uint64_t accepted = 0, total = 0;
  for (const std::string& seed : seeds) {
    for (std::size_t i = 0; i < seed.size(); ++i) {
      std::string del = seed;
      del.erase(i, 1);
      bool a = false;
      check_agrees(del, a);
      accepted += a, ++total;
      for (char c : significant) {
        std::string rep = seed;
        rep[i] = c;
        check_agrees(rep, a);
        accepted += a, ++total;
      }
    }
  }
  // Many mutants stay valid JSON; the fast path must have taken a good share of them.
  CHECK(accepted > total / 20);
}
