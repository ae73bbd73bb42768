// available_formats(): the plugin self-check, shared by the CLI's --help and error messages.
// escape_html_text(): the labels' text hygiene, for the CLI's HTML report.
#include "gv.hpp"
#include "text.hpp"
#include "storyline/render/render.hpp"

namespace storyline::render {

std::vector<std::string> available_formats() {
  detail::GvSession session(nullptr);
  detail::GvContext ctx;
  return detail::formats_of(ctx);
}

std::string escape_html_text(std::string_view s) { return detail::xml_escape(s); }

}  // namespace storyline::render
