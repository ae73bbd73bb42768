// storyline::extractor — the facts one document yields.
//
// Every fact keeps its evidence: UTF-8 byte offsets [start, end) into the document text and the
// index of the sentence it came from.
//
//   Extraction x = extractor.extract(doc);       // see extractor.hpp
//   for (const Entity& e : x.entities) std::cout << e.id << ' ' << e.name << '\n';
//   for (const Relation& r : x.relations)
//     std::cout << x.entities[r.source].id << ' ' << r.type.name() << ' ' << x.entities[r.target].id << '\n';
#pragma once

#include <boost/container/small_vector.hpp>

#include <compare>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace storyline {

// One error catalogue for all modules. Libraries return errors; only main() decides to exit.
struct Error {
  std::string code;     // stable, e.g. "rules.parse", "input.utf8"
  std::string message;  // one line, names the file/rule/offset where there is one
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}    // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace storyline

namespace storyline::extractor {

struct Span {
  std::size_t start = 0;
  std::size_t end = 0;
};

struct Sentence {
  std::size_t start = 0;
  std::size_t end = 0;
};

struct Mention {
  std::size_t start = 0;
  std::size_t end = 0;
  std::string text;
  std::size_t sentence = 0;
};

// TIMEX3-style temporal expression. `value` is e.g. "2018", "2018-11-19", "2019-Q3", "199",
// "PRESENT_REF", "P3Y", "XXXX-WXX-1".
struct Timex {
  std::size_t start = 0;
  std::size_t end = 0;
  std::string text;
  std::string type;   // DATE | TIME | DURATION | SET
  std::string value;
  std::size_t sentence = 0;
  std::string rule;   // id of the rule that produced it (debugging, provenance)
};

struct Entity {
  std::string id;      // "org:nissan", stable within a document
  std::string name;    // canonical (longest informative) name
  std::string type;    // PER | ORG | LOC | MISC
  std::vector<std::string> aliases;   // other surface forms, sorted
  // In text order. (Seven entities in ten are named once: the first mention is kept inline, so
  // such an entity's mentions cost no allocation. A contiguous container, like a vector.)
  boost::container::small_vector<Mention, 1> mentions;
};

struct Participant {
  std::string entity;  // entity id
  std::string role;    // agent | patient | place | participant
};

// An ordering constraint between two events of one document, from "after", "before", "since"
// ("fired after the takeover", "two months after X agreed to buy it"): this event is `relation`
// (after | before) the event `event`. `cue` is the text that says so.
struct EventOrder {
  std::string relation;   // after | before
  std::string event;      // id of the other event
  std::string cue;        // "after the takeover"
};

struct Event {
  std::string id;      // "ev1", in text order
  std::string type;    // e.g. "arrest", "launch"
  Mention trigger;
  std::optional<std::string> date;   // TIMEX3 value
  std::string date_source;           // text | anaphoric (the last date before, "days later") | document | none
  std::vector<Participant> participants;
  std::size_t sentence = 0;
  std::string summary;               // short label fit for a timeline
  std::string modality = "asserted"; // asserted | negated | hypothetical | future
  std::optional<std::string> amount; // money as written near the trigger: "$44 billion"
  // Added fields (older JSON without them reads as empty):
  std::vector<Mention> evidence;     // other tellings of the same event in this document (triggers)
  std::vector<EventOrder> order;     // partial order to other events of this document
};

struct Evidence {
  std::size_t sentence = 0;
  std::size_t start = 0;
  std::size_t end = 0;
};

// A relation's type name: "role_of", "partner_of", "located_in", "co_occurs", ... Types come from
// the rule files (an open set), so a type is a name, interned: a RelationType is one pointer to a
// process-wide copy of its name, which lives until the process ends (it never dangles, whatever
// becomes of the rules or the Extraction that named it). Copying one is copying a pointer; two are
// equal when their names are; they order as their names do.
//
//   RelationType t("role_of");      // interns (a look-up under a lock: keep it out of inner loops)
//   t == "role_of"; t.name();        // and it converts to std::string_view
//
// Every distinct name ever interned is kept (a few dozen from the rules; JSON read back adds the
// names it holds).
class RelationType {
 public:
  RelationType() noexcept : name_(empty_name()) {}   // the empty name
  explicit RelationType(std::string_view name);     // the interned copy of `name`
  const std::string& name() const noexcept { return *name_; }
  operator std::string_view() const noexcept { return *name_; }   // NOLINT(google-explicit-constructor)
  bool empty() const noexcept { return name_->empty(); }

  friend bool operator==(RelationType a, RelationType b) noexcept { return a.name_ == b.name_; }   // (interned)
  friend bool operator==(RelationType a, std::string_view b) noexcept { return std::string_view(*a.name_) == b; }
  friend std::strong_ordering operator<=>(RelationType a, RelationType b) noexcept {
    return a.name_ == b.name_ ? std::strong_ordering::equal : std::string_view(*a.name_) <=> std::string_view(*b.name_);
  }
  friend std::strong_ordering operator<=>(RelationType a, std::string_view b) noexcept {
    return std::string_view(*a.name_) <=> b;
  }

 private:
  // (Never destroyed, like the interned names: a RelationType may be read during static destruction.)
  static const std::string* empty_name() noexcept {
    static const std::string* const empty = new std::string;
    return empty;
  }
  const std::string* name_;
};

struct Relation {
  // The two entities, as indices into the Extraction's `entities` (x.entities[r.source].id is the
  // source's id): every relation of an Extraction names entities of that Extraction, and
  // to_json() writes their ids. Reading JSON back maps the ids to indices (a relation naming an id
  // that no entity has is an error).
  std::size_t source = 0;
  std::size_t target = 0;
  RelationType type;      // role_of | partner_of | located_in | co_occurs ...
  std::string qualifier;  // e.g. "former", role name "CEO"; empty when none
  double weight = 1.0;
  // The sentences that tell it, in text order. (Nine relations in ten are told once, most of them
  // co-occurrences: the first telling is kept inline, so such a relation costs no allocation.)
  boost::container::small_vector<Evidence, 1> evidence;
  // Time span the text gives for the relation ("chief executive from 2010 to 2017", "has led X
  // since 2019"): TIMEX3 values; empty when the text gives none.
  std::string start;
  std::string end;
};

struct DocumentInfo {
  std::string id;
  std::string source;                 // file path, "-" for stdin
  std::optional<std::string> date;    // YYYY-MM-DD publication date
  std::string date_source = "none";   // option | jsonl | dateline | none
  std::size_t bytes = 0;
};

struct Extraction {
  DocumentInfo document;
  std::vector<Sentence> sentences;
  std::vector<Entity> entities;
  std::vector<Timex> timexes;
  std::vector<Event> events;
  std::vector<Relation> relations;   // source and target: indices into `entities`
};

}  // namespace storyline::extractor
