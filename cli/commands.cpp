#include "commands.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "io.hpp"
#include "storyline/extractor/extractor.hpp"
#include "storyline/graph/graph.hpp"
#include "storyline/render/render.hpp"

namespace storyline::cli {
namespace {

void fail(const std::string& msg) { std::cerr << "storyline: error: " << msg << "\n"; }

}  // namespace

// Options -> rules -> inputs -> extractions. Returns nullopt after reporting a fatal problem.
std::optional<Loaded> load_and_extract(const Common& c) {
  if (!c.date.empty() && !valid_date(c.date)) {
    fail("--date '" + c.date + "' is not a calendar date in the form YYYY-MM-DD");
    return std::nullopt;
  }
  extractor::RuleDirs dirs = extractor::RuleDirs::defaults();
  for (const auto& r : c.rules) dirs.add(r);
  auto ex = extractor::Extractor::load(dirs);
  if (!ex) {
    fail(ex.error().message);
    return std::nullopt;
  }
  InputOptions io;
  if (!c.date.empty()) io.date = c.date;
  io.jsonl = c.jsonl;
  io.max_bytes = c.max_bytes;
  std::vector<std::string> problems;
  Loaded l;
  l.docs = read_inputs(c.inputs, io, problems);
  for (const auto& p : problems) fail(p);
  l.problems = !problems.empty();
  if (l.problems && !c.keep_going) {
    fail("stopped at the first bad input (--no-keep-going); nothing written");
    return std::nullopt;
  }
  if (l.docs.empty()) return std::nullopt;
  bool progress = !c.quiet && stderr_is_tty() && l.docs.size() > 1;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < l.docs.size(); ++i) {
    const InputDoc& d = l.docs[i];
    extractor::DocumentInfo info;
    info.id = d.id;
    info.source = d.source;
    info.date = d.date;
    info.date_source = d.date_source;
    std::size_t cut = 0;
    extractor::ExtractOptions eo;
    eo.max_sentence_tokens = c.max_sentence_tokens;
    eo.sentences_cut = &cut;
    l.extractions.push_back(ex->extract(d.text, info, eo));
    if (cut > 0 && !c.quiet)
      std::cerr << "storyline: warning: " << d.source << ": " << cut << " sentence(s) longer than "
                << c.max_sentence_tokens << " tokens cut into pieces (see --max-sentence-tokens)\n";
    bytes += d.text.size();
    if (progress && (i % 16 == 15 || i + 1 == l.docs.size()))
      std::cerr << "\rstoryline: " << (i + 1) << "/" << l.docs.size() << " documents, " << bytes / 1000000.0
                << " MB" << std::flush;
  }
  if (progress) std::cerr << "\n";
  return l;
}

// The first line of a single article when it reads like a headline.
std::string headline(const std::vector<InputDoc>& docs) {
  if (docs.size() != 1) return std::to_string(docs.size()) + " documents";
  const std::string& t = docs[0].text;
  std::size_t b = t.find_first_not_of(" \t\r\n");
  std::size_t e = t.find('\n', b);
  std::string first = t.substr(b, e == std::string::npos ? std::string::npos : e - b);
  while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.pop_back();
  bool sentence = !first.empty() && (first.back() == '.' || first.back() == '!' || first.back() == '?');
  if (first.size() <= 120 && !sentence) return first;
  return docs[0].id;
}

graph::KnowledgeGraph story_graph(const std::vector<graph::DocumentInput>& inputs, const DiagramOptions& o,
                                  const std::string& title) {
  graph::KnowledgeGraph g = graph::build_graph(inputs);
  g.title = title;
  if (o.no_cooccurrence)
    g.edges.erase(std::remove_if(g.edges.begin(), g.edges.end(),
                                 [](const graph::Edge& e) { return e.type == "co_occurs"; }),
                  g.edges.end());
  graph::compute_analytics(g);
  graph::FilterOptions fo;
  fo.min_weight = o.min_weight;
  fo.top = o.top;
  fo.focus = o.focus;
  fo.depth = o.depth;
  if (o.top || o.min_weight > 0 || !o.focus.empty() || o.no_cooccurrence) g = graph::filter_graph(g, fo);
  return g;
}

graph::Timeline story_timeline(const std::vector<graph::DocumentInput>& inputs, const DiagramOptions& o,
                               const std::string& title) {
  graph::Timeline t = graph::build_timeline(inputs);
  t.title = title;
  return graph::filter_timeline(t, o.from_year, o.to_year, o.all_modalities);
}

namespace {

std::string safe_file_name(const std::string& id) {
  std::string out;
  for (char ch : id) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
              ch == '_' || ch == '.';
    out.push_back(ok ? ch : '_');
  }
  while (!out.empty() && out.front() == '.') out.front() = '_';
  if (out.size() > 200) out.resize(200);   // file names are limited to 255 bytes
  return out.empty() ? "_" : out;
}

}  // namespace

int run_extract(const Common& c, const ExtractOptions& o) {
  auto loaded = load_and_extract(c);
  if (!loaded) return 1;
  int status = loaded->problems ? 1 : 0;
  if (!o.out_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.out_dir, ec)) {
      fail(o.out_dir + ": output folder does not exist");
      return 1;
    }
    std::set<std::string> used;   // "a/b" and "a_b" must not overwrite each other
    for (const auto& x : loaded->extractions) {
      std::string base = safe_file_name(x.document.id), name = base;
      for (int k = 2; !used.insert(name).second; ++k) name = base + "-" + std::to_string(k);
      std::string path = (std::filesystem::path(o.out_dir) / (name + ".json")).string();
      auto w = write_output(path, extractor::to_json(x) + "\n");
      if (!w) {
        fail(w.error().message);
        status = 1;
      }
    }
    return status;
  }
  std::string out;
  bool lines = o.compact || loaded->extractions.size() > 1 || extension_of(c.output) == "jsonl";
  for (const auto& x : loaded->extractions) out += extractor::to_json(x, lines ? -1 : 2) + "\n";
  auto w = write_output(c.output, out);
  if (!w) {
    fail(w.error().message);
    return 1;
  }
  return status;
}

int run_diagram(const Common& c, const DiagramOptions& o, Diagram which) {
  std::string format = o.format.empty() ? extension_of(c.output) : o.format;
  if (format.empty()) format = "svg";
  static const std::vector<std::string> graph_formats = {"svg", "png", "pdf", "dot", "gv", "json", "graphml", "csv"};
  static const std::vector<std::string> timeline_formats = {"svg", "png", "pdf", "dot", "gv", "json", "timelinejs"};
  const auto& allowed = which == Diagram::graph ? graph_formats : timeline_formats;
  if (std::find(allowed.begin(), allowed.end(), format) == allowed.end()) {
    std::string list;
    for (const auto& f : allowed) list += (list.empty() ? "" : ", ") + f;
    fail("unknown output format '" + format + "' (use one of: " + list + ")");
    return 2;
  }
  if (format == "gv") format = "dot";
  auto loaded = load_and_extract(c);
  if (!loaded) return 1;
  int status = loaded->problems ? 1 : 0;
  std::vector<graph::DocumentInput> inputs;
  for (std::size_t i = 0; i < loaded->docs.size(); ++i)
    inputs.push_back({&loaded->extractions[i], &loaded->docs[i].text});
  std::string title = o.title.empty() ? headline(loaded->docs) : o.title;
  std::vector<std::string> diagnostics;
  render::RenderOptions ro;
  ro.format = format;
  ro.title = title;
  ro.theme = o.theme;
  ro.from_year = o.from_year;
  ro.to_year = o.to_year;
  ro.dpi = o.dpi;
  ro.lanes = o.lanes;
  ro.diagnostics = &diagnostics;
  Result<std::string> bytes = std::string();
  if (which == Diagram::graph) {
    graph::KnowledgeGraph g = story_graph(inputs, o, title);
    if (!o.focus.empty() && g.nodes.empty()) {
      fail("--focus '" + o.focus + "': no entity with that name, alias or id");
      return 1;
    }
    const bool layout = format != "json" && format != "graphml";
    if (layout && o.max_entities > 0 && g.nodes.size() > o.max_entities) {
      fail("the diagram would have " + std::to_string(g.nodes.size()) + " entities and " +
           std::to_string(g.edges.size()) + " relations, more than --max-entities " +
           std::to_string(o.max_entities) + " allows (its layout would take too long); draw fewer with --top " +
           std::to_string(std::min<std::size_t>(o.max_entities, 100)) +
           " or --min-weight 2, or raise --max-entities; -o x.json and -o x.graphml need no layout");
      return 1;
    }
    if (format == "json") bytes = graph::to_json(g) + "\n";
    else if (format == "graphml") bytes = graph::to_graphml(g);
    else if (format == "csv") {
      // Neo4j bulk import: -o graph.csv writes graph.nodes.csv and graph.edges.csv.
      std::string stem = c.output.empty() || c.output == "-" ? "graph" : c.output;
      if (extension_of(stem) == "csv") stem.resize(stem.size() - 4);
      graph::CsvFiles files = graph::to_neo4j_csv(g);
      for (const auto& [path, data] : {std::pair{stem + ".nodes.csv", files.nodes}, {stem + ".edges.csv", files.edges}})
        if (auto w = write_output(path, data); !w) {
          fail(w.error().message);
          return 1;
        }
      return status;
    }
    else bytes = render::render_graph(g, ro);
  } else {
    graph::Timeline t = story_timeline(inputs, o, title);
    if (format == "json") bytes = graph::timeline_to_json(t) + "\n";
    else if (format == "timelinejs") bytes = graph::timeline_to_timelinejs(t) + "\n";
    else bytes = render::render_timeline(t, ro);
  }
  if (!c.quiet)
    for (const auto& d : diagnostics) std::cerr << "storyline: graphviz: " << d << "\n";
  if (!bytes) {
    fail(bytes.error().message);
    return 1;
  }
  auto w = write_output(c.output, *bytes);
  if (!w) {
    fail(w.error().message);
    return 1;
  }
  return status;
}

}  // namespace storyline::cli
