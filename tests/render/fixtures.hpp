// Test fixtures: knowledge graphs and timelines built by hand (no dependency on graph/ builders).
#pragma once

#include <string>
#include <vector>

#include "storyline/extractor/timex_value.hpp"
#include "storyline/graph/model.hpp"

namespace fixtures {

using namespace storyline;

inline graph::EvidenceRef ev(const std::string& sentence, const std::string& doc = "doc1") {
  graph::EvidenceRef r;
  r.doc = doc;
  r.sentence = 1;
  r.sentence_text = sentence;
  return r;
}

inline graph::Node node(const std::string& id, const std::string& name, const std::string& type,
                        int mentions = 1, double degree = 1, double betweenness = 0) {
  graph::Node n;
  n.id = id;
  n.name = name;
  n.type = type;
  n.mentions = mentions;
  n.degree = degree;
  n.betweenness = betweenness;
  n.evidence.push_back(ev(name + " appears in this sentence."));
  return n;
}

inline graph::Edge edge(const std::string& s, const std::string& t, const std::string& type,
                        const std::string& qualifier = "", bool directed = false, double weight = 1) {
  graph::Edge e;
  e.source = s;
  e.target = t;
  e.type = type;
  e.qualifier = qualifier;
  e.directed = directed;
  e.weight = weight;
  e.evidence.push_back(ev("Evidence for " + s + " " + type + " " + t + "."));
  return e;
}

// The Ghosn story: 6 entities of all four types, typed, former, directed and weak relations.
inline graph::KnowledgeGraph ghosn_graph() {
  graph::KnowledgeGraph g;
  g.title = "Nissan and the Ghosn affair";
  g.nodes = {node("loc:tokyo", "Tokyo", "LOC", 5, 2, 0.05),
             node("misc:alliance", "Renault-Nissan Alliance", "MISC", 3, 2, 0.1),
             node("org:nissan", "Nissan", "ORG", 14, 6, 0.6),
             node("org:renault", "Renault", "ORG", 9, 4, 0.3),
             node("per:ghosn", "Carlos Ghosn", "PER", 20, 7, 0.8),
             node("per:kelly", "Greg Kelly", "PER", 4, 2, 0)};
  g.edges = {edge("misc:alliance", "org:nissan", "co_occurs", "", false, 2),
             edge("org:renault", "org:nissan", "partner_of", "former", false, 4),
             edge("per:ghosn", "loc:tokyo", "located_in", "", true),
             edge("per:ghosn", "org:nissan", "role_of", "former chairman", true, 3),
             edge("per:ghosn", "org:renault", "role_of", "CEO", true, 2),
             edge("per:kelly", "org:nissan", "role_of", "director", true)};
  return g;
}

inline graph::TimelineEvent event(const std::string& id, const std::string& lane,
                                  const std::string& date, const std::string& summary,
                                  const std::string& source = "text") {
  graph::TimelineEvent e;
  e.id = id;
  e.type = "event";
  e.lane = lane;
  e.summary = summary;
  e.date_value = date;
  e.date = extractor::parse_timex_value(date);
  e.date_source = source;
  e.modality = "asserted";
  e.participant_names = {lane};
  e.evidence = ev("The sentence that says: " + summary + ".");
  return e;
}

inline graph::Timeline ghosn_timeline() {
  graph::Timeline t;
  t.title = "The Ghosn affair";
  t.events = {event("ev1", "Carlos Ghosn", "2018-11-19", "Arrested at Haneda airport"),
              event("ev3", "Greg Kelly", "2018-11-19", "Arrested with Ghosn"),
              event("ev2", "Carlos Ghosn", "2018-11-22", "Removed as Nissan chairman"),
              event("ev5", "Carlos Ghosn", "2019-03-06", "Released on bail"),
              event("ev4", "Nissan", "2019-04", "Shareholders remove Ghosn from the board"),
              event("ev6", "Carlos Ghosn", "2019-04-04", "Re-arrested on new charges"),
              event("ev8", "Nissan", "2019-Q3", "Saikawa resigns"),
              event("ev7", "Carlos Ghosn", "2019-12-29", "Flees Japan to Lebanon"),
              event("ev10", "Nissan", "2020", "Sues Ghosn for damages", "document"),
              event("ev9", "Greg Kelly", "2022-03-03", "Convicted on one count")};
  t.undated = 2;
  return t;
}

}  // namespace fixtures
