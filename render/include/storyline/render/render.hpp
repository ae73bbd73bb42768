// storyline::render — relationship diagram and timeline through Graphviz (cgraph + gvc, linked).
//
//   RenderOptions o; o.format = "svg";
//   Result<std::string> svg = render_graph(g, o);        // g: graph::KnowledgeGraph
//   Result<std::string> png = render_timeline(t, {.format = "png"});
//
// All Graphviz calls are serialised behind one process-wide mutex (Graphviz is not thread-safe);
// its messages are captured and returned as diagnostics, never printed. Output bytes are
// deterministic for the same input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/extractor/types.hpp"
#include "storyline/graph/model.hpp"

namespace storyline::render {

struct RenderOptions {
  std::string format = "svg";      // svg | png | pdf | dot | xdot (dot with drawing ops: tests)
  std::string title;               // empty = graph/timeline title
  std::string theme = "light";     // light | dark
  double dpi = 96;                 // png only (Graphviz 2.42 mis-scales SVG with dpi set)
  std::string lanes = "entity";    // timeline only: entity (main participant) | type (event type)
  std::optional<int> from_year;    // timeline only (already filtered; used for the axis)
  std::optional<int> to_year;
  std::vector<std::string>* diagnostics = nullptr;   // Graphviz warnings land here if set
  std::string note;                // graph only: a line under the summary (e.g. what was left out)
};

// Error codes: "render.format", "render.layout", "render.graphviz".
Result<std::string> render_graph(const graph::KnowledgeGraph& g, const RenderOptions& options);
Result<std::string> render_timeline(const graph::Timeline& t, const RenderOptions& options);

// Formats this build can write, from the Graphviz plugin list (self-check at start-up).
std::vector<std::string> available_formats();

// User text made safe for HTML or XML content and attribute values, the way every diagram label is:
// valid UTF-8, no control characters, whitespace runs collapsed, & < > " ' escaped.
std::string escape_html_text(std::string_view s);

}  // namespace storyline::render
