// Text hygiene for Graphviz: the private helpers in render/src/text.hpp.
#include <doctest/doctest.h>

#include <string>

#include "../../render/src/text.hpp"

using namespace storyline::render::detail;

TEST_SUITE("render") {

TEST_CASE("text: clean_text repairs UTF-8 and drops control characters") {
  struct Row { std::string in, out; };
  const Row rows[] = {
      {"plain", "plain"},
      {"  spaced \t\n out  ", "spaced out"},
      {"bell\x07here", "bellhere"},
      {std::string("nul\0byte", 8), "nulbyte"},
      {"esc\x1b[31mred", "esc[31mred"},
      {"del\x7f", "del"},
      {"c1\xC2\x85next", "c1next"},                 // U+0085 NEL
      {"caf\xE9", "caf\xEF\xBF\xBD"},               // Latin-1 byte -> U+FFFD
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},     // overlong '/'
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},   // surrogate
      {"Z\xC3\xBCrich \xE2\x80\x93 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80", "Z\xC3\xBCrich \xE2\x80\x93 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80"},
      {"trunc\xE2\x82", "trunc\xEF\xBF\xBD\xEF\xBF\xBD"},
  };
  int failures = 0;
  for (const Row& r : rows) {
    if (clean_text(r.in) != r.out) {
      ++failures;
      MESSAGE("clean_text(" << r.in << ") = " << clean_text(r.in));
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("text: Graphviz escapes are neutralised, URLs and XML escaped") {
  CHECK(gv_text("C:\\new \\N \\l") == "C:\\\\new \\\\N \\\\l");
  CHECK(gv_url("https://e.org/?q=1&r=\"2\"") == "https://e.org/?q=1&amp;r=%222%22");
  CHECK(xml_escape("<b> & \"q\" 'a'") == "&lt;b&gt; &amp; &quot;q&quot; &#39;a&#39;");
}

TEST_CASE("text: ids and classes") {
  CHECK(id_token("org:nissan") == "org_nissan");
  CHECK(id_token("doc 1/ev<3>") == "doc_1_ev_3_");
  CHECK(id_token("caf\xC3\xA9") == "caf__");
  CHECK(class_token("Partner_Of") == "partner_of");
  CHECK(class_token("3rd") == "c3rd");
  CHECK(class_token("") == "");
}

TEST_CASE("text: ellipsize counts code points") {
  CHECK(ellipsize("short", 10) == "short");
  CHECK(ellipsize("abcdefghij", 5) == "abcd\xE2\x80\xA6");
  CHECK(ellipsize("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3) == "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
  CHECK(utf8_length("\xC3\xA9t\xC3\xA9") == 3);
}

}  // TEST_SUITE
