// Test helpers: read the boxes of a finished layout back from Graphviz's own "xdot" output (the
// laid-out graph with drawing operations), so overlap tests check what Graphviz actually placed,
// with its real font metrics: node boxes from pos/width/height, edge-label boxes from the text
// operation in _ldraw_ ("T x y align width n -text"), the graph label from lp/lwidth/lheight.
// Parsing goes through cgraph (agmemread); call only while no render runs on another thread.
#pragma once

#include <graphviz/cgraph.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace layoutcheck {

struct Box {
  std::string what;   // "node n_org_a", "edge label e_3", "graph label"
  double x0, y0, x1, y1;
};

inline bool overlap(const Box& a, const Box& b, double eps = 0.5) {
  return a.x0 + eps < b.x1 && b.x0 + eps < a.x1 && a.y0 + eps < b.y1 && b.y0 + eps < a.y1;
}

inline const char* get(void* obj, const char* name) {
  const char* v = agget(obj, const_cast<char*>(name));
  return v == nullptr ? "" : v;
}

// Boxes of the text operations in an xdot draw string (_ldraw_): for each "F size n -font" then
// "T x y j w n -text", a box w wide and `size` high around the baseline point.
inline std::vector<Box> text_boxes(const std::string& ops, const std::string& what) {
  std::vector<Box> out;
  std::istringstream in(ops);
  std::string op;
  double font = 14;
  auto skip_text = [&in]() {   // "n -bytes": n bytes after the '-'
    std::size_t n = 0;
    in >> n;
    in.ignore(2);              // " -"
    std::string s(n, '\0');
    in.read(s.data(), static_cast<std::streamsize>(n));
    return s;
  };
  while (in >> op) {
    if (op == "F") {
      in >> font;
      skip_text();
    } else if (op == "T") {
      double x, y, w;
      int j;
      in >> x >> y >> j >> w;
      skip_text();
      const double x0 = j == -1 ? x : j == 1 ? x - w : x - w / 2;
      out.push_back({what, x0, y - font * 0.25, x0 + w, y + font * 0.8});
    } else if (op == "c" || op == "C" || op == "S") {
      skip_text();
    } else if (op == "t") {
      int flags;
      in >> flags;
    } else {
      return out;   // an operation we do not need (shapes are not drawn in _ldraw_)
    }
  }
  return out;
}

struct Layout {
  std::vector<Box> nodes;        // every node's bounding box (label nodes included)
  std::vector<Box> edge_labels;  // labels that Graphviz placed on edges
  std::vector<Box> graph_label;  // title / legend block
  std::string error;
};

inline Layout read_xdot(const std::string& xdot) {
  Layout out;
  Agraph_t* g = agmemread(xdot.c_str());
  if (g == nullptr) {
    out.error = "xdot does not parse";
    return out;
  }
  for (Agnode_t* n = agfstnode(g); n != nullptr; n = agnxtnode(g, n)) {
    double x = 0, y = 0;
    if (std::sscanf(get(n, "pos"), "%lf,%lf", &x, &y) != 2) continue;
    const double w = std::atof(get(n, "width")) * 72, h = std::atof(get(n, "height")) * 72;
    if (std::string(get(n, "style")).find("invis") != std::string::npos) continue;
    out.nodes.push_back({std::string("node ") + agnameof(n), x - w / 2, y - h / 2, x + w / 2, y + h / 2});
    for (Agedge_t* e = agfstout(g, n); e != nullptr; e = agnxtout(g, e)) {
      const std::string ops = get(e, "_ldraw_");
      if (ops.empty()) continue;
      for (const Box& b : text_boxes(ops, std::string("edge label ") + get(e, "id"))) out.edge_labels.push_back(b);
    }
  }
  double x = 0, y = 0;
  if (std::sscanf(get(g, "lp"), "%lf,%lf", &x, &y) == 2) {
    const double w = std::atof(get(g, "lwidth")) * 72, h = std::atof(get(g, "lheight")) * 72;
    out.graph_label.push_back({"graph label", x - w / 2, y - h / 2, x + w / 2, y + h / 2});
  }
  agclose(g);
  return out;
}

// First overlap between any two of the boxes (nodes, edge labels, graph label), or "".
inline std::string first_overlap(const Layout& l) {
  std::vector<Box> all = l.nodes;
  all.insert(all.end(), l.edge_labels.begin(), l.edge_labels.end());
  all.insert(all.end(), l.graph_label.begin(), l.graph_label.end());
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      if (overlap(all[i], all[j])) return all[i].what + " overlaps " + all[j].what;
    }
  }
  return {};
}

}  // namespace layoutcheck
