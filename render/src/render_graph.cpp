// The relationship diagram: entities as typed, importance-sized nodes, relations as labelled edges.
//
// SVG handles (stable across runs, for tests and CSS):
//   node  <g id="n_<entity id, [A-Za-z0-9_-]>" class="node <per|org|loc|misc|other> [hub]">
//   edge  <g id="e_<index in sorted order>" class="edge <type> [<qualifier words>] [weak] [directed]">
//   with neato/sfdp (more than 40 entities) a labelled relation is drawn as two halves with the
//   label as a node between them: e_<i> (source to label), el_<i> class "edge-label <type> ...",
//   e_<i>_to class "edge-tail <type> ..." (label to target, carries the arrow).
//   component  <g id="comp_<k>" class="cluster component comp-<k>"> (dot, several components);
//   every node also has the class comp-<k> (0 = largest component).
//   note  <g id="empty" class="node empty-note"> when there is nothing to draw.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "gv.hpp"
#include "storyline/render/render.hpp"
#include "style.hpp"
#include "text.hpp"

namespace storyline::render {
namespace {

using namespace detail;

constexpr std::size_t kMaxNodes = 1500;   // beyond this, keep the most important entities
constexpr std::size_t kDotUpTo = 40;          // dot places edge labels without overlaps
constexpr std::size_t kCurvedEdgesUpTo = 50;
constexpr std::size_t kNeatoUpTo = 400;
constexpr std::size_t kPolyominoUpTo = 100;   // components packed as polyominoes; more go in rows
constexpr std::size_t kPngSizeFrom = 150;

struct PreparedNode {
  const graph::Node* node;
  std::string gv_name;     // also the SVG id
  double importance = 0;   // 0..1
};

struct PreparedEdge {
  const graph::Edge* edge;
  std::size_t source;      // index into nodes
  std::size_t target;
};

std::string words(std::string s) {
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

bool has_word(const std::string& text, const std::string& word) {
  std::string lower;
  for (char c : text) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  std::size_t pos = 0;
  while ((pos = lower.find(word, pos)) != std::string::npos) {
    const bool left = pos == 0 || !std::isalnum(static_cast<unsigned char>(lower[pos - 1]));
    const std::size_t e = pos + word.size();
    const bool right = e >= lower.size() || !std::isalnum(static_cast<unsigned char>(lower[e]));
    if (left && right) return true;
    pos = e;
  }
  return false;
}

bool is_weak(const graph::Edge& e) { return e.type == "co_occurs"; }
bool is_former(const graph::Edge& e) { return has_word(e.qualifier, "former"); }

// "former CEO" for a role with a title; "partner of (former)" otherwise; nothing for the weak
// co-occurrence edges (the legend explains them; labels on them are mostly clutter).
std::string relation_label(const graph::Edge& e) {
  const std::string q = clean_text(e.qualifier);
  if (is_weak(e)) return {};
  if (e.type == "role_of" && !q.empty() && q != "former") return q;
  std::string label = words(clean_text(e.type));
  if (!q.empty()) label += " (" + q + ")";
  return label;
}

// The sentence quoted and its document; without the sentence's text (a story read from extract
// JSON keeps only where each fact was read), the document and the sentence's number.
std::string evidence_line(const graph::EvidenceRef& ev) {
  std::string s = ellipsize(clean_text(ev.sentence_text), 300);
  if (s.empty()) return ev.doc.empty() ? std::string() : evidence_place(ev.doc, ev.sentence);
  std::string out = "\xE2\x80\x9C" + s + "\xE2\x80\x9D";   // “…”
  if (!ev.doc.empty()) out += " [" + clean_text(ev.doc) + "]";
  return out;
}

// Tooltip: a headline line, then up to two evidence sentences. Built from clean text, then made
// Graphviz-safe in one go; "\n" separators are added afterwards so they stay escapes.
// `total`: every telling, when the graph kept only the first ones (graph::kEvidenceKept).
std::string tooltip(const std::string& head, const std::vector<graph::EvidenceRef>& evidence, std::size_t total) {
  std::string out = gv_text(head);
  std::size_t shown = 0;
  for (const graph::EvidenceRef& ev : evidence) {
    const std::string line = evidence_line(ev);
    if (line.empty()) continue;
    out += "\\n" + gv_text(line);
    if (++shown == 2) break;
  }
  const std::size_t all = std::max(total, evidence.size());
  if (all > shown && shown > 0) {
    out += "\\n(+" + std::to_string(all - shown) + " more)";
  }
  return out;
}

void compute_importance(std::vector<PreparedNode>& nodes) {
  double max_b = 0, max_d = 0, max_m = 0;
  for (const PreparedNode& p : nodes) {
    max_b = std::max(max_b, p.node->betweenness);
    max_d = std::max(max_d, p.node->degree);
    max_m = std::max(max_m, static_cast<double>(p.node->mentions));
  }
  // Betweenness says who connects the story; degree and mentions who is in it a lot.
  const double wb = max_b > 0 ? 0.5 : 0, wd = max_d > 0 ? 0.3 : 0, wm = max_m > 0 ? 0.2 : 0;
  const double total = wb + wd + wm;
  for (PreparedNode& p : nodes) {
    if (total == 0) { p.importance = 0; continue; }
    double v = 0;
    if (wb > 0) v += wb * std::max(0.0, p.node->betweenness) / max_b;
    if (wd > 0) v += wd * std::max(0.0, p.node->degree) / max_d;
    if (wm > 0) v += wm * std::max(0, p.node->mentions) / max_m;
    p.importance = std::clamp(v / total, 0.0, 1.0);
  }
}

struct Plan {
  std::vector<PreparedNode> nodes;
  std::vector<PreparedEdge> edges;
  std::size_t dropped_nodes = 0;
  std::vector<std::size_t> component;   // per node: 0 = largest component, ties by first node
  std::size_t components = 0;
};

// Connected components of what is drawn (not of the input graph: filters and the node cap change
// them). Numbered by size, then by their first node in id order, so numbering is stable.
void compute_components(Plan& plan) {
  const std::size_t n = plan.nodes.size();
  std::vector<std::size_t> parent(n);
  for (std::size_t i = 0; i < n; ++i) parent[i] = i;
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const PreparedEdge& e : plan.edges) {
    const std::size_t a = find(e.source), b = find(e.target);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
  std::map<std::size_t, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < n; ++i) members[find(i)].push_back(i);
  std::vector<const std::vector<std::size_t>*> order;
  for (const auto& [root, list] : members) order.push_back(&list);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->size() > b->size(); });
  plan.component.assign(n, 0);
  for (std::size_t k = 0; k < order.size(); ++k) {
    for (std::size_t i : *order[k]) plan.component[i] = k;
  }
  plan.components = order.size();
}

Plan prepare(const graph::KnowledgeGraph& kg, std::vector<std::string>& notes) {
  Plan plan;
  // Sorted by id, first occurrence wins: the insertion order fixes the output bytes.
  std::vector<const graph::Node*> sorted;
  for (const graph::Node& n : kg.nodes) sorted.push_back(&n);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const graph::Node* a, const graph::Node* b) { return a->id < b->id; });
  std::set<std::string> seen;
  for (const graph::Node* n : sorted) {
    if (!seen.insert(n->id).second) {
      notes.push_back("duplicate node id '" + clean_text(n->id) + "' ignored");
      continue;
    }
    plan.nodes.push_back({n, {}, 0});
  }
  compute_importance(plan.nodes);

  if (plan.nodes.size() > kMaxNodes) {
    std::vector<std::size_t> order(plan.nodes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return plan.nodes[a].importance > plan.nodes[b].importance;
    });
    std::vector<bool> keep(plan.nodes.size(), false);
    for (std::size_t i = 0; i < kMaxNodes; ++i) keep[order[i]] = true;
    std::vector<PreparedNode> kept;
    for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
      if (keep[i]) kept.push_back(plan.nodes[i]);
    }
    plan.dropped_nodes = plan.nodes.size() - kept.size();
    notes.push_back("showing the " + std::to_string(kMaxNodes) + " most important of " +
                    std::to_string(plan.nodes.size()) + " entities");
    plan.nodes = std::move(kept);
  }

  // Stable, collision-free ids: "org:a" and "org_a" both sanitise to "n_org_a".
  std::set<std::string> used;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    std::string base = "n_" + id_token(plan.nodes[i].node->id);
    std::string name = base;
    for (int k = 2; !used.insert(name).second; ++k) name = base + "_" + std::to_string(k);
    plan.nodes[i].gv_name = name;
    index[plan.nodes[i].node->id] = i;
  }

  std::vector<const graph::Edge*> edges;
  for (const graph::Edge& e : kg.edges) edges.push_back(&e);
  std::stable_sort(edges.begin(), edges.end(), [](const graph::Edge* a, const graph::Edge* b) {
    return std::tie(a->source, a->target, a->type, a->qualifier) <
           std::tie(b->source, b->target, b->type, b->qualifier);
  });
  std::size_t missing = 0;
  for (const graph::Edge* e : edges) {
    auto s = index.find(e->source), t = index.find(e->target);
    if (s == index.end() || t == index.end()) { ++missing; continue; }
    plan.edges.push_back({e, s->second, t->second});
  }
  if (missing > 0 && plan.dropped_nodes == 0) {
    notes.push_back(std::to_string(missing) + " relation(s) refer to unknown entities and were left out");
  }
  compute_components(plan);
  return plan;
}

// dot for a few entities; past that neato, or sfdp when the nodes it would lay out (entities, and
// a node per labelled relation: see below) are too many for neato's time, which grows with their square.
const char* engine_for(std::size_t nodes, std::size_t labelled_edges) {
  if (nodes <= kDotUpTo) return "dot";
  return nodes + labelled_edges <= kNeatoUpTo ? "neato" : "sfdp";
}

// Title, a one-line summary and the key, as one HTML-like graph label at the top.
std::string header_html(const std::string& title, const std::string& note, const Plan& plan, const Theme& th) {
  std::set<std::string> types;
  bool any_typed = false, any_former = false, any_weak = false, any_directed = false;
  for (const PreparedNode& p : plan.nodes) types.insert(p.node->type);
  for (const PreparedEdge& e : plan.edges) {
    if (is_weak(*e.edge)) any_weak = true; else any_typed = true;
    if (is_former(*e.edge)) any_former = true;
    if (e.edge->directed) any_directed = true;
  }
  std::string key;
  for (const char* t : {"PER", "ORG", "LOC", "MISC"}) {
    if (!types.count(t)) continue;
    const TypeStyle& s = th.type_style(t);
    key += std::string("<TD BGCOLOR=\"") + s.fill + "\" COLOR=\"" + s.stroke +
           "\" BORDER=\"1\" CELLPADDING=\"3\"><FONT POINT-SIZE=\"9\" COLOR=\"" + th.text + "\">" +
           s.label + "</FONT></TD>";
  }
  bool other = false;
  for (const std::string& t : types) other |= t != "PER" && t != "ORG" && t != "LOC" && t != "MISC";
  if (other) {
    key += std::string("<TD BGCOLOR=\"") + th.other.fill + "\" COLOR=\"" + th.other.stroke +
           "\" BORDER=\"1\" CELLPADDING=\"3\"><FONT POINT-SIZE=\"9\" COLOR=\"" + th.text +
           "\">Unknown</FONT></TD>";
  }
  auto line_key = [&](const char* glyph, const char* colour, const char* text) {
    key += std::string("<TD><FONT POINT-SIZE=\"9\" COLOR=\"") + colour + "\">" + glyph +
           "</FONT><FONT POINT-SIZE=\"9\" COLOR=\"" + th.muted + "\"> " + text + "</FONT></TD>";
  };
  if (any_typed) line_key("\xE2\x94\x81\xE2\x94\x81", th.edge, "relation");               // ━━
  if (any_directed) line_key("\xE2\x94\x81\xE2\x96\xB6", th.edge, "directed");            // ━▶
  if (any_former) line_key("\xE2\x95\x8D\xE2\x95\x8D", th.edge, "former");                // ╍╍
  if (any_weak) line_key("\xE2\x95\x8D\xE2\x95\x8D", th.weak_edge, "mentioned together");

  std::string summary = std::to_string(plan.nodes.size()) +
                        (plan.nodes.size() == 1 ? " entity" : " entities") + " \xC2\xB7 " +
                        std::to_string(plan.edges.size()) +
                        (plan.edges.size() == 1 ? " relation" : " relations");
  if (!plan.nodes.empty()) summary += " \xC2\xB7 larger = more central to the story";

  std::string html = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"4\" CELLPADDING=\"0\">";
  if (!title.empty()) {
    html += std::string("<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"18\" COLOR=\"") + th.text +
            "\"><B>" + xml_escape(ellipsize(clean_text(title), 120)) + "</B></FONT></TD></TR>";
  }
  html += std::string("<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\" COLOR=\"") + th.muted + "\">" +
          summary + "</FONT></TD></TR>";
  if (!note.empty()) {
    html += std::string("<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\" COLOR=\"") + th.text + "\"><I>" +
            xml_escape(ellipsize(clean_text(note), 200)) + "</I></FONT></TD></TR>";
  }
  if (!key.empty()) {
    html += "<TR><TD ALIGN=\"LEFT\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"6\" "
            "CELLPADDING=\"0\"><TR>" + key + "</TR></TABLE></TD></TR>";
  }
  html += "</TABLE>";
  return html;
}

}  // namespace

Result<std::string> render_graph(const graph::KnowledgeGraph& kg, const RenderOptions& options) {
  if (auto err = check_options(options)) return *err;
  const Theme th = *theme_named(options.theme);
  std::vector<std::string> notes;
  const Plan plan = prepare(kg, notes);
  const std::size_t n = plan.nodes.size();
  std::size_t labelled = 0;
  for (const PreparedEdge& pe : plan.edges) labelled += !relation_label(*pe.edge).empty();
  const char* engine = engine_for(n, labelled);
  const std::string title = clean_text(options.title.empty() ? kg.title : options.title);

  GvSession session(options.diagnostics);
  for (const std::string& note : notes) session.note(note);
  GvContext ctx;   // before agopen: it pre-declares node label="\N"
  if (const std::string problem = check_plugins(ctx, engine, options.format); !problem.empty()) {
    return Error{"render.graphviz", problem};
  }
  GvGraph gg("storyline_graph", /*directed=*/true);
  if (!gg) return Error{"render.graphviz", session.messages_or("agopen failed")};
  Agraph_t* g = gg.get();

  // Graph-wide defaults first (agattr), so per-object sets never change anyone else's default.
  default_attr(g, AGRAPH, "fontname", kFont);
  default_attr(g, AGRAPH, "bgcolor", th.background);
  default_attr(g, AGRAPH, "fontcolor", th.text);
  default_attr(g, AGRAPH, "pad", "0.3");
  default_attr(g, AGRAPH, "labelloc", "t");
  default_attr(g, AGRAPH, "labeljust", "l");
  default_attr(g, AGRAPH, "outputorder", "edgesfirst");
  default_attr(g, AGRAPH, "overlap", "false");
  default_attr(g, AGRAPH, "splines", n <= kCurvedEdgesUpTo ? "true" : "line");
  default_attr(g, AGRAPH, "sep", "+14");
  default_attr(g, AGRAPH, "esep", "+8");
  // dot lays out components together (and draws them as clusters below); its pack mode in 2.42
  // drops or misplaces edge labels (found by the overlap test: 2 of 15 labels drawn, far away).
  if (std::string(engine) != "dot") default_attr(g, AGRAPH, "pack", "true");
  // Polyomino packing (the default) fits components together in time that grows with the square of
  // their number (a thousand loose entities: 10 s); past kPolyominoUpTo they go in rows instead.
  if (std::string(engine) != "dot" && plan.components > kPolyominoUpTo) default_attr(g, AGRAPH, "packmode", "array");
  default_attr(g, AGRAPH, "id", "storyline-graph");
  default_attr(g, AGRAPH, "class", "storyline relationship-diagram " + th.name);
  if (std::string(engine) == "dot") {
    default_attr(g, AGRAPH, "rankdir", "TB");
    default_attr(g, AGRAPH, "nodesep", "0.35");
    default_attr(g, AGRAPH, "ranksep", "0.55");
    default_attr(g, AGRAPH, "nslimit", "20");
    default_attr(g, AGRAPH, "nslimit1", "20");
  }
  if (std::string(engine) == "neato") {
    default_attr(g, AGRAPH, "mode", "major");
    default_attr(g, AGRAPH, "epsilon", "0.0001");
  }
  if (options.format == "png") {
    default_attr(g, AGRAPH, "dpi", num(options.dpi));
    if (n >= kPngSizeFrom) default_attr(g, AGRAPH, "size", "30,30");
  }
  default_attr(g, AGNODE, "fontname", kFont);
  default_attr(g, AGNODE, "fontsize", "11");
  default_attr(g, AGNODE, "fontcolor", th.text);
  default_attr(g, AGNODE, "margin", "0.12,0.05");
  default_attr(g, AGNODE, "penwidth", "1.2");
  default_attr(g, AGEDGE, "fontname", kFont);
  default_attr(g, AGEDGE, "fontsize", "9");
  default_attr(g, AGEDGE, "fontcolor", th.muted);
  default_attr(g, AGEDGE, "color", th.edge);
  default_attr(g, AGEDGE, "arrowsize", "0.7");
  default_attr(g, AGEDGE, "dir", "none");
  if (n > kCurvedEdgesUpTo) default_attr(g, AGEDGE, "len", "1.3");

  set_html_label(g, g, header_html(title, options.note, plan, th));

  if (n == 0) {
    Agnode_t* note = add_node(g, "empty");
    if (note == nullptr) return Error{"render.graphviz", session.messages_or("agnode failed")};
    set_attr(note, "id", "empty");
    set_attr(note, "class", "empty-note");
    set_attr(note, "shape", "plaintext");
    set_attr(note, "fontcolor", th.muted);
    set_attr(note, "label", "Nothing to show \xE2\x80\x94 no entities were found.");
  }

  // dot draws clusters: one faint box per connected component with two or more entities, when
  // there is more than one component. neato/sfdp pack components apart (pack=true) instead; the
  // class comp-<k> on every node lets a page style them either way.
  const bool is_dot = std::string(engine) == "dot";
  std::vector<Agraph_t*> clusters(plan.components, nullptr);
  if (is_dot && plan.components > 1) {
    std::vector<std::size_t> sizes(plan.components, 0);
    for (std::size_t c : plan.component) ++sizes[c];
    for (std::size_t k = 0; k < plan.components; ++k) {
      if (sizes[k] < 2) continue;
      const std::string name = "cluster_comp_" + std::to_string(k);
      Agraph_t* sg = agsubg(g, const_cast<char*>(name.c_str()), 1);
      if (sg == nullptr) return Error{"render.graphviz", session.messages_or("agsubg failed")};
      set_attr(sg, "id", "comp_" + std::to_string(k));
      set_attr(sg, "class", "component comp-" + std::to_string(k));
      set_attr(sg, "style", "rounded,dashed");
      set_attr(sg, "color", th.grid);
      set_attr(sg, "penwidth", "0.8");
      set_attr(sg, "label", "");
      set_attr(sg, "margin", "12");
      clusters[k] = sg;
    }
  }

  std::vector<Agnode_t*> handles;
  handles.reserve(n);
  for (std::size_t idx = 0; idx < plan.nodes.size(); ++idx) {
    const PreparedNode& p = plan.nodes[idx];
    const graph::Node& node = *p.node;
    Agraph_t* home = clusters.empty() ? nullptr : clusters[plan.component[idx]];
    Agnode_t* v = add_node(home != nullptr ? home : g, p.gv_name);
    if (v == nullptr) return Error{"render.graphviz", session.messages_or("agnode failed")};
    handles.push_back(v);
    const TypeStyle& s = th.type_style(node.type);
    std::string name = ellipsize(clean_text(node.name.empty() ? node.id : node.name), 40);
    if (name.empty()) name = "?";
    std::string cls = class_token(node.type.empty() ? "other" : node.type);
    if (cls != "per" && cls != "org" && cls != "loc" && cls != "misc") cls = "other " + cls;
    if (p.importance >= 0.66) cls += " hub";
    cls += " comp-" + std::to_string(plan.component[idx]);
    set_attr(v, "id", p.gv_name);
    set_attr(v, "class", cls);
    set_attr(v, "label", gv_text(name));
    set_attr(v, "shape", s.shape);
    set_attr(v, "style", s.style);
    set_attr(v, "fillcolor", s.fill);
    set_attr(v, "color", s.stroke);
    set_attr(v, "fontsize", num(10.5 + 9.5 * p.importance, 1));
    set_attr(v, "penwidth", num(1.0 + 1.5 * p.importance, 2));
    std::string head = name + " \xE2\x80\x94 " + clean_text(node.type);
    head += " \xC2\xB7 " + std::to_string(node.mentions) +
            (node.mentions == 1 ? " mention" : " mentions");
    set_attr(v, "tooltip", tooltip(head, node.evidence, node.evidence_total));
  }

  for (std::size_t i = 0; i < plan.edges.size(); ++i) {
    const PreparedEdge& pe = plan.edges[i];
    const graph::Edge& e = *pe.edge;
    const std::string label = relation_label(e);
    // neato/sfdp place edge labels at the midpoint without looking at anything else, so there a
    // label becomes a small node of its own on the way (A - label - B) that overlap removal keeps
    // clear of every other node and label. dot routes labels itself without overlaps.
    Agnode_t* label_node = nullptr;
    if (!is_dot && !label.empty()) {
      label_node = add_node(g, "el_" + std::to_string(i));
      if (label_node == nullptr) return Error{"render.graphviz", session.messages_or("agnode failed")};
    }
    Agedge_t* ed = add_edge(g, handles[pe.source], label_node != nullptr ? label_node : handles[pe.target],
                            "e_" + std::to_string(i));
    if (ed == nullptr) return Error{"render.graphviz", session.messages_or("agedge failed")};
    Agedge_t* tail = nullptr;
    if (label_node != nullptr) {
      tail = add_edge(g, label_node, handles[pe.target], "e_" + std::to_string(i) + "_to");
      if (tail == nullptr) return Error{"render.graphviz", session.messages_or("agedge failed")};
    }
    const bool weak = is_weak(e), former = is_former(e);
    std::string cls = class_token(e.type.empty() ? "relation" : e.type);
    std::string q = clean_text(e.qualifier);
    for (std::size_t a = 0; a < q.size();) {
      std::size_t b = q.find(' ', a);
      if (b == std::string::npos) b = q.size();
      const std::string word = class_token(q.substr(a, b - a));
      if (!word.empty()) cls += " " + word;
      a = b + 1;
    }
    if (weak) cls += " weak";
    if (e.directed) cls += " directed";
    set_attr(ed, "id", "e_" + std::to_string(i));
    set_attr(ed, "class", cls);
    if (!label.empty() && label_node == nullptr) set_attr(ed, "label", gv_text(ellipsize(label, 40)));
    const double w = std::max(1.0, std::isfinite(e.weight) ? e.weight : 1.0);
    const double pen = std::min(5.0, 1.0 + 1.2 * std::log2(w));
    set_attr(ed, "penwidth", num(weak ? std::max(0.8, pen * 0.7) : pen + 0.2, 2));
    if (weak) set_attr(ed, "color", th.weak_edge);
    if (weak || former) set_attr(ed, "style", "dashed");
    if (e.directed) set_attr(ed, "dir", "forward");
    const graph::Node& s = *plan.nodes[pe.source].node;
    const graph::Node& t = *plan.nodes[pe.target].node;
    std::string head = clean_text(s.name) + (e.directed ? " \xE2\x86\x92 " : " \xE2\x80\x94 ") +
                       clean_text(t.name) + ": " +
                       (weak ? std::string("mentioned together") : words(clean_text(e.type)));
    if (!q.empty() && !weak) head += " (" + q + ")";
    if (e.weight > 1) head += " \xC2\xB7 weight " + num(e.weight, 2);
    const std::string tip = tooltip(head, e.evidence, e.evidence_total);
    set_attr(ed, "tooltip", tip);
    if (label_node != nullptr) {
      set_attr(label_node, "id", "el_" + std::to_string(i));
      set_attr(label_node, "class", "edge-label " + cls);
      set_attr(label_node, "shape", "plaintext");
      set_attr(label_node, "style", "");
      set_attr(label_node, "margin", "0.02,0.01");
      set_attr(label_node, "width", "0");
      set_attr(label_node, "height", "0");
      set_attr(label_node, "fontsize", "9");
      set_attr(label_node, "fontcolor", th.muted);
      set_attr(label_node, "label", gv_text(ellipsize(label, 40)));
      set_attr(label_node, "tooltip", tip);
      set_attr(tail, "id", "e_" + std::to_string(i) + "_to");
      set_attr(tail, "class", "edge-tail " + cls);
      set_attr(tail, "tooltip", tip);
      for (const char* a : {"penwidth", "color", "style"}) {
        const char* v = agget(ed, const_cast<char*>(a));
        if (v != nullptr && *v != '\0') set_attr(tail, a, v);
      }
      // The arrow belongs at the target: the first half never has one.
      if (e.directed) { set_attr(tail, "dir", "forward"); set_attr(ed, "dir", "none"); }
      set_attr(ed, "len", "0.7");
      set_attr(tail, "len", "0.7");
    }
  }

  GvLayout layout(ctx, gg, engine);
  if (!layout) {
    return Error{"render.layout", std::string("Graphviz layout '") + engine +
                                      "' failed: " + session.messages_or("gvLayout returned an error")};
  }
  return render_bytes(session, ctx, gg, options.format);
}

}  // namespace storyline::render
