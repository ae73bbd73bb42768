// Private: text hygiene for everything user-supplied that reaches Graphviz.
//
// News text is hostile input for Graphviz: it interprets backslash escapes in labels, passes C0
// control characters straight into the SVG (invalid XML) and writes URLs unescaped. Every string
// from a KnowledgeGraph/Timeline goes through one of these before it is handed to cgraph.
#pragma once

#include <string>
#include <string_view>

namespace storyline::render::detail {

// Valid UTF-8 (invalid bytes become U+FFFD), no C0/C1 control characters or DEL (tab and newline
// become a space), runs of whitespace collapsed, trimmed. The result is plain text.
std::string clean_text(std::string_view s);

// clean_text + every backslash doubled, so that "C:\new" is printed literally and never read as
// Graphviz's "\n" escape. Use for label, xlabel, tooltip values.
std::string gv_text(std::string_view s);

// XML-escape (& < > " ') clean text, for HTML-like labels.
std::string xml_escape(std::string_view s);

// URLs: clean, and '&' written as "&amp;" (Graphviz 2.42 writes href values raw).
std::string gv_url(std::string_view s);

// An identifier fit for an XML id / CSS class: [A-Za-z0-9_-], everything else becomes '_'.
std::string id_token(std::string_view s);

// A lower-case CSS class token ("partner_of", "former"); empty input gives "".
std::string class_token(std::string_view s);

// Shortens clean text to at most max_chars code points, ending with "…" when cut.
std::string ellipsize(std::string_view s, std::size_t max_chars);

// Where a fact was read, for a tooltip when its sentence's text is not known (a story read from
// extract JSON): "[DOC, sentence N]", N as the JSON numbers sentences (from 0). Clean text.
std::string evidence_place(std::string_view doc, std::size_t sentence);

// Number of code points in valid UTF-8.
std::size_t utf8_length(std::string_view s);

}  // namespace storyline::render::detail
