#include "style.hpp"

#include <charconv>
#include <cmath>

namespace storyline::render::detail {

const TypeStyle& Theme::type_style(const std::string& type) const {
  if (type == "PER") return per;
  if (type == "ORG") return org;
  if (type == "LOC") return loc;
  if (type == "MISC") return misc;
  return other;
}

std::optional<Theme> theme_named(const std::string& name) {
  if (name == "light" || name.empty()) {
    return Theme{
        "light", "#ffffff", "#1c1c1c", "#5f6368", "#dcdcdc", "#2b2b2b", "#4d4d4d", "#a3a3a3",
        "#f6f7f9",
        {"#dde8f4", "#1f4e79", "ellipse", "filled", "Person"},
        {"#fbe5d3", "#b4531c", "box", "rounded,filled", "Organisation"},
        {"#deefdc", "#2e7d32", "hexagon", "filled", "Place"},
        {"#ece5f3", "#6a4c93", "note", "filled", "Other"},
        {"#eeeeee", "#757575", "ellipse", "filled", "Unknown"},
        {"#1f4e79", "#b4531c", "#2e7d32", "#6a4c93", "#8a6a12", "#1b7a7a", "#a23b5a", "#555555"}};
  }
  if (name == "dark") {
    return Theme{
        "dark", "#16191d", "#e9e9e9", "#a3aab3", "#343a42", "#c9cdd2", "#b3b9c0", "#6b7178",
        "#20252b",
        {"#1c3552", "#8ab8e6", "ellipse", "filled", "Person"},
        {"#4a2b17", "#f2a46e", "box", "rounded,filled", "Organisation"},
        {"#1d3b20", "#86c98a", "hexagon", "filled", "Place"},
        {"#33284a", "#bda4de", "note", "filled", "Other"},
        {"#2a2d31", "#9e9e9e", "ellipse", "filled", "Unknown"},
        {"#8ab8e6", "#f2a46e", "#86c98a", "#bda4de", "#e0c060", "#6cc9c9", "#ec8fae", "#b5b5b5"}};
  }
  return std::nullopt;
}

std::optional<Error> check_options(const RenderOptions& options) {
  const std::string& f = options.format;
  if (f != "svg" && f != "png" && f != "pdf" && f != "dot" && f != "xdot") {
    return Error{"render.format", "unknown output format '" + f + "' (svg, png, pdf, dot or xdot)"};
  }
  if (!theme_named(options.theme)) {
    return Error{"render.format", "unknown theme '" + options.theme + "' (light or dark)"};
  }
  if (!(options.dpi > 0 && options.dpi <= 1200)) {
    return Error{"render.format", "dpi must be in (0, 1200], got " + num(options.dpi)};
  }
  if (options.lanes != "entity" && options.lanes != "type") {
    return Error{"render.format", "unknown lane grouping '" + options.lanes + "' (entity or type)"};
  }
  if (options.from_year && options.to_year && *options.from_year > *options.to_year) {
    return Error{"render.format", "from_year " + std::to_string(*options.from_year) +
                                      " is after to_year " + std::to_string(*options.to_year)};
  }
  return std::nullopt;
}

std::string num(double value, int decimals) {
  if (!std::isfinite(value)) value = 0;
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "0";
  std::string s(buf, end);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace storyline::render::detail
