// storyline CLI — reading inputs (files, "-", JSON Lines) and writing outputs atomically.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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

// Reads the inputs one document at a time, JSON Lines a line at a time, so memory is bounded by the
// largest document (plus the ids seen so far, kept to make ids unique). Problems ("file: reason",
// "file:line (id 'x'): reason") are appended as they are met and the document is skipped.
//
//   DocumentStream in(paths, options);
//   InputDoc d;
//   while (in.next(d, problems)) use(d);
class DocumentStream {
 public:
  DocumentStream(std::vector<std::string> paths, InputOptions options);
  ~DocumentStream();
  DocumentStream(const DocumentStream&) = delete;
  DocumentStream& operator=(const DocumentStream&) = delete;

  // The next usable document in input order, its id made unique; false after the last one.
  bool next(InputDoc& doc, std::vector<std::string>& problems);
  // Input bytes consumed so far, and the total size of the regular input files (0 for stdin only).
  std::uint64_t bytes_read() const { return bytes_read_; }
  std::uint64_t bytes_total() const { return bytes_total_; }
  // True when next() is unlikely to wait for input: the rest comes from regular files, a whole
  // line is buffered, or the pipe being read has bytes waiting. Callers that group documents stop
  // grouping when it is false, so a pipe that delivers one document at a time gets each result
  // without waiting for more.
  bool ready() const;

 private:
  bool read_line(std::string_view& line, bool& too_long, bool& failed);
  std::size_t line_limit() const;
  void close_current();
  void make_unique(InputDoc& d);

  std::vector<std::string> paths_;
  InputOptions options_;
  std::size_t next_path_ = 0;
  int fd_ = -1;                  // the JSON Lines input being read, -1 between files
  bool fd_regular_ = false;      // fd_ is a regular file (reading it never waits)
  std::string current_;
  std::size_t line_no_ = 0;
  std::string buf_;
  std::string line_;             // a line that runs over the end of buf_, gathered
  std::size_t buf_pos_ = 0, buf_len_ = 0;
  std::uint64_t bytes_read_ = 0, bytes_total_ = 0;
  std::unordered_map<std::string, int> seen_;   // (only counted: the order is not used)
};

// Reads every input; a document that cannot be used is reported in `problems` ("file: reason")
// and skipped. Returns the usable documents in input order, ids made unique.
std::vector<InputDoc> read_inputs(const std::vector<std::string>& paths, const InputOptions& options,
                                  std::vector<std::string>& problems);

// Parses JSON Lines bytes read from `path` ("-" = stdin): one {"id","date","text"} object a line.
// A bad line is reported in `problems` ("path:line (id 'x'): reason") and skipped; never throws.
void parse_jsonl(const std::string& data, const std::string& path, const InputOptions& options,
                 std::vector<InputDoc>& docs, std::vector<std::string>& problems);

// One JSON Lines line (line_no counts from 1) into `doc`; false, with a problem appended unless the
// line is blank, when it is not a usable document.
bool parse_jsonl_line(std::string_view line, const std::string& path, std::size_t line_no,
                      const InputOptions& options, InputDoc& doc, std::vector<std::string>& problems);

// Checks one document's bytes: empty, binary (NUL), invalid UTF-8. Empty string when fine.
std::string check_text(const std::string& text);

// YYYY-MM-DD with a real calendar day.
bool valid_date(const std::string& s);

// Writes `data` to `path` through a temporary file in the same folder and a rename, so no
// partial file is ever left; "-" or "" writes to stdout. Error{"io.write"} on failure.
Result<bool> write_output(const std::string& path, const std::string& data);

// An output written as it is produced: stdout directly (flushed per write, so a reader downstream
// sees each document as soon as it is done), a file through a temporary in the same folder renamed
// by commit(), so no partial file is ever left under the target name. `hold`: keep all bytes in
// memory and write them at commit() (stdout under --no-keep-going: nothing written on failure).
// The file is created at the first write, not before.
class OutputStream {
 public:
  explicit OutputStream(std::string path, bool hold = false) : path_(std::move(path)), hold_(hold) {}
  ~OutputStream();   // not committed: the temporary is removed
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  Result<bool> write(std::string_view data);   // Error{"io.write"}
  Result<bool> commit();                       // Error{"io.write"}; nothing written at all: no file
  void abort();                                // drops what was written (file outputs and held bytes)
  bool pipe_closed() const { return pipe_closed_; }   // stdout's reader went away (not an error)

 private:
  Result<bool> flush_file(std::string_view more = {});
  std::string path_;
  bool hold_ = false;
  bool pipe_closed_ = false;
  int fd_ = -1;
  std::string tmp_;
  std::string pending_;
};

// Whether text begins like storyline's own JSON: an object whose first key is "document" (extract
// output) or "storyline" (a merged file), after blanks.
bool looks_like_extract_json(std::string_view head);

// Lower-case extension of an output path without the dot ("svg"), "" for stdout.
std::string extension_of(const std::string& path);

// True when stderr is a terminal (progress is shown only then).
bool stderr_is_tty();

}  // namespace storyline::cli
