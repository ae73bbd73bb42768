// storyline — news article in, relationship diagram and timeline out.
//
//   storyline extract  ARTICLE.txt [--date 2023-02-06] [-o facts.json]
//   storyline graph    ARTICLE.txt [--date 2023-02-06] -o relationships.svg
//   storyline timeline ARTICLE.txt [--date 2023-02-06] --from 2018 -o timeline.svg
//   storyline report   ARTICLE.txt [--date 2023-02-06] -o report.html   (or extract JSON / merged.json)
//
// This file is glue: options in, library calls, one line per problem on stderr. Exit codes:
// 0 success, 1 some input or output failed, 2 usage error.
#include <csignal>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  using namespace storyline::cli;
  CLI::App app{"storyline: reads English news articles and draws what they say — a relationship diagram of "
               "the companies, people and places in them, and a timeline of their dated events.",
               "storyline"};
  app.set_version_flag("--version", std::string("storyline ") + STORYLINE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  Common common;
  ExtractOptions ex;
  DiagramOptions dg;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("inputs", common.inputs, "article files (UTF-8 text), JSON Lines files (.jsonl), or - for stdin")
        ->required();
    sub->add_option("--date", common.date, "publication date YYYY-MM-DD (anchors \"last year\", \"has launched\")");
    sub->add_option("--rules", common.rules, "extra rule folder; its files add to or override the built-in rules")
        ->check(CLI::ExistingDirectory);
    sub->add_flag("--jsonl", common.jsonl, "read every input as JSON Lines ({\"id\",\"date\",\"text\"} per line)");
    sub->add_option("--max-bytes", common.max_bytes, "largest document accepted, in bytes")
        ->capture_default_str();
    sub->add_option("--max-sentence-tokens", common.max_sentence_tokens,
                    "longest sentence analysed whole, in tokens; longer ones are cut (0 = no limit)")
        ->capture_default_str();
    sub->add_flag("--keep-going,!--no-keep-going", common.keep_going,
                  "skip a bad document (reported with its id and reason) and go on; exit status 1 at the end")
        ->capture_default_str();
    sub->add_option("-o,--output", common.output, "output file; its extension picks the format; - or none: stdout");
    sub->add_flag("--quiet", common.quiet, "no progress or warnings on stderr");
    sub->add_option("-j,--threads", common.threads,
                    "documents extracted in parallel (0 = all cores); the output is the same for any number")
        ->check(CLI::Range(0u, 1024u))->capture_default_str();
  };
  auto* extract = app.add_subcommand("extract", "extract entities, dates, events and relations as JSON");
  add_common(extract);
  extract->add_option("--out-dir", ex.out_dir, "write one <id>.json per document into this folder");
  extract->add_flag("--compact", ex.compact, "one line per document (JSON Lines), also for a single document");

  auto* graph = app.add_subcommand("graph", "draw the relationship diagram (svg, png, pdf, dot, json, graphml)");
  add_common(graph);
  const std::string drawn_inputs =
      "article files (UTF-8 text), JSON Lines files (.jsonl), or - for stdin; or storyline's extract JSON or merged "
      "files (drawn as they are, without extracting again)";
  graph->get_option("inputs")->description(drawn_inputs);
  auto* timeline = app.add_subcommand("timeline", "draw the timeline of dated events (svg, png, pdf, dot, json)");
  add_common(timeline);
  timeline->get_option("inputs")->description(drawn_inputs);
  for (CLI::App* sub : {graph, timeline}) {
    sub->add_option("--format", dg.format, "output format when -o has no telling extension (svg png pdf dot json ...)");
    sub->add_option("--title", dg.title, "diagram title (default: the article headline or file name)");
    sub->add_option("--theme", dg.theme, "light or dark")->check(CLI::IsMember({"light", "dark"}))->capture_default_str();
  }
  graph->add_option("--top", dg.top, "keep the N most central entities (0 = all)");
  graph->add_option("--min-weight", dg.min_weight, "hide relations lighter than W (co-occurrence counts 0.5 a sentence)");
  graph->add_option("--focus", dg.focus, "draw only this entity's neighbourhood (name, alias or id)");
  graph->add_option("--depth", dg.depth, "neighbourhood radius for --focus")->capture_default_str();
  graph->add_option("--max-entities", dg.max_entities,
                    "draw at most this many entities, the most central; a note in the picture counts the rest (0 = all)")
      ->capture_default_str();
  graph->add_option("--max-relations", dg.max_relations,
                    "draw at most this many relations among them, the heaviest; the note counts the rest (0 = all)")
      ->capture_default_str();
  graph->add_flag("--no-cooccurrence", dg.no_cooccurrence, "leave out same-sentence co-occurrence links");
  timeline->add_option("--from", dg.from_year, "first year shown");
  timeline->add_option("--to", dg.to_year, "last year shown");
  timeline->add_flag("--all-modalities", dg.all_modalities, "also show negated, hypothetical and future events");
  for (CLI::App* sub : {graph, timeline})
    sub->add_option("--dpi", dg.dpi, "PNG resolution (PNG only; SVG and PDF are vector)")
        ->check(CLI::Range(10.0, 1200.0))->capture_default_str();
  timeline->add_option("--lanes", dg.lanes, "one lane per main entity or per event type")
      ->check(CLI::IsMember({"entity", "type"}))->capture_default_str();

  auto* report = app.add_subcommand("report", "write a self-contained HTML report: both diagrams, entities, events with evidence");
  add_common(report);
  report->get_option("inputs")->description(drawn_inputs);
  report->add_option("--title", dg.title, "report title (default: the article headline or file name; \"N documents\" for several)");
  report->add_option("--theme", dg.theme, "light or dark")->check(CLI::IsMember({"light", "dark"}))->capture_default_str();
  report->add_option("--top", dg.top, "diagram: keep the N most central entities (0 = all)");
  report->add_option("--min-weight", dg.min_weight, "diagram: hide relations lighter than W");
  report->add_flag("--no-cooccurrence", dg.no_cooccurrence, "diagram: leave out same-sentence co-occurrence links");
  report->add_option("--from", dg.from_year, "timeline: first year shown");
  report->add_option("--to", dg.to_year, "timeline: last year shown");
  report->add_option("--lanes", dg.lanes, "timeline lanes: entity or type")
      ->check(CLI::IsMember({"entity", "type"}))->capture_default_str();
  report->add_flag("--all-modalities", dg.all_modalities, "timeline: also negated, hypothetical and future events");

  MergeOptions mg;
  auto* merge = app.add_subcommand("merge", "merge per-document extract JSON (or earlier merges) into one graph JSON");
  merge->add_option("inputs", mg.inputs, "extract JSON files, JSON Lines of them, or merge outputs")->required();
  merge->add_option("-o,--output", mg.output, "output file (- or none: stdout)");
  merge->add_flag("--compact", mg.compact, "one line of JSON");
  merge->add_flag("--quiet", mg.quiet, "no warnings on stderr");
  merge->add_option("-j,--threads", mg.threads,
                    "documents parsed in parallel (0 = all cores); the output is the same for any number")
      ->check(CLI::Range(0u, 1024u))->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "storyline: error: " << e.what() << " (see storyline --help)\n";
    return 2;
  }
  if (*merge) return run_merge(mg);
  if (*extract) return run_extract(common, ex);
  if (*graph) return run_diagram(common, dg, Diagram::graph);
  if (*timeline) return run_diagram(common, dg, Diagram::timeline);
  if (*report) return run_report(common, dg);
  return 2;
}
