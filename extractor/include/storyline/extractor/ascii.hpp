#pragma once
// ASCII lower case, shared by the stages (defined in text.cpp). Its own header so that files with
// their own byte-class names (timex.cpp) need not include text.hpp.
#include <cstddef>
#include <string>
#include <string_view>

namespace storyline::extractor {

// ASCII-lower-cased copy (non-ASCII bytes kept).
std::string ascii_lower(std::string_view s);
// dst[0..n) = src[0..n) ASCII-lower-cased, eight bytes at a time; dst may be src.
void ascii_lower_copy(char* dst, const char* src, std::size_t n);

}  // namespace storyline::extractor
