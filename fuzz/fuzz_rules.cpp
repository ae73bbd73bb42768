// libFuzzer target: the rule-file loaders, as `--rules DIR` feeds them. The first byte picks a file,
// the rest is its content, written into an overlay folder over a copy of the built-in rules (with
// the big word lists cut short, so an iteration stays fast). What loads is then run on a sample
// article. Loaders must return an error (never throw, crash or hang) for any content.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

#include "fuzz_support.hpp"
#include "storyline/extractor/entities.hpp"
#include "storyline/extractor/lexicons.hpp"
#include "storyline/extractor/relations.hpp"
#include "storyline/extractor/text.hpp"
#include "storyline/extractor/timex.hpp"

namespace {

using namespace storyline::extractor;
namespace fs = std::filesystem;

const char* const kSample =
    "TOKYO, Feb. 6, 2023 - Nissan Motor Co. and Renault SA said on Monday they would rebalance their "
    "alliance. Carlos Ghosn, the former chairman, was arrested in Tokyo in November 2018. Last year "
    "Renault agreed to cut its stake in Nissan to 15% by 2024, chief executive Luca de Meo said.";

const char* const kFiles[] = {
    "en/gazetteer/fuzz.jsonl",      "en/relations/patterns.json", "en/timex/dates.json",
    "en/timex/macros.tsv",          "en/events/triggers.tsv",     "en/lexicon/org_suffixes.tsv",
    "en/timex/lexicons/month.tsv", "en/relations/words.tsv",
};

struct Base {
  fs::path root, base, overlay;
  std::shared_ptr<const Lexicons> lex;
  std::unique_ptr<TimexTagger> timex;
  std::string text = kSample;
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
  std::vector<Timex> timexes;
  EntityResult entities;
};

void copy_trimmed(const fs::path& from, const fs::path& to, std::size_t max_lines) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary);
  std::string line;
  for (std::size_t n = 0; n < max_lines && std::getline(in, line); ++n) out << line << '\n';
}

Base& base() {
  static Base b = [] {
    Base b;
    b.root = fs::temp_directory_path() / ("storyline-fuzz-rules-" + std::to_string(::getpid()));
    b.base = b.root / "base";
    b.overlay = b.root / "overlay";
    fs::remove_all(b.root);
    const fs::path src = fs::path(STORYLINE_SOURCE_DIR) / "extractor/rules";
    for (const auto& e : fs::recursive_directory_iterator(src)) {
      fs::path rel = fs::relative(e.path(), src);
      if (e.is_directory()) {
        fs::create_directories(b.base / rel);
      } else if (rel.parent_path() == "en/lexicon") {
        copy_trimmed(e.path(), b.base / rel, 400);   // word lists: enough to work, small to load
      } else {
        fs::copy_file(e.path(), b.base / rel);
      }
    }
    RuleDirs dirs({b.base});
    auto lex = Lexicons::load(dirs);
    fuzzsupport::require(lex.ok(), "base lexicons load");
    b.lex = std::make_shared<const Lexicons>(std::move(*lex));
    auto timex = TimexTagger::load(dirs);
    fuzzsupport::require(timex.ok(), "base timex rules load");
    b.timex = std::make_unique<TimexTagger>(std::move(*timex));
    b.tokens = tokenize(b.text, b.lex->text);
    b.sentences = split_sentences(b.text, b.tokens, b.lex->text);
    b.timexes = b.timex->tag(b.text, b.sentences, std::string("2023-02-06"));
    b.entities = EntityTagger(b.lex).tag(b.text, b.tokens, b.sentences, b.timexes);
    std::atexit([] { std::error_code ec; fs::remove_all(base().root, ec); });
    return b;
  }();
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > (64u << 10)) return 0;
  Base& b = base();
  const std::size_t which = data[0] % (sizeof kFiles / sizeof kFiles[0]);
  const std::string rel = kFiles[which];
  std::error_code ec;
  fs::remove_all(b.overlay, ec);
  fs::create_directories((b.overlay / rel).parent_path());
  {
    std::ofstream out(b.overlay / rel, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  const RuleDirs dirs({b.base, b.overlay});
  DocContext ctx{b.text, &b.tokens, &b.sentences, &b.timexes, &b.entities, std::string("2023-02-06")};
  if (rel.rfind("en/timex/", 0) == 0) {
    auto t = TimexTagger::load(dirs);
    if (t) (void)t->tag(b.text, b.sentences, std::string("2023-02-06"));
  } else if (rel == "en/relations/patterns.json" || rel == "en/relations/words.tsv") {
    auto r = RelationRules::load(dirs, b.lex);
    if (r) (void)r->relations(ctx);
    auto e = EventRules::load(dirs, b.lex);
    if (e) (void)e->events(ctx);
  } else if (rel == "en/events/triggers.tsv") {
    auto e = EventRules::load(dirs, b.lex);
    if (e) (void)e->events(ctx);
  } else {
    auto lex = Lexicons::load(dirs);
    if (lex) {
      auto shared = std::make_shared<const Lexicons>(std::move(*lex));
      std::vector<Token> tokens = tokenize(b.text, shared->text);
      auto sentences = split_sentences(b.text, tokens, shared->text);
      (void)EntityTagger(shared).tag(b.text, tokens, sentences, b.timexes);
    }
  }
  return 0;
}
