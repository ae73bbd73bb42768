// JSON exports: the graph, the timeline, and the timeline as TimelineJS3 reads it.
// nlohmann::ordered_json keeps keys in insertion order, so equal input gives equal bytes.
#include <algorithm>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "graph_internal.hpp"
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

ojson evidence_json(const EvidenceRef& e) {
  ojson j;
  j["doc"] = clean_text(e.doc);
  j["sentence"] = e.sentence;
  j["start"] = e.start;
  j["end"] = e.end;
  j["text"] = clean_text(e.sentence_text);
  return j;
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

std::string to_json(const KnowledgeGraph& g, int indent) {
  ojson root;
  root["title"] = clean_text(g.title);
  root["nodes"] = ojson::array();
  for (const Node& n : g.nodes) {
    ojson j;
    j["id"] = clean_text(n.id);
    j["name"] = clean_text(n.name);
    j["type"] = clean_text(n.type);
    j["aliases"] = ojson::array();
    for (const auto& a : n.aliases) j["aliases"].push_back(clean_text(a));
    j["mentions"] = n.mentions;
    j["degree"] = n.degree;
    j["betweenness"] = n.betweenness;
    j["component"] = n.component;
    j["evidence"] = ojson::array();
    for (const auto& e : n.evidence) j["evidence"].push_back(evidence_json(e));
    // Only when some were left out (see kEvidenceKept): every telling, kept or not.
    if (n.evidence_total > n.evidence.size()) j["evidence_total"] = n.evidence_total;
    root["nodes"].push_back(std::move(j));
  }
  root["edges"] = ojson::array();
  for (const Edge& e : g.edges) {
    ojson j;
    j["source"] = clean_text(e.source);
    j["target"] = clean_text(e.target);
    j["type"] = clean_text(e.type);
    j["qualifier"] = clean_text(e.qualifier);
    j["directed"] = e.directed;
    j["weight"] = e.weight;
    if (!e.start.empty()) j["start"] = clean_text(e.start);
    if (!e.end.empty()) j["end"] = clean_text(e.end);
    j["evidence"] = ojson::array();
    for (const auto& ev : e.evidence) j["evidence"].push_back(evidence_json(ev));
    if (e.evidence_total > e.evidence.size()) j["evidence_total"] = e.evidence_total;
    root["edges"].push_back(std::move(j));
  }
  return dump(root, indent);
}

std::string timeline_to_json(const Timeline& t) { return timeline_to_json(t, -2); }

std::string timeline_to_json(const Timeline& t, int indent) {
  ojson root;
  root["title"] = clean_text(t.title);
  root["undated"] = t.undated;
  root["events"] = ojson::array();
  for (const auto& e : t.events) {
    ojson j;
    j["id"] = clean_text(e.id);
    j["type"] = clean_text(e.type);
    j["summary"] = clean_text(e.summary);
    j["date_value"] = clean_text(e.date_value);
    if (e.date) {
      j["date"] = e.date->iso();
      j["granularity"] = granularity_name(e.date->granularity);
      j["first_day"] = iso_of_day(e.date->first_day());
      j["last_day"] = iso_of_day(e.date->last_day());
    } else {
      j["date"] = nullptr;
    }
    j["date_source"] = clean_text(e.date_source);
    j["modality"] = clean_text(e.modality);
    j["lane"] = clean_text(e.lane);
    j["participants"] = ojson::array();
    for (std::size_t i = 0; i < e.participants.size(); ++i) {
      ojson p;
      p["id"] = clean_text(e.participants[i]);
      p["name"] = clean_text(i < e.participant_names.size() ? e.participant_names[i] : e.participants[i]);
      j["participants"].push_back(std::move(p));
    }
    j["evidence"] = evidence_json(e.evidence);
    j["amount"] = e.amount.empty() ? ojson(nullptr) : ojson(clean_text(e.amount));
    j["sources"] = ojson::array();
    for (const auto& src : e.sources) j["sources"].push_back(evidence_json(src));
    j["after"] = ojson::array();
    for (const auto& id : e.after) j["after"].push_back(id);
    root["events"].push_back(std::move(j));
  }
  return dump(root, indent);
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
