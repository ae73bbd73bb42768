// Private: colours, fonts and option checks shared by the diagram and the timeline.
//
// The palette is a muted "graphics desk" set: one hue family per entity type, chosen to stay
// distinguishable in greyscale print and for the common colour-vision deficiencies (blue / orange
// carry most of the weight; green and purple differ in lightness too).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storyline/render/render.hpp"

namespace storyline::render::detail {

inline constexpr const char* kFont = "DejaVu Sans";

struct TypeStyle {
  const char* fill;
  const char* stroke;
  const char* shape;
  const char* style;   // Graphviz style list
  const char* label;   // legend text
};

struct Theme {
  std::string name;
  const char* background;
  const char* text;
  const char* muted;        // secondary text, edge labels
  const char* grid;         // timeline grid, lane baselines
  const char* axis;
  const char* edge;         // typed relations
  const char* weak_edge;    // co-occurrence
  const char* label_fill;   // timeline label boxes
  TypeStyle per, org, loc, misc, other;
  std::vector<const char*> lanes;   // timeline lane accents, cycled
  const TypeStyle& type_style(const std::string& type) const;
};

// nullopt for an unknown theme name.
std::optional<Theme> theme_named(const std::string& name);

// Error (code render.format) when the format or theme is not one we write.
std::optional<Error> check_options(const RenderOptions& options);

// Locale-independent number formatting for attribute values ("12.5").
std::string num(double value, int decimals = 2);

}  // namespace storyline::render::detail
