// JSON exports: the graph, the timeline, and the timeline as TimelineJS3 reads it.
// nlohmann::ordered_json keeps keys in insertion order, so equal input gives equal bytes.
#include <algorithm>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "graph_internal.hpp"
#include "storyline/extractor/json_out.hpp"
#include "storyline/graph/graph.hpp"

namespace storyline::graph {

namespace {

using ojson = nlohmann::ordered_json;
using detail::clean_text;

std::string dump(const ojson& j, int indent = -2) {
  // clean_text already made every string valid UTF-8; `replace` is the belt to those braces
  // (the default handler throws on invalid UTF-8). -2: the files' own form, indent 2 + newline.
  if (indent != -2) return j.dump(indent, ' ', false, ojson::error_handler_t::replace);
  return j.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

std::string iso_of_day(long day) {
  int y = 0, m = 0, d = 0;
  extractor::civil_from_days(day, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

const char* granularity_name(extractor::Granularity g) {
  using extractor::Granularity;
  switch (g) {
    case Granularity::decade: return "decade";
    case Granularity::year: return "year";
    case Granularity::half: return "half";
    case Granularity::quarter: return "quarter";
    case Granularity::season: return "season";
    case Granularity::month: return "month";
    case Granularity::week: return "week";
    case Granularity::day: return "day";
  }
  return "unknown";
}

}  // namespace

std::string to_json(const KnowledgeGraph& g) { return to_json(g, -2); }

namespace {

// indent -2: the files' own form, indent 2 and a final newline.
std::string finish(const extractor::JsonOut& o, int indent) {
  return indent == -2 ? extractor::json_finish(o, 2, "\n") : extractor::json_finish(o, indent);
}

void write_evidence(extractor::JsonOut& o, const EvidenceRef& e) {
  o.field("{\"doc\":", clean_text(e.doc));
  o.field(",\"sentence\":", e.sentence);
  o.field(",\"start\":", e.start);
  o.field(",\"end\":", e.end);
  o.field(",\"text\":", clean_text(e.sentence_text));
  o.ch('}');
}

void write_evidence_list(extractor::JsonOut& o, const std::vector<EvidenceRef>& list) {
  o.list(list, [&](const EvidenceRef& e) { write_evidence(o, e); });
}

}  // namespace

// Written straight as text (extractor::JsonOut), the same bytes as nlohmann::ordered_json's dump
// of the tree these functions used to build, in a fraction of the time.
std::string to_json(const KnowledgeGraph& g, int indent) {
  extractor::JsonOut o;
  o.field("{\"title\":", clean_text(g.title));
  o.lit(",\"nodes\":[");
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (i) o.ch(',');
    o.field("{\"id\":", clean_text(n.id));
    o.field(",\"name\":", clean_text(n.name));
    o.field(",\"type\":", clean_text(n.type));
    o.lit(",\"aliases\":");
    o.list(n.aliases, [&](const std::string& a) { o.str(clean_text(a)); });
    o.field(",\"mentions\":", n.mentions);
    o.field(",\"degree\":", n.degree);
    o.field(",\"betweenness\":", n.betweenness);
    o.field(",\"component\":", n.component);
    o.lit(",\"evidence\":");
    write_evidence_list(o, n.evidence);
    // Only when some were left out (see kEvidenceKept): every telling, kept or not.
    if (n.evidence_total > n.evidence.size()) {
      o.field(",\"evidence_total\":", n.evidence_total);
    }
    o.ch('}');
  }
  o.lit("],\"edges\":[");
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const Edge& e = g.edges[i];
    if (i) o.ch(',');
    o.field("{\"source\":", clean_text(e.source));
    o.field(",\"target\":", clean_text(e.target));
    o.field(",\"type\":", clean_text(e.type));
    o.field(",\"qualifier\":", clean_text(e.qualifier));
    o.lit(",\"directed\":");
    o.boolean(e.directed);
    o.field(",\"weight\":", e.weight);
    if (!e.start.empty()) {
      o.field(",\"start\":", clean_text(e.start));
    }
    if (!e.end.empty()) {
      o.field(",\"end\":", clean_text(e.end));
    }
    o.lit(",\"evidence\":");
    write_evidence_list(o, e.evidence);
    if (e.evidence_total > e.evidence.size()) {
      o.field(",\"evidence_total\":", e.evidence_total);
    }
    o.ch('}');
  }
  o.lit("]}");
  return finish(o, indent);
}

std::string timeline_to_json(const Timeline& t) { return timeline_to_json(t, -2); }

std::string timeline_to_json(const Timeline& t, int indent) {
  extractor::JsonOut o;
  o.field("{\"title\":", clean_text(t.title));
  o.field(",\"undated\":", t.undated);
  o.lit(",\"events\":[");
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    const auto& e = t.events[i];
    if (i) o.ch(',');
    o.field("{\"id\":", clean_text(e.id));
    o.field(",\"type\":", clean_text(e.type));
    o.field(",\"summary\":", clean_text(e.summary));
    o.field(",\"date_value\":", clean_text(e.date_value));
    if (e.date) {
      o.field(",\"date\":", e.date->iso());
      o.field(",\"granularity\":", granularity_name(e.date->granularity));
      o.field(",\"first_day\":", iso_of_day(e.date->first_day()));
      o.field(",\"last_day\":", iso_of_day(e.date->last_day()));
    } else {
      o.lit(",\"date\":null");
    }
    o.field(",\"date_source\":", clean_text(e.date_source));
    o.field(",\"modality\":", clean_text(e.modality));
    o.field(",\"lane\":", clean_text(e.lane));
    o.lit(",\"participants\":[");
    for (std::size_t k = 0; k < e.participants.size(); ++k) {
      if (k) o.ch(',');
      o.field("{\"id\":", clean_text(e.participants[k]));
      o.field(",\"name\":", clean_text(k < e.participant_names.size() ? e.participant_names[k] : e.participants[k]));
      o.ch('}');
    }
    o.lit("],\"evidence\":");
    write_evidence(o, e.evidence);
    o.lit(",\"amount\":");
    if (e.amount.empty()) o.lit("null");
    else o.str(clean_text(e.amount));
    o.lit(",\"sources\":");
    write_evidence_list(o, e.sources);
    if (e.sources_total > e.sources.size()) o.field(",\"sources_total\":", e.sources_total);
    o.lit(",\"after\":");
    o.strings(e.after);
    o.ch('}');
  }
  o.lit("]}");
  return finish(o, indent);
}

namespace {

// TimelineJS date object from a day number: month only below year granularity, day only for
// weeks and days (a quarter starts on its first month, drawn from there to end_date).
ojson tljs_date(long day, extractor::Granularity g) {
  using extractor::Granularity;
  int y = 0, m = 0, d = 0;
  extractor::civil_from_days(day, y, m, d);
  ojson j;
  j["year"] = y;
  if (g != Granularity::decade && g != Granularity::year) j["month"] = m;
  if (g == Granularity::week || g == Granularity::day) j["day"] = d;
  return j;
}

// unique_id becomes an HTML id and a URL fragment in TimelineJS: keep it to a safe alphabet.
std::string safe_id(const std::string& id) {
  std::string out;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == ':' || c == '.';
    out += ok ? c : '-';
  }
  return out;
}

}  // namespace

std::string timeline_to_timelinejs(const Timeline& t) {
  using detail::html_escape;
  using extractor::Granularity;
  ojson root;
  ojson title_text;
  title_text["headline"] = html_escape(clean_text(t.title));
  std::string summary = std::to_string(t.events.size()) + " events";
  if (t.undated > 0) summary += ", " + std::to_string(t.undated) + " undated left out";
  title_text["text"] = summary;
  root["title"]["text"] = std::move(title_text);
  root["events"] = ojson::array();
  for (const auto& e : t.events) {
    if (!e.date) continue;   // TimelineJS requires start_date
    const auto g = e.date->granularity;
    ojson j;
    j["unique_id"] = safe_id(clean_text(e.id));
    j["start_date"] = tljs_date(e.date->first_day(), g);
    if (g != Granularity::day && g != Granularity::month && g != Granularity::year) {
      j["end_date"] = tljs_date(e.date->last_day(), g);
    }
    // The TIMEX value says "2019-Q3" where iso() can only say "2019-07".
    j["display_date"] = html_escape(clean_text(e.date_value.empty() ? e.date->iso() : e.date_value));
    std::string headline = e.summary.empty() ? e.type : e.summary;
    if (!e.modality.empty() && e.modality != "asserted") headline += " (" + e.modality + ")";
    std::string body;
    if (!e.evidence.sentence_text.empty()) body += "<p>" + html_escape(clean_text(e.evidence.sentence_text)) + "</p>";
    if (!e.participant_names.empty()) {
      body += "<p>";
      for (std::size_t i = 0; i < e.participant_names.size(); ++i) {
        if (i > 0) body += ", ";
        body += html_escape(clean_text(e.participant_names[i]));
      }
      body += "</p>";
    }
    if (!e.amount.empty()) body += "<p>" + html_escape(clean_text(e.amount)) + "</p>";
    const std::vector<EvidenceRef> one = {e.evidence};
    for (const auto& src : e.sources.empty() ? one : e.sources)
      body += "<p><small>" + html_escape(clean_text(src.doc)) + " [" + std::to_string(src.start) + "-" +
              std::to_string(src.end) + "]</small></p>";
    if (e.sources_total > e.sources.size())
      body += "<p><small>(" + std::to_string(e.sources_total - e.sources.size()) + " more tellings)</small></p>";
    j["text"]["headline"] = html_escape(clean_text(headline));
    j["text"]["text"] = body;
    j["group"] = html_escape(clean_text(e.lane));
    root["events"].push_back(std::move(j));
  }
  return dump(root);
}

namespace {

// One CSV field, RFC 4180: quoted when it holds a comma, quote, or line break; quotes doubled.
// Neo4j's importer reads this with its default settings.
std::string csv_field(const std::string& raw) {
  std::string v = clean_text(raw);
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// A Neo4j relationship type: upper case letters, digits and underscores ("role_of" -> ROLE_OF).
std::string neo4j_type(const std::string& type) {
  std::string out;
  for (char c : type) {
    if (c >= 'a' && c <= 'z') out += static_cast<char>(c - 'a' + 'A');
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out += c;
    else out += '_';
  }
  return out.empty() ? "RELATED" : out;
}

// A Neo4j label from an entity type: PER -> Person, ORG -> Organization, LOC -> Location.
std::string neo4j_label(const std::string& type) {
  if (type == "PER") return "Entity;Person";
  if (type == "ORG") return "Entity;Organization";
  if (type == "LOC") return "Entity;Location";
  return "Entity;Misc";
}

}  // namespace

CsvFiles to_neo4j_csv(const KnowledgeGraph& g) {
  CsvFiles f;
  f.nodes = "id:ID,name,type,aliases:string[],:LABEL,mentions:int,degree:float,betweenness:float,component:int\n";
  for (const Node& n : g.nodes) {
    std::string aliases;
    for (const auto& a : n.aliases) {
      std::string clean;
      for (char c : a) clean += c == ';' ? ',' : c;   // ';' separates array items
      aliases += (aliases.empty() ? "" : ";") + clean;
    }
    f.nodes += csv_field(n.id) + "," + csv_field(n.name) + "," + csv_field(n.type) + "," + csv_field(aliases) + "," +
               neo4j_label(n.type) + "," + std::to_string(n.mentions) + "," + csv_number(n.degree) + "," +
               csv_number(n.betweenness) + "," + std::to_string(n.component) + "\n";
  }
  f.edges = ":START_ID,:END_ID,:TYPE,qualifier,directed:boolean,weight:float,evidence:int,start,end\n";
  for (const Edge& e : g.edges) {
    f.edges += csv_field(e.source) + "," + csv_field(e.target) + "," + neo4j_type(e.type) + "," +
               csv_field(e.qualifier) + "," + (e.directed ? "true" : "false") + "," + csv_number(e.weight) + "," +
               std::to_string(std::max(e.evidence.size(), e.evidence_total)) + "," + csv_field(e.start) + "," + csv_field(e.end) + "\n";
  }
  return f;
}

}  // namespace storyline::graph
