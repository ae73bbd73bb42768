// available_formats(): the plugin self-check, shared by the CLI's --help and error messages.
#include "gv.hpp"
#include "storyline/render/render.hpp"

namespace storyline::render {

std::vector<std::string> available_formats() {
  detail::GvSession session(nullptr);
  detail::GvContext ctx;
  return detail::formats_of(ctx);
}

}  // namespace storyline::render
