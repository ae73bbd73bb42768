// PhraseTable::match against a plain reading of its contract: the longest phrase that matches at
// the token (ASCII case aside with any_case), the first added among equally long ones, a phrase
// not crossing a sentence break nor `end`. Many phrases share first and second words here, so the
// table's per-word index of second tokens is exercised.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "storyline/extractor/lexicons.hpp"
#include "storyline/extractor/text.hpp"

using namespace storyline::extractor;

namespace {

struct Phrase {
  std::vector<std::string> words;
  std::string value;
};

bool same_word(std::string_view a, std::string_view b, bool any_case) {
  return any_case ? equal_any_case(a, b) : a == b;
}

// The value match() should give at token k (or "" for none).
std::string expected(const std::vector<Phrase>& phrases, std::string_view text, const std::vector<Token>& toks,
                     std::size_t k, std::size_t end, bool any_case) {
  const Phrase* best = nullptr;
  for (const Phrase& p : phrases) {
    const std::size_t n = p.words.size();
    if (k + n > end) continue;
    bool ok = true;
    for (std::size_t i = 0; i < n && ok; ++i)
      ok = (i == 0 || toks[k + i].sentence == toks[k].sentence) && same_word(toks[k + i].view(text), p.words[i], any_case);
    if (ok && (!best || n > best->words.size())) best = &p;
  }
  return best ? best->value : "";
}

}  // namespace

TEST_CASE("PhraseTable::match: longest first, first added among equals, with many shared words") {
  const TextLexicons lex;
  const std::vector<std::string> seconds = {"Ain", "ain", "Qaeda", "Jazeera", "Bab", "Mina", "Khor", "Ain"};
  const std::vector<std::string> thirds = {"Sokhna", "sokhna", "Qadim", "Ain"};
  PhraseTable table;
  std::vector<Phrase> phrases;
  auto add = [&](std::vector<std::string> words) {
    for (const Phrase& p : phrases)   // the table keeps the first of identical phrases
      if (p.words == words) return;
    std::string text;
    for (const std::string& w : words) text += (text.empty() ? "" : " ") + w;
    const std::string value = "v" + std::to_string(phrases.size());
    table.add(text, value, "", lex);
    phrases.push_back(Phrase{std::move(words), value});
  };
  // One first word ("Al" in three casings), its second and third words varied: more than eight
  // longer phrases for the word, so their list is searched.
  for (const std::string first : {"Al", "AL", "al"}) {
    add({first});
    for (std::size_t i = 0; i < seconds.size(); ++i) {
      add({first, seconds[i]});
      add({first, seconds[i], thirds[i % thirds.size()]});
      if (i % 3 == 0) add({first, seconds[i], thirds[(i + 1) % thirds.size()], "City"});
    }
  }
  add({"Ain"});
  add({"Ain", "Sokhna"});

  const std::string text =
      "Al Ain Sokhna met al Qaeda. Al Ain. AL JAZEERA Qadim and Al Bab Ain City, al mina Sokhna Al "
      "Khor Ain Al Mina al ain sokhna AL AIN SOKHNA Al\nAin Al Qaeda Ain";
  std::vector<Token> toks = tokenize(text, lex);
  split_sentences(text, toks, lex);
  for (const bool any_case : {false, true})
    for (std::size_t k = 0; k < toks.size(); ++k)
      for (const std::size_t end : {toks.size(), std::min(toks.size(), k + 2), k + 1}) {
        const PhraseTable::Entry* e = table.match(text, toks, k, end, any_case);
        CAPTURE(k);
        CAPTURE(end);
        CAPTURE(any_case);
        CHECK((e ? e->value : std::string()) == expected(phrases, text, toks, k, end, any_case));
      }
}
