#pragma once
// A fast reader for the common shape of a JSON Lines document: one flat object whose values are
// strings, numbers, true, false or null. It decodes the three fields storyline reads ("id", "date",
// "text") when they are strings and declines (returns false) on anything it does not fully handle —
// nested values, an "id" that is not a string, escaped keys, invalid UTF-8, lone surrogates — so that the
// caller falls back to the full JSON parser, which then decides and words the error. On a line it
// accepts, the fields are exactly what nlohmann::json would give (tests/cli/jsonl_scan_test.cpp).
#include <string>
#include <string_view>

namespace storyline::cli {

struct FlatFields {
  // present: the key occurs; string: its (last) value is a JSON string, decoded into the field.
  bool id_present = false, id_string = false;
  bool text_present = false, text_string = false;
  bool date_present = false, date_string = false;
  std::string id, text, date;
  // The text had a \u escape. Without one it holds no NUL byte; it is valid UTF-8 either way (the
  // line was checked, and an escape never decodes to a lone surrogate).
  bool text_u_escape = false;
};

// True when `line` is a flat JSON object this reader handles; `out` then holds its fields.
bool scan_flat_object(std::string_view line, FlatFields& out);

}  // namespace storyline::cli
