// Test helpers: read Graphviz SVG by structure (groups by id/class, numbers in shapes) and check
// XML well-formedness without an XML library. Not a general XML parser: enough for what Graphviz
// writes (prolog, DOCTYPE, comments, elements with quoted attributes, entity references).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace svgcheck {

// Decodes the five named entities and numeric references (as UTF-8).
inline std::string decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') { out += s[i]; continue; }
    const std::size_t semi = s.find(';', i);
    if (semi == std::string::npos) { out += s[i]; continue; }
    const std::string ent = s.substr(i + 1, semi - i - 1);
    std::uint32_t cp = 0;
    if (ent == "amp") cp = '&';
    else if (ent == "lt") cp = '<';
    else if (ent == "gt") cp = '>';
    else if (ent == "quot") cp = '"';
    else if (ent == "apos") cp = '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      cp = ent[1] == 'x' ? std::strtoul(ent.c_str() + 2, nullptr, 16) : std::strtoul(ent.c_str() + 1, nullptr, 10);
    } else { out += s[i]; continue; }
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18)); out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    i = semi;
  }
  return out;
}

inline bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Empty string when well-formed, else what is wrong and where.
inline std::string well_formed(const std::string& x) {
  if (!valid_utf8(x)) return "invalid UTF-8";
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto c = static_cast<unsigned char>(x[i]);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return "control character at " + std::to_string(i);
  }
  auto check_text = [&](std::size_t a, std::size_t b) -> std::string {
    for (std::size_t i = a; i < b; ++i) {
      if (x[i] == '<') return "raw '<' at " + std::to_string(i);
      if (x[i] == '&') {
        std::size_t j = i + 1;
        if (j < b && x[j] == '#') {
          ++j;
          const bool hex = j < b && x[j] == 'x';
          if (hex) ++j;
          const std::size_t start = j;
          while (j < b && (std::isdigit(static_cast<unsigned char>(x[j])) ||
                           (hex && std::isxdigit(static_cast<unsigned char>(x[j]))))) ++j;
          if (j == start || j >= b || x[j] != ';') return "bad character reference at " + std::to_string(i);
        } else {
          const std::size_t start = j;
          while (j < b && std::isalnum(static_cast<unsigned char>(x[j]))) ++j;
          const std::string name = x.substr(start, j - start);
          if (j >= b || x[j] != ';' ||
              (name != "amp" && name != "lt" && name != "gt" && name != "quot" && name != "apos")) {
            return "raw '&' at " + std::to_string(i);
          }
        }
      }
    }
    return {};
  };
  std::vector<std::string> stack;
  std::size_t i = 0;
  bool root_seen = false;
  while (i < x.size()) {
    const std::size_t lt = x.find('<', i);
    const std::size_t text_end = lt == std::string::npos ? x.size() : lt;
    if (auto e = check_text(i, text_end); !e.empty()) return e;
    if (lt == std::string::npos) break;
    if (x.compare(lt, 4, "<!--") == 0) {
      const std::size_t end = x.find("-->", lt + 4);
      if (end == std::string::npos) return "unterminated comment";
      if (x.substr(lt + 4, end - lt - 4).find("--") != std::string::npos) return "'--' inside a comment";
      i = end + 3;
      continue;
    }
    if (x.compare(lt, 2, "<?") == 0 || x.compare(lt, 2, "<!") == 0) {
      const std::size_t end = x.find('>', lt);
      if (end == std::string::npos) return "unterminated declaration";
      i = end + 1;
      continue;
    }
    // An element tag: scan to '>' honouring quotes.
    std::size_t j = lt + 1;
    const bool closing = j < x.size() && x[j] == '/';
    if (closing) ++j;
    const std::size_t name_start = j;
    while (j < x.size() && (std::isalnum(static_cast<unsigned char>(x[j])) || x[j] == ':' || x[j] == '_' || x[j] == '-')) ++j;
    const std::string name = x.substr(name_start, j - name_start);
    if (name.empty()) return "bad tag at " + std::to_string(lt);
    bool self_closing = false;
    std::map<std::string, bool> attrs;
    while (true) {
      while (j < x.size() && std::isspace(static_cast<unsigned char>(x[j]))) ++j;
      if (j >= x.size()) return "unterminated tag <" + name;
      if (x[j] == '>') { ++j; break; }
      if (x[j] == '/' && j + 1 < x.size() && x[j + 1] == '>') { self_closing = true; j += 2; break; }
      if (closing) return "attributes on a closing tag";
      const std::size_t an = j;
      while (j < x.size() && x[j] != '=' && !std::isspace(static_cast<unsigned char>(x[j])) && x[j] != '>') ++j;
      const std::string attr = x.substr(an, j - an);
      if (attr.empty() || j >= x.size() || x[j] != '=') return "attribute without value in <" + name;
      if (attrs.count(attr)) return "duplicate attribute " + attr + " in <" + name;
      attrs[attr] = true;
      ++j;
      if (j >= x.size() || (x[j] != '"' && x[j] != '\'')) return "unquoted attribute " + attr;
      const char q = x[j];
      const std::size_t vend = x.find(q, j + 1);
      if (vend == std::string::npos) return "unterminated attribute " + attr;
      if (auto e = check_text(j + 1, vend); !e.empty()) return e + " (in attribute " + attr + ")";
      j = vend + 1;
    }
    if (closing) {
      if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
      stack.pop_back();
    } else if (!self_closing) {
      if (stack.empty() && root_seen) return "second root element <" + name + ">";
      root_seen = true;
      stack.push_back(name);
    } else {
      root_seen = true;
    }
    i = j;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (!root_seen) return "no root element";
  return {};
}

struct Group {
  std::string id;      // decoded
  std::string cls;     // decoded
  std::string body;    // raw XML between <g ...> and its </g>
};

inline std::string attr(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const std::size_t p = tag.find(key);
  if (p == std::string::npos) return {};
  const std::size_t s = p + key.size();
  return decode(tag.substr(s, tag.find('"', s) - s));
}

// Every <g> with an id, in document order.
inline std::vector<Group> groups(const std::string& x) {
  std::vector<Group> out;
  std::size_t p = 0;
  while ((p = x.find("<g ", p)) != std::string::npos) {
    const std::size_t tag_end = x.find('>', p);
    const std::string tag = x.substr(p, tag_end - p);
    int depth = 1;
    std::size_t q = tag_end + 1;
    while (depth > 0) {
      const std::size_t open = x.find("<g ", q), close = x.find("</g>", q);
      if (close == std::string::npos) break;
      if (open != std::string::npos && open < close) { ++depth; q = open + 3; }
      else { --depth; q = close + 4; }
    }
    out.push_back({attr(tag, "id"), attr(tag, "class"), x.substr(tag_end + 1, q - 4 - tag_end - 1)});
    p = tag_end;
  }
  return out;
}

inline bool has_class(const Group& g, const std::string& c) {
  const std::string padded = " " + g.cls + " ";
  return padded.find(" " + c + " ") != std::string::npos;
}

inline std::vector<Group> with_class(const std::string& x, const std::string& c) {
  std::vector<Group> out;
  for (const Group& g : groups(x)) {
    if (has_class(g, c)) out.push_back(g);
  }
  return out;
}

inline const Group* by_id(const std::vector<Group>& gs, const std::string& id) {
  for (const Group& g : gs) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

// Decoded contents of every <text> element in a piece of SVG.
inline std::vector<std::string> texts(const std::string& x) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while ((p = x.find("<text", p)) != std::string::npos) {
    const std::size_t s = x.find('>', p) + 1;
    const std::size_t e = x.find("</text>", s);
    out.push_back(decode(x.substr(s, e - s)));
    p = e;
  }
  return out;
}

// Every text of an SVG, one per line (for substring checks).
inline std::string all_text(const std::string& svg) {
  std::string out;
  for (const std::string& t : texts(svg)) out += t + "\n";
  return out;
}

struct Box {
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  bool empty() const { return x0 > x1; }
  double cx() const { return (x0 + x1) / 2; }
  void add(double x, double y) {
    x0 = std::min(x0, x); x1 = std::max(x1, x); y0 = std::min(y0, y); y1 = std::max(y1, y);
  }
};

// Bounding box of the shapes (path d, polygon points, ellipse) in a group's body, ignoring text.
inline Box shape_box(const std::string& body) {
  Box b;
  auto numbers = [](const std::string& s) {
    std::vector<double> v;
    const char* c = s.c_str();
    while (*c) {
      if (std::isdigit(static_cast<unsigned char>(*c)) || *c == '-' || *c == '.') {
        char* end = nullptr;
        v.push_back(std::strtod(c, &end));
        c = end;
      } else {
        ++c;
      }
    }
    return v;
  };
  std::size_t p = 0;
  while ((p = body.find('<', p)) != std::string::npos) {
    const std::size_t e = body.find('>', p);
    const std::string tag = body.substr(p, e - p);
    std::vector<double> v;
    if (tag.rfind("<path", 0) == 0) v = numbers(attr(tag, "d"));
    else if (tag.rfind("<polygon", 0) == 0) v = numbers(attr(tag, "points"));
    else if (tag.rfind("<ellipse", 0) == 0) {
      const double cx = std::strtod(attr(tag, "cx").c_str(), nullptr), cy = std::strtod(attr(tag, "cy").c_str(), nullptr);
      const double rx = std::strtod(attr(tag, "rx").c_str(), nullptr), ry = std::strtod(attr(tag, "ry").c_str(), nullptr);
      v = {cx - rx, cy - ry, cx + rx, cy + ry};
    }
    for (std::size_t k = 0; k + 1 < v.size(); k += 2) b.add(v[k], v[k + 1]);
    p = e;
  }
  return b;
}

inline std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace svgcheck
