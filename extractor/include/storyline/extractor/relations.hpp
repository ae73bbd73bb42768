// storyline::extractor — events and relations over entity mentions, from rule files
// (rules/en/events/*.tsv, rules/en/relations/patterns.json).
//
//   Result<RelationRules> rr = RelationRules::load(dirs, lexicons);
//   std::vector<Relation> rels = rr->relations(ctx);     // typed patterns + co-occurrence
//   std::vector<Event> evs = event_rules->events(ctx);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/extractor/entities.hpp"
#include "storyline/extractor/lexicons.hpp"

namespace storyline::extractor {

// What the event and relation stages read about one document.
struct DocContext {
  std::string_view text;
  const std::vector<Token>* tokens = nullptr;
  const std::vector<Sentence>* sentences = nullptr;
  const std::vector<Timex>* timexes = nullptr;
  const EntityResult* entities = nullptr;
  std::optional<std::string> document_date;   // YYYY-MM-DD
  const std::vector<Event>* events = nullptr;  // set once events are extracted; relations read them

  // Names and resolved references ("he", "the company") in text order, what events and relations
  // both read: merged once by merge_mentions() (else each stage merges them for itself).
  std::vector<MentionSpan> all_mentions{};
  bool mentions_merged = false;
  void merge_mentions();
  // The merged mentions: entities->mentions itself when there are no references; `scratch` holds
  // them when merge_mentions() was not called.
  const std::vector<MentionSpan>& mentions_in_order(std::vector<MentionSpan>& scratch) const;
};

// The person an object pronoun ("succeeded him") at token k stands for: an entity index, or
// nullopt when token k is no such pronoun or nobody fits. Shared by events and relations.
std::optional<std::size_t> resolve_object_pronoun(const DocContext& ctx, std::size_t k);

class RelationRules {
 public:
  static Result<RelationRules> load(const RuleDirs& dirs, std::shared_ptr<const Lexicons> lex);
  // Each relation's source and target index ctx.entities->entities (the Extraction's entities).
  std::vector<Relation> relations(const DocContext& ctx) const;
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

class EventRules {
 public:
  static Result<EventRules> load(const RuleDirs& dirs, std::shared_ptr<const Lexicons> lex);
  std::vector<Event> events(const DocContext& ctx) const;
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace storyline::extractor
