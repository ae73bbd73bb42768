#include "commands.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <set>

#include "io.hpp"
#include "pipeline.hpp"
#include "storyline/extractor/extractor.hpp"
#include "storyline/extractor/json_out.hpp"
#include "storyline/graph/graph.hpp"
#include "storyline/render/render.hpp"

namespace storyline::cli {

std::string reduce_for_layout(graph::KnowledgeGraph& g, std::size_t max_entities, std::size_t max_relations,
                              bool quiet) {
  std::string note;
  if (max_entities > 0 && g.nodes.size() > max_entities) {
    const std::size_t all = g.nodes.size();
    graph::FilterOptions keep;
    keep.top = max_entities;
    g = graph::filter_graph(g, keep);
    note = "The " + std::to_string(g.nodes.size()) + " most central of " + std::to_string(all) +
           " entities are drawn; " + std::to_string(all - g.nodes.size()) + " are left out (see --top and --max-entities).";
    if (!quiet)
      std::cerr << "storyline: note: " << all << " entities are too many to lay out in time; drawing the "
                << g.nodes.size() << " most central (raise --max-entities, or narrow with --top or --min-weight)\n";
  }
  // Layout time grows with the relations as much as with the entities (with neato and sfdp each
  // labelled relation is a node of its own): a dense graph keeps its heaviest relations.
  if (max_relations > 0 && g.edges.size() > max_relations) {
    const std::size_t all = g.edges.size();
    graph::FilterOptions keep;
    keep.max_edges = max_relations;
    g = graph::filter_graph(g, keep);
    note += std::string(note.empty() ? "" : " ") + "The " + std::to_string(g.edges.size()) + " strongest of " +
            std::to_string(all) + " relations are drawn (see --min-weight and --max-relations).";
    if (!quiet)
      std::cerr << "storyline: note: " << all << " relations are too many to lay out in time; drawing the "
                << g.edges.size() << " strongest (raise --max-relations, or narrow with --top or --min-weight)\n";
  }
  return note;
}
namespace {

void fail(const std::string& msg) { std::cerr << "storyline: error: " << msg << "\n"; }

}  // namespace

namespace {

// Options -> rules. Returns null after reporting a fatal problem.
std::unique_ptr<extractor::Extractor> load_extractor(const Common& c) {
  if (!c.date.empty() && !valid_date(c.date)) {
    fail("--date '" + c.date + "' is not a calendar date in the form YYYY-MM-DD");
    return nullptr;
  }
  extractor::RuleDirs dirs = extractor::RuleDirs::defaults();
  for (const auto& r : c.rules) dirs.add(r);
  auto ex = extractor::Extractor::load(dirs, resolve_threads(c.threads));
  if (!ex) {
    fail(ex.error().message);
    return nullptr;
  }
  return std::make_unique<extractor::Extractor>(std::move(*ex));
}

// `extract` keeps its rules to the end of the process and never frees them one by one: the exit
// returns their memory at once (freeing them took ~7.5 M instructions). Every output is written and
// closed by the command before it returns. (Not for graph, timeline and the rest: they free the
// rules, ~25 MB with RE2's caches, before laying out and rendering, which is where their memory peaks.)
const extractor::Extractor* keep_to_exit(std::unique_ptr<extractor::Extractor> ex) {
  if (!ex) return nullptr;
  static auto& kept = *new std::vector<std::unique_ptr<extractor::Extractor>>();   // (reachable: not a leak to LSan)
  return kept.emplace_back(std::move(ex)).get();
}

InputOptions input_options(const Common& c) {
  InputOptions io;
  if (!c.date.empty()) io.date = c.date;
  io.jsonl = c.jsonl;
  io.max_bytes = c.max_bytes;
  return io;
}

// A group of documents read together and extracted with Extractor::extract_batch (each stage runs
// over the whole group, so its tables stay in the caches: ~10% faster on news-sized documents).
struct DocJob {
  InputDoc doc;                  // (source, date and date_source moved into x.document by extract_group)
  std::size_t index = 0;         // place in the input (extract)
  std::uint64_t input_end = 0;   // input bytes read up to the end of this document
  extractor::Extraction x;
  std::string json;              // serialised by the worker (extract --out-dir)
  std::size_t line_end = 0;      // extract, JSON Lines: its line ends here in the group's `lines`
  std::size_t cut = 0;           // sentences cut at --max-sentence-tokens
};
struct Group {
  std::vector<DocJob> docs;
  // extract, JSON Lines: the group's lines one after the other, serialised by the worker and
  // written out in one piece (no copy of each line into the output's buffer).
  extractor::JsonOut lines;
};

// Groups grow 1, 2, 4 ... up to 64 documents and stop at 1 MB of text, so a short input still
// spreads over the threads and the first result is not held back; a group never waits for
// input that is not there yet (DocumentStream::ready()).
class Grouper {
 public:
  // Reads the next group; `next(doc)` is the stream read (false: no more documents).
  template <class Next>
  bool fill(Group& g, DocumentStream& stream, Next next) {
    std::size_t bytes = 0;
    g.docs.reserve(limit_);   // (read in place: a DocJob is copied, not moved, when the vector grows)
    while (g.docs.size() < limit_ && bytes < (1u << 20) && (g.docs.empty() || stream.ready())) {
      DocJob& d = g.docs.emplace_back();
      if (!next(d.doc)) {
        g.docs.pop_back();
        break;
      }
      d.index = produced_++;
      d.input_end = stream.bytes_read();
      bytes += d.doc.text.size();
    }
    limit_ = std::min<std::size_t>(limit_ * 2, 64);
    return !g.docs.empty();
  }

 private:
  std::size_t limit_ = 1, produced_ = 0;
};

// Extracts the group's documents into their DocJob::x, or, when `done` is set, hands each
// document's Extraction to done(job, x) as soon as it is complete instead (x is not kept unless
// done moves it into job.x).
void extract_group(const extractor::Extractor& ex, const Common& c, Group& g,
                   const std::function<void(DocJob&, extractor::Extraction&)>& done = {}) {
  std::vector<std::string_view> texts;
  std::vector<extractor::DocumentInfo> infos;
  texts.reserve(g.docs.size());
  infos.reserve(g.docs.size());
  for (auto& d : g.docs) {
    texts.push_back(d.doc.text);
    // The source ("file:line") and date move into x.document, not copied (the id is copied:
    // --out-dir names files after it, and it is short).
    extractor::DocumentInfo& info = infos.emplace_back();
    info.id = d.doc.id;
    info.source = std::move(d.doc.source);
    info.date = std::move(d.doc.date);
    info.date_source = std::move(d.doc.date_source);
  }
  extractor::ExtractOptions eo;
  eo.max_sentence_tokens = c.max_sentence_tokens;
  std::vector<std::size_t> cut;
  ex.extract_batch(texts, std::move(infos), eo, &cut, [&](std::size_t i, extractor::Extraction& x) {
    DocJob& d = g.docs[i];
    d.cut = cut[i];
    if (d.cut > 0) d.doc.source = x.document.source;   // for warn_cut(), after x is gone
    if (done) done(d, x);
    else d.x = std::move(x);
  });
}

void warn_cut(const Common& c, const InputDoc& d, std::size_t cut) {
  if (cut > 0 && !c.quiet)
    std::cerr << "storyline: warning: " << d.source << ": " << cut << " sentence(s) longer than "
              << c.max_sentence_tokens << " tokens cut into pieces (see --max-sentence-tokens)\n";
}

}  // namespace

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
  return story_graph(graph::build_graph(inputs), o, title);
}

graph::KnowledgeGraph story_graph(graph::KnowledgeGraph g, const DiagramOptions& o, const std::string& title,
                                  unsigned threads) {
  g.title = title;
  if (o.no_cooccurrence)
    g.edges.erase(std::remove_if(g.edges.begin(), g.edges.end(),
                                 [](const graph::Edge& e) { return e.type == "co_occurs"; }),
                  g.edges.end());
  graph::compute_analytics(g, threads);
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
  return story_timeline(graph::build_timeline(inputs), o, title);
}

graph::Timeline story_timeline(graph::Timeline t, const DiagramOptions& o, const std::string& title) {
  t.title = title;
  return graph::filter_timeline(t, o.from_year, o.to_year, o.all_modalities);
}

std::optional<Streamed> stream_story(const Common& c, graph::StoryBuilder::Parts parts,
                                     const std::function<void(const extractor::Extraction&, const InputDoc&)>& each) {
  auto ex = load_extractor(c);
  if (!ex) return std::nullopt;
  DocumentStream stream(c.inputs, input_options(c));
  Progress progress(!c.quiet && stderr_is_tty(), stream.bytes_total());
  Streamed s{graph::StoryBuilder(parts), 0, {}, false};
  bool stopped = false;
  std::vector<std::string> found;
  const unsigned threads = resolve_threads(c.threads);
  Grouper grouper;
  ordered_map<Group>(
      threads, 4 * threads,
      [&](Group& g) {
        if (stopped) return false;
        return grouper.fill(g, stream, [&](InputDoc& doc) {
          const bool got = stream.next(doc, found);
          for (const auto& p : found) fail(p);
          if (!found.empty()) s.problems = true;
          found.clear();
          if (s.problems && !c.keep_going) stopped = true;
          return got && !stopped;
        }) && !stopped;
      },
      [&](Group& g) { extract_group(*ex, c, g); },
      [&](Group& g) {
        for (auto& j : g.docs) {
          warn_cut(c, j.doc, j.cut);
          if (s.documents++ == 0) s.headline = headline({j.doc});
          s.story.add({&j.x, &j.doc.text});
          if (each) each(j.x, j.doc);
          progress.update(s.documents, j.input_end);
        }
        return true;
      },
      [&] { return stream.ready(); });
  progress.update(s.documents, stream.bytes_read(), true);
  progress.finish();
  if (stopped) {
    fail("stopped at the first bad input (--no-keep-going); nothing written");
    return std::nullopt;
  }
  if (s.documents == 0) return std::nullopt;
  if (s.documents > 1) s.headline = std::to_string(s.documents) + " documents";
  return s;
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

// Streams: documents are read, extracted on --threads threads and written in input order, a
// window of 4 per thread alive at a time, so memory does not grow with the number of documents.
int run_extract(const Common& c, const ExtractOptions& o) {
  const extractor::Extractor* ex = keep_to_exit(load_extractor(c));
  if (!ex) return 1;
  const bool to_dir = !o.out_dir.empty();
  if (to_dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.out_dir, ec)) {
      fail(o.out_dir + ": output folder does not exist");
      return 1;
    }
  }
  // One document alone is pretty-printed unless asked otherwise; two or more are JSON Lines. The
  // first result waits (unserialised) until a second one or the end of the input decides.
  const bool lines = o.compact || extension_of(c.output) == "jsonl";
  DocumentStream stream(c.inputs, input_options(c));
  OutputStream out(c.output, /*hold=*/!c.keep_going && extension_of(c.output).empty());
  Progress progress(!c.quiet && stderr_is_tty(), stream.bytes_total());
  std::size_t written = 0;
  std::uint64_t text_bytes = 0;
  bool problems = false, stopped = false, failed = false;
  std::optional<DocJob> first;     // the first document, until its format is known
  std::set<std::string> used;      // --out-dir: "a/b" and "a_b" must not overwrite each other
  std::vector<std::string> found;
  auto report = [&] {
    for (const auto& p : found) fail(p);
    if (!found.empty()) problems = true;
    found.clear();
    if (problems && !c.keep_going) stopped = true;
  };
  auto emit = [&](std::string_view data) {
    auto w = out.write(data);
    if (!w) {
      fail(w.error().message);
      failed = true;
    }
    return w.ok() && !out.pipe_closed();
  };
  // One document's output, in input order; false: stop. Its JSON line stays in g.lines, written
  // with the rest of the group's from `from` on (consume_group).
  auto consume = [&](DocJob& j, Group& g, std::size_t& from, std::size_t line_begin) {
    warn_cut(c, j.doc, j.cut);
    ++written;
    text_bytes += j.doc.text.size();
    progress.update(written, j.input_end);
    if (to_dir) {
      std::string base = safe_file_name(j.x.document.id.empty() ? j.doc.id : j.x.document.id), name = base;
      for (int k = 2; !used.insert(name).second; ++k) name = base + "-" + std::to_string(k);
      std::string path = (std::filesystem::path(o.out_dir) / (name + ".json")).string();
      if (auto w = write_output(path, j.json); !w) {
        fail(w.error().message);
        problems = true;
      }
      return true;
    }
    if (j.index == 0 && !lines) {
      first = std::move(j);
      return true;
    }
    if (first) {
      // (The group's lines before this one, then the first document's, then this one's.)
      bool ok = (from == line_begin || emit(g.lines.view().substr(from, line_begin - from))) &&
                emit(extractor::to_json(first->x, -1, "\n"));
      from = line_begin;
      first.reset();
      if (!ok) return false;
    }
    return true;
  };
  // Line buffers of groups already written, for the next groups (main thread only).
  std::vector<extractor::JsonOut> spare;
  auto consume_group = [&](Group& g) {
    std::size_t from = 0, line_begin = 0;
    bool ok = true;
    for (auto& j : g.docs) {
      if (!(ok = consume(j, g, from, line_begin))) break;
      line_begin = j.line_end;
    }
    if (ok && from < g.lines.size()) ok = emit(g.lines.view().substr(from));
    if (spare.size() < 2) {
      g.lines.clear();
      spare.push_back(std::move(g.lines));
    }
    return ok;
  };
  Grouper grouper;
  const unsigned threads = resolve_threads(c.threads);
  ordered_map<Group>(
      threads, 4 * threads,
      [&](Group& g) {
        if (stopped || failed) return false;
        if (!spare.empty()) {
          g.lines = std::move(spare.back());
          spare.pop_back();
        }
        return grouper.fill(g, stream, [&](InputDoc& doc) {
          bool got = stream.next(doc, found);
          report();
          return got && !stopped;
        }) && !stopped;
      },
      [&](Group& g) {
        if (!to_dir) {
          // Written in place, read by emit() from there (news: 7 bytes of JSON per byte of text,
          // 13 or fewer for 90% of documents; room that is not written is never touched). Capped,
          // so that a huge document does not ask for 16x its size at once: past 16 MB it grows.
          std::size_t room = 0;
          for (const auto& j : g.docs) room += std::min<std::size_t>(16 * j.doc.text.size(), std::size_t{16} << 20) + 4096;
          g.lines.reserve(g.lines.size() + room);
        }
        // Each document written as soon as it is extracted, while its Extraction is in the caches
        // (written after the whole group, to_json read them back from memory).
        extract_group(*ex, c, g, [&](DocJob& j, extractor::Extraction& x) {
          // (The first document stays unwritten until we know whether one document or several come.)
          const bool keep = !to_dir && !lines && j.index == 0;
          if (to_dir) j.json = extractor::to_json(x, 2, "\n");
          else if (!keep) extractor::to_json(x, g.lines, "\n");
          else j.x = std::move(x);
          j.line_end = g.lines.size();
        });
      },
      consume_group,
      [&] { return stream.ready(); });
  progress.update(written, stream.bytes_read(), true);
  progress.finish();
  if (stopped) {
    out.abort();
    fail("stopped at the first bad input (--no-keep-going); nothing written");
    return 1;
  }
  if (failed) return 1;
  if (first) emit(extractor::to_json(first->x, 2, "\n"));
  if (failed) return 1;
  if (written == 0) return 1;
  if (auto w = out.commit(); !w) {
    fail(w.error().message);
    return 1;
  }
  return problems ? 1 : 0;
}

namespace {

// Compact JSON laid out as the data files are (indent 2, one final newline) straight into the
// output, a piece at a time; false after reporting a write error.
bool write_laid_out(const std::string& output, const std::string& compact) {
  OutputStream out(output);
  std::string error;
  const bool written = extractor::json_reindent_to(compact, 2, "\n", 0, [&](std::string_view piece) {
    auto w = out.write(piece);
    if (!w) error = w.error().message;
    return static_cast<bool>(w);
  });
  if (written) {
    if (auto done = out.commit(); !done) error = done.error().message;
  }
  if (!error.empty()) fail(error);
  return error.empty();
}

}  // namespace

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
  // Documents stream through extraction into the story: memory grows with the story, not the text.
  // Extract JSON (extract's output, a merged file) goes into the story as it is.
  const auto parts = which == Diagram::graph ? graph::StoryBuilder::Parts::graph : graph::StoryBuilder::Parts::timeline;
  const auto json_inputs =
      static_cast<std::size_t>(std::count_if(c.inputs.begin(), c.inputs.end(), is_extract_json));
  if (json_inputs > 0 && json_inputs < c.inputs.size()) {
    fail("some inputs are extract JSON and some are not: give articles or storyline's JSON, not both");
    return 2;
  }
  auto streamed = json_inputs > 0 ? story_from_extractions(c, parts) : stream_story(c, parts);
  if (!streamed) return 1;
  int status = streamed->problems ? 1 : 0;
  std::string title = o.title.empty() ? streamed->headline : o.title;
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
    graph::KnowledgeGraph g = story_graph(streamed->story.graph(), o, title, resolve_threads(c.threads));
    if (!o.focus.empty() && g.nodes.empty()) {
      fail("--focus '" + o.focus + "': no entity with that name, alias or id");
      return 1;
    }
    const bool layout = format != "json" && format != "graphml";
    if (layout) ro.note = reduce_for_layout(g, o.max_entities, o.max_relations, c.quiet);
    if (format == "json") {   // the files' form (indent 2, one final newline), written as it is laid out
      std::string compact = graph::to_json(g, -1);
      g = {};
      return write_laid_out(c.output, compact) ? status : 1;
    }
    if (format == "graphml") bytes = graph::to_graphml(g);
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
    graph::Timeline t = story_timeline(streamed->story.timeline(), o, title);
    if (format == "json") {
      std::string compact = graph::timeline_to_json(t, -1);
      t = {};
      return write_laid_out(c.output, compact) ? status : 1;
    }
    if (format == "timelinejs") bytes = graph::timeline_to_timelinejs(t);
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
