// storyline::extractor — one document in, its facts out.
//
//   Result<Extractor> ex = Extractor::load(RuleDirs::defaults());
//   if (!ex) die(ex.error().message);
//   DocumentInfo info{.id = "a1", .source = "a1.txt", .date = "2023-02-06", .date_source = "option"};
//   Extraction x = ex->extract(text, info);       // text must be valid UTF-8
//   std::string json = to_json(x, text);
//
// Pipeline: tokens -> sentences -> timexes -> entities -> events -> relations. Every stage's
// knowledge is in rule files (extractor/rules/en/); the Extractor is immutable after load and
// extract() is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/extractor/rules.hpp"
#include "storyline/extractor/types.hpp"

namespace storyline::extractor {

struct ExtractOptions {
  std::size_t max_sentence_tokens = 2000;   // longer "sentences" are cut (bounded work)
  std::size_t* sentences_cut = nullptr;     // if set, += how many sentences were cut (caller owns)
};

class Extractor {
 public:
  // Loads and validates every rule file; Error{"rules.*"} names the file and rule. With
  // threads >= 2 the temporal rules (two thirds of the loading) are compiled on a second thread
  // while the lexicons and the other rules load: the same Extractor, sooner.
  static Result<Extractor> load(const RuleDirs& dirs, unsigned threads = 1);

  // `info.date` empty: a dateline date is looked for (info.date_source becomes "dateline").
  Extraction extract(std::string_view text, DocumentInfo info, const ExtractOptions& options = {}) const;

  // Several documents, each stage run over all of them before the next (the stages' tables stay in
  // the caches). With news-sized documents (3-5 KB), batches of 128 are ~12% faster than extract()
  // per document, of 32 ~6%, of 8 ~4% (extract_bench BM_FullExtractBatch). The same Extraction as
  // extract(texts[i], infos[i], options) for each; `infos` may be shorter than `texts` (the rest
  // get a default DocumentInfo). `cut_each`, if set, is resized to texts.size() and gets each
  // document's count of cut sentences (options.sentences_cut still gets the sum). Thread-safe like
  // extract().
  std::vector<Extraction> extract_batch(const std::vector<std::string_view>& texts, std::vector<DocumentInfo> infos,
                                        const ExtractOptions& options = {},
                                        std::vector<std::size_t>* cut_each = nullptr) const;

  // extract_batch, each document's Extraction handed to done(i, x) as soon as its last stage is
  // through (in order; done may move x away), not returned with the others at the end: a caller
  // that writes x out reads it while it is still in the caches (a batch's Extractions together
  // are larger than they are), and its memory is freed for the next document's.
  void extract_batch(const std::vector<std::string_view>& texts, std::vector<DocumentInfo> infos,
                     const ExtractOptions& options, std::vector<std::size_t>* cut_each,
                     const std::function<void(std::size_t, Extraction&)>& done) const;

  // Short hash of the rule files' contents (recorded in the output).
  const std::string& rules_hash() const;

  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// The extract JSON of one document (see README "JSON written by extract"): stable key order.
// indent < 0: compact, one line. suffix is appended (a "\n" for JSON Lines costs no second copy).
// A relation's source and target are written as the ids of the entities they index; an index
// that is no entity of x throws std::out_of_range (before anything is written).
std::string to_json(const Extraction& x, int indent = 2, std::string_view suffix = {});

// to_json(x, -1, suffix) appended to `out` (json_out.hpp; out.view() is the text): a JsonOut kept
// from one document to the next is written with no allocation or copy.
template <bool Checked>
class BasicJsonOut;
using JsonOut = BasicJsonOut<true>;
void to_json(const Extraction& x, JsonOut& out, std::string_view suffix = {});

// The inverse of to_json(x, -1): the Extraction whose compact JSON starts `text` (layout and key
// order exactly as to_json writes them); *used = the bytes it took. nullopt for any other form
// (pretty-printed, reordered, other number forms, invalid JSON): parse those with a JSON library.
// What it accepts it reads as a JSON parser would (escapes, \u surrogate pairs, UTF-8 checked).
// A relation's "source" and "target" ids become indices into the entities (the first entity with
// that id); a relation naming an id no entity has is nullopt too.
std::optional<Extraction> from_compact_json(std::string_view text, std::size_t* used = nullptr);

}  // namespace storyline::extractor
