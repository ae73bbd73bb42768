// storyline CLI — reading inputs (files, "-", JSON Lines) and writing outputs atomically.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storyline/extractor/types.hpp"

namespace storyline::cli {

struct InputDoc {
  std::string id;
  std::string source;              // path, "-" or "path:line"
  std::string text;
  std::optional<std::string> date; // from --date or the JSON Lines "date" field
  std::string date_source = "none";
};

struct InputOptions {
  std::optional<std::string> date;   // --date, already validated
  bool jsonl = false;                // --jsonl: every input is JSON Lines
  std::size_t max_bytes = 64u << 20; // per document
};

// Reads every input; a document that cannot be used is reported in `problems` ("file: reason")
// and skipped. Returns the usable documents in input order, ids made unique.
std::vector<InputDoc> read_inputs(const std::vector<std::string>& paths, const InputOptions& options,
                                  std::vector<std::string>& problems);

// Parses JSON Lines bytes read from `path` ("-" = stdin): one {"id","date","text"} object a line.
// A bad line is reported in `problems` ("path:line (id 'x'): reason") and skipped; never throws.
void parse_jsonl(const std::string& data, const std::string& path, const InputOptions& options,
                 std::vector<InputDoc>& docs, std::vector<std::string>& problems);

// Checks one document's bytes: empty, binary (NUL), invalid UTF-8. Empty string when fine.
std::string check_text(const std::string& text);

// YYYY-MM-DD with a real calendar day.
bool valid_date(const std::string& s);

// Writes `data` to `path` through a temporary file in the same folder and a rename, so no
// partial file is ever left; "-" or "" writes to stdout. Error{"io.write"} on failure.
Result<bool> write_output(const std::string& path, const std::string& data);

// Lower-case extension of an output path without the dot ("svg"), "" for stdout.
std::string extension_of(const std::string& path);

// True when stderr is a terminal (progress is shown only then).
bool stderr_is_tty();

}  // namespace storyline::cli
