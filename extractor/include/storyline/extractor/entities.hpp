// storyline::extractor — named entities (PER, ORG, LOC, MISC) found by rules and merged into
// document-level entities with aliases ("Nissan Motor Co." = "Nissan", "Carlos Ghosn" = "Ghosn").
//
//   EntityTagger tagger(lexicons);
//   EntityResult r = tagger.tag(text, tokens, sentences, timexes);
//   r.entities[r.mentions[0].entity].name;
//
// Stages: (1) capitalised chunks split at person cues, classified by gazetteers, organisation
// suffixes and heads, person cues, given names and shape; (2) aliases registered (base names,
// surnames, acronyms defined in brackets); (3) unresolved mentions, hyphenated pairs
// ("Nissan-Renault") and title/upper-case headlines resolved against known aliases.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "storyline/extractor/lexicons.hpp"
#include "storyline/extractor/text.hpp"
#include "storyline/extractor/types.hpp"

namespace storyline::extractor {

struct MentionSpan {
  std::size_t start = 0, end = 0;          // bytes
  std::size_t tok_begin = 0, tok_end = 0;  // tokens covered (a hyphen part covers its whole token)
  std::size_t sentence = 0;
  std::size_t entity = 0;                  // index into EntityResult::entities
};

struct EntityResult {
  std::vector<Entity> entities;            // ids and names final; mentions in text order
  std::vector<MentionSpan> mentions;       // all mentions, text order
  // "he", "the company" resolved to the last entity of that type named in the previous two
  // sentences or earlier in this one: for relation and event patterns only, text order.
  std::vector<MentionSpan> references;
  // Per entity, from the gazetteer: the ISO country a place lies in ("ET" for Addis Ababa and for
  // Ethiopia itself; "" when unknown), and whether the place is that country.
  std::vector<std::string> country_of;
  std::vector<char> is_country;
};

class EntityTagger {
 public:
  explicit EntityTagger(std::shared_ptr<const Lexicons> lex);
  // Thread-safe. Tokens must carry sentence indices (split_sentences).
  EntityResult tag(std::string_view text, const std::vector<Token>& tokens, const std::vector<Sentence>& sentences,
                   const std::vector<Timex>& timexes) const;
  struct Index;   // lookups derived from the lexicons once (internal)

 private:
  std::shared_ptr<const Lexicons> lex_;
  std::shared_ptr<const Index> index_;
};

// "Carlos Ghosn" -> "carlos-ghosn"; ASCII letters/digits lower-cased, other UTF-8 kept.
std::string slug(std::string_view name);

}  // namespace storyline::extractor
