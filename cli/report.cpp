// storyline report — one self-contained HTML page: the relationship diagram and the timeline as
// inline SVG, the entity table and the event list with their evidence sentences.
//
//   storyline report ARTICLE.txt --date 2023-02-06 -o report.html
//
// The page loads nothing (no scripts, fonts, images or style sheets from elsewhere; a
// Content-Security-Policy says so to the browser) and is written as polyglot XHTML, so an XML
// parser can check it. Every string from the articles is escaped here; the SVGs come from the
// render module, which escapes its own text. Bytes are deterministic (no clock, sorted tables).
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "io.hpp"
#include "pipeline.hpp"
#include "storyline/extractor/extractor.hpp"
#include "storyline/graph/graph.hpp"
#include "storyline/render/render.hpp"

namespace storyline::cli {
namespace {

void fail(const std::string& msg) { std::cerr << "storyline: error: " << msg << "\n"; }

// Report text goes through the same hygiene as the diagrams' labels.
std::string esc(std::string_view s) { return render::escape_html_text(s); }

// The <svg>...</svg> element of a Graphviz SVG document, without the XML prolog, DOCTYPE and
// comments, fit to be inlined in HTML.
std::string inline_svg(const std::string& svg, const std::string& label) {
  const std::size_t start = svg.find("<svg");
  if (start == std::string::npos) return {};
  std::string body = svg.substr(start);
  const std::size_t tag_end = body.find('>');
  // Scale with the page; the viewBox keeps the proportions. role/aria-label for screen readers.
  body.insert(tag_end, " role=\"img\" aria-label=\"" + esc(label) + "\" preserveAspectRatio=\"xMidYMin meet\"");
  std::string out;
  for (std::size_t p = 0; p < body.size();) {
    const std::size_t c = body.find("<!--", p);
    if (c == std::string::npos) { out.append(body, p, std::string::npos); break; }
    out.append(body, p, c - p);
    const std::size_t e = body.find("-->", c);
    p = e == std::string::npos ? body.size() : e + 3;
  }
  return out;
}

const char* type_name(const std::string& t) {
  if (t == "PER") return "Person";
  if (t == "ORG") return "Organisation";
  if (t == "LOC") return "Place";
  if (t == "MISC") return "Other";
  return "Unknown";
}

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

const char* kStyleLight =
    ":root{--bg:#ffffff;--fg:#1c1c1c;--muted:#5f6368;--rule:#dcdcdc;--band:#f6f7f9;--accent:#1f4e79}";
const char* kStyleDark =
    ":root{--bg:#16191d;--fg:#e9e9e9;--muted:#a3aab3;--rule:#343a42;--band:#20252b;--accent:#8ab8e6}";
const char* kStyle =
    "body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 'DejaVu Sans',Verdana,sans-serif}"
    "main{max-width:1200px;margin:0 auto;padding:24px 28px 48px}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 8px;border-bottom:1px solid var(--rule);"
    "padding-bottom:4px}p.meta{color:var(--muted);margin:0 0 8px;font-size:13px}"
    "figure{margin:0;overflow-x:auto;border:1px solid var(--rule);border-radius:6px;background:var(--bg)}"
    "figure svg{display:block;max-width:100%;height:auto}"
    // A long time axis scaled to the page would make its labels unreadable: keep its size, scroll.
    "figure.timeline svg{max-width:none}"
    "figcaption{color:var(--muted);font-size:12px;padding:6px 10px;border-top:1px solid var(--rule)}"
    "table{border-collapse:collapse;width:100%;font-size:13px}"
    "th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--rule)}"
    "th{font-weight:bold;background:var(--band)}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "td.date{white-space:nowrap;font-variant-numeric:tabular-nums}"
    "blockquote{margin:0;color:var(--muted);font-style:italic}"
    "span.tag{display:inline-block;font-size:11px;padding:0 5px;border:1px solid var(--rule);border-radius:8px;"
    "color:var(--muted);margin-left:4px;font-style:normal}"
    "nav a{color:var(--accent);margin-right:14px}footer{margin-top:40px;color:var(--muted);font-size:12px}"
    "span.where{color:var(--muted);font-size:12px}";

// What the page shows, read from articles or from storyline's extract JSON.
struct Story {
  std::string title;   // the default title: a single article's headline, a document id or "N documents"
  // The first kListed documents' ids and dates, in story order (the sources line shows no more),
  // and how many there are.
  static constexpr std::size_t kListed = 20;
  std::vector<std::pair<std::string, std::optional<std::string>>> listed;
  std::size_t documents = 0;
  graph::KnowledgeGraph graph;
  graph::Timeline timeline;
  struct Undated {
    std::string summary, type;
    graph::EvidenceRef where;   // its document and sentence, with the sentence's text when there is one
  };
  std::vector<Undated> undated;   // the events without a usable date
  bool texts = true;              // sentence texts known (articles; extract JSON has spans only)
  bool problems = false;

  // (The id and date as the extraction has them: extract moves the date there from the input.)
  void list(const extractor::Extraction& x) {
    if (listed.size() < kListed) listed.emplace_back(x.document.id, x.document.date);
  }
};

// An undated event as the page lists it (or nothing: dated, or a modality left out).
std::optional<Story::Undated> undated_event(const extractor::Event& e, const extractor::Extraction& x,
                                            const std::string* text, const DiagramOptions& o) {
  if (e.date) return std::nullopt;
  if (!o.all_modalities && e.modality != "asserted") return std::nullopt;
  Story::Undated u{e.summary, e.type, {x.document.id, e.sentence, 0, 0, {}}};
  if (e.sentence < x.sentences.size()) {
    const extractor::Sentence& s = x.sentences[e.sentence];
    u.where.start = s.start;
    u.where.end = s.end;
    if (text != nullptr && s.start <= s.end && s.end <= text->size())
      u.where.sentence_text = text->substr(s.start, s.end - s.start);
  } else {
    u.where.start = e.trigger.start;
    u.where.end = e.trigger.end;
  }
  return u;
}

// The story's graph and timeline, as graph and timeline draw them.
std::optional<Story> finish(Story s, std::optional<Streamed> streamed, const Common& c, const DiagramOptions& o) {
  if (!streamed) return std::nullopt;
  s.problems = streamed->problems;
  s.documents = streamed->documents;
  s.title = streamed->headline;
  const std::string& title = o.title.empty() ? s.title : o.title;
  s.graph = story_graph(streamed->story.graph(), o, title, resolve_threads(c.threads));
  s.timeline = story_timeline(streamed->story.timeline(), o, title);
  return s;
}

// Articles, streamed through extraction into the story as graph and timeline read them: memory
// grows with the story (and the page), not with the text.
std::optional<Story> story_of_articles(const Common& c, const DiagramOptions& o) {
  Story s;
  auto streamed = stream_story(c, graph::StoryBuilder::Parts::both,
                               [&](const extractor::Extraction& x, const InputDoc& d) {
                                 s.list(x);
                                 for (const extractor::Event& e : x.events)
                                   if (auto u = undated_event(e, x, &d.text, o)) s.undated.push_back(std::move(*u));
                               });
  return finish(std::move(s), std::move(streamed), c, o);
}

// Extract JSON and merged files, read as graph and timeline read them (one document per id, in id
// order), without extracting again.
std::optional<Story> story_of_extractions(const Common& c, const DiagramOptions& o) {
  Story s;
  s.texts = false;
  auto streamed = story_from_extractions(c, graph::StoryBuilder::Parts::both, [&](const extractor::Extraction& x) {
    s.list(x);
    for (const extractor::Event& e : x.events)
      if (auto u = undated_event(e, x, nullptr, o)) s.undated.push_back(std::move(*u));
  });
  return finish(std::move(s), std::move(streamed), c, o);
}

// Where a fact was read: its sentence quoted, or, without the text (extract JSON), its place.
std::string evidence_html(const graph::EvidenceRef& ev) {
  if (!ev.sentence_text.empty()) return "<blockquote>" + esc(ev.sentence_text) + "</blockquote>";
  return "<span class=\"where\">sentence " + std::to_string(ev.sentence) + ", bytes " + std::to_string(ev.start) +
         "&#8211;" + std::to_string(ev.end) + "</span>";
}

// The documents line: every id (and date) for a few, the first Story::kListed and a count for many.
std::string sources_html(const Story& s) {
  std::string sources;
  for (const auto& [id, date] : s.listed) {
    if (!sources.empty()) sources += " \xC2\xB7 ";
    sources += esc(id);
    if (date) sources += " (" + esc(*date) + ")";
  }
  if (s.documents > s.listed.size()) sources += " \xC2\xB7 and " + std::to_string(s.documents - s.listed.size()) + " more";
  return std::to_string(s.documents) + (s.documents == 1 ? " article: " : " articles: ") + sources;
}

}  // namespace

int run_report(const Common& c, const DiagramOptions& o) {
  const std::string format = extension_of(c.output);
  if (!format.empty() && format != "html" && format != "htm") {
    fail("storyline report writes HTML; use -o NAME.html (got '" + c.output + "')");
    return 2;
  }
  // Articles, or storyline's JSON (extract's output, merged files) as it is: not both.
  const auto json_inputs =
      static_cast<std::size_t>(std::count_if(c.inputs.begin(), c.inputs.end(), is_extract_json));
  if (json_inputs > 0 && json_inputs < c.inputs.size()) {
    fail("some inputs are extract JSON and some are not: give articles or storyline's JSON, not both");
    return 2;
  }
  std::optional<Story> story = json_inputs > 0 ? story_of_extractions(c, o) : story_of_articles(c, o);
  if (!story) return 1;
  const int status = story->problems ? 1 : 0;
  const std::string title = o.title.empty() ? story->title : o.title;
  graph::KnowledgeGraph& g = story->graph;
  const graph::Timeline& t = story->timeline;
  const std::string note = reduce_for_layout(g, o.max_entities, o.max_relations, c.quiet);
  const bool many = story->documents > 1;

  std::vector<std::string> diagnostics;
  render::RenderOptions ro;
  ro.format = "svg";
  ro.title = title;
  ro.theme = o.theme;
  ro.from_year = o.from_year;
  ro.to_year = o.to_year;
  ro.lanes = o.lanes;
  ro.diagnostics = &diagnostics;
  ro.note = note;   // the timeline ignores it
  Result<std::string> graph_svg = render::render_graph(g, ro);
  Result<std::string> timeline_svg = render::render_timeline(t, ro);
  if (!c.quiet)
    for (const auto& d : diagnostics) std::cerr << "storyline: graphviz: " << d << "\n";
  for (const Result<std::string>* r : {&graph_svg, &timeline_svg}) {
    if (!*r) {
      fail(r->error().message);
      return 1;
    }
  }

  std::string h;
  h += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n";
  h += "<meta charset=\"utf-8\" />\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\" />\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n";
  h += "<meta name=\"generator\" content=\"storyline " STORYLINE_VERSION "\" />\n";
  h += "<title>" + esc(title) + "</title>\n";
  h += std::string("<style>") + (o.theme == "dark" ? kStyleDark : kStyleLight) + kStyle + "</style>\n";
  h += "</head>\n<body class=\"storyline-report " + esc(o.theme) + "\">\n<main>\n";
  h += "<h1>" + esc(title) + "</h1>\n";

  // Where it came from: documents, dates.
  h += "<p class=\"meta\">" + sources_html(*story) + "</p>\n";
  h += "<p class=\"meta\">" + std::to_string(g.nodes.size()) + " entities \xC2\xB7 " +
       std::to_string(g.edges.size()) + " relations \xC2\xB7 " + std::to_string(t.events.size()) +
       " dated events</p>\n";
  h += "<nav><a href=\"#relationships\">Relationships</a><a href=\"#timeline\">Timeline</a>"
       "<a href=\"#entities\">Entities</a><a href=\"#events\">Events</a></nav>\n";

  h += "<h2 id=\"relationships\">Relationships</h2>\n<figure class=\"relationships\">\n" + inline_svg(*graph_svg, "Relationship diagram") +
       (story->texts ? "\n<figcaption>Hover a name or a line for the sentence it was read from.</figcaption>\n</figure>\n"
                     : "\n<figcaption>Hover a name or a line for where it was read.</figcaption>\n</figure>\n");
  h += "<h2 id=\"timeline\">Timeline</h2>\n<figure class=\"timeline\">\n" + inline_svg(*timeline_svg, "Timeline") +
       "\n<figcaption>Hollow markers and bars: dates known only to the month, quarter or year; diamonds: "
       "dated by the article's publication date.</figcaption>\n</figure>\n";

  // Entities, most central first (ties by name, then id: a total order).
  std::vector<const graph::Node*> nodes;
  for (const graph::Node& n : g.nodes) nodes.push_back(&n);
  std::stable_sort(nodes.begin(), nodes.end(), [](const graph::Node* a, const graph::Node* b) {
    if (a->betweenness != b->betweenness) return a->betweenness > b->betweenness;
    if (a->mentions != b->mentions) return a->mentions > b->mentions;
    if (a->name != b->name) return a->name < b->name;
    return a->id < b->id;
  });
  h += "<h2 id=\"entities\">Entities</h2>\n<table>\n<thead><tr><th>Name</th><th>Type</th><th>Mentions</th>"
       "<th>Centrality</th><th>Also called</th><th>First mention</th></tr></thead>\n<tbody>\n";
  for (const graph::Node* n : nodes) {
    std::string aliases;
    for (const std::string& a : n->aliases) {
      if (a == n->name) continue;
      if (!aliases.empty()) aliases += ", ";
      aliases += esc(a);
    }
    std::string first;
    if (!n->evidence.empty()) {
      first = evidence_html(n->evidence.front());
      if (many) first += "<span class=\"tag\">" + esc(n->evidence.front().doc) + "</span>";
    }
    h += "<tr id=\"entity-" + esc(n->id) + "\"><td>" + esc(n->name) + "</td><td>" + type_name(n->type) +
         "</td><td class=\"n\">" + std::to_string(n->mentions) + "</td><td class=\"n\">" +
         fixed(n->betweenness, 3) + "</td><td>" + aliases + "</td><td>" + first + "</td></tr>\n";
  }
  h += "</tbody>\n</table>\n";

  // Events: the timeline's dated events in its order, then those without a usable date.
  h += "<h2 id=\"events\">Events</h2>\n<table>\n<thead><tr><th>Date</th><th>What</th><th>Who</th>"
       "<th>Evidence</th></tr></thead>\n<tbody>\n";
  for (const graph::TimelineEvent& e : t.events) {
    std::string date = esc(e.date_value);
    if (e.date_source == "document") date += "<span class=\"tag\">article date</span>";
    std::string what = esc(e.summary);
    if (!e.type.empty()) what += "<span class=\"tag\">" + esc(e.type) + "</span>";
    if (!e.modality.empty() && e.modality != "asserted") what += "<span class=\"tag\">" + esc(e.modality) + "</span>";
    std::string who;
    for (const std::string& p : e.participant_names) {
      if (!who.empty()) who += ", ";
      who += esc(p);
    }
    std::string evidence = evidence_html(e.evidence);
    if (many) evidence += "<span class=\"tag\">" + esc(e.evidence.doc) + "</span>";
    h += "<tr id=\"event-" + esc(e.id) + "\"><td class=\"date\">" + date + "</td><td>" + what + "</td><td>" + who +
         "</td><td>" + evidence + "</td></tr>\n";
  }
  for (const Story::Undated& u : story->undated) {
    std::string what = esc(u.summary);
    if (!u.type.empty()) what += "<span class=\"tag\">" + esc(u.type) + "</span>";
    std::string evidence = evidence_html(u.where);
    if (many) evidence += "<span class=\"tag\">" + esc(u.where.doc) + "</span>";
    h += "<tr class=\"undated\"><td class=\"date\">no date</td><td>" + what + "</td><td></td><td>" + evidence +
         "</td></tr>\n";
  }
  h += "</tbody>\n</table>\n";
  if (const std::size_t undated = story->undated.size(); undated > 0) {
    h += "<p class=\"meta\">" + std::to_string(undated) +
         (undated == 1 ? " event has" : " events have") + " no usable date and " +
         (undated == 1 ? "is" : "are") + " listed without one; the timeline leaves them out.</p>\n";
  }
  h += story->texts ? "<footer>Made by storyline " STORYLINE_VERSION " from the text alone: every entity, relation "
                      "and event above links back to the sentence it was read from.</footer>\n"
                    : "<footer>Made by storyline " STORYLINE_VERSION " from storyline's extract JSON, which keeps "
                      "where each fact was read (sentence and bytes of its document) but not the sentences' "
                      "text: extract the articles again for a report that quotes them.</footer>\n";
  h += "</main>\n</body>\n</html>\n";

  auto w = write_output(c.output, h);
  if (!w) {
    fail(w.error().message);
    return 1;
  }
  return status;
}

}  // namespace storyline::cli
