// Hand-built extractions for the graph tests: sentences are appended to a text and every offset
// is computed from it, so spans always point at the words they claim.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "storyline/extractor/types.hpp"
#include "storyline/graph/graph.hpp"
#include "storyline/graph/model.hpp"

namespace storyline::graph::testing {

class DocBuilder {
 public:
  explicit DocBuilder(const std::string& id) {
    x.document.id = id;
    x.document.source = id + ".txt";
  }
  DocBuilder(const DocBuilder&) = delete;   // DocumentInput points into it
  DocBuilder& operator=(const DocBuilder&) = delete;

  std::size_t sentence(const std::string& s) {
    if (!text.empty()) text += " ";
    const std::size_t start = text.size();
    text += s;
    x.sentences.push_back({start, text.size()});
    x.document.bytes = text.size();
    return x.sentences.size() - 1;
  }

  extractor::Span find(const std::string& surface, std::size_t sentence) const {
    const auto& s = x.sentences.at(sentence);
    const std::size_t pos = text.find(surface, s.start);
    if (pos == std::string::npos || pos + surface.size() > s.end) {
      throw std::runtime_error("fixture: '" + surface + "' not in sentence " + std::to_string(sentence));
    }
    return {pos, pos + surface.size()};
  }

  extractor::Entity& entity(const std::string& id, const std::string& name, const std::string& type,
                            std::vector<std::string> aliases = {}) {
    x.entities.push_back({id, name, type, std::move(aliases), {}});
    return x.entities.back();
  }

  void mention(const std::string& id, const std::string& surface, std::size_t sentence) {
    const auto span = find(surface, sentence);
    for (auto& e : x.entities) {
      if (e.id == id) {
        e.mentions.push_back({span.start, span.end, surface, sentence});
        return;
      }
    }
    throw std::runtime_error("fixture: no entity " + id);
  }

  // By entity id (the first entity with it); an id no entity has yet is an index past every
  // entity: a dangling relation.
  void relation(const std::string& source, const std::string& target, const std::string& type,
                const std::string& qualifier, double weight, std::size_t sentence) {
    const auto& s = x.sentences.at(sentence);
    x.relations.push_back({index_of(source), index_of(target), extractor::RelationType(type), qualifier, weight,
                           {{sentence, s.start, s.end}}, {}, {}});
  }

  std::size_t index_of(const std::string& id) const {
    for (std::size_t i = 0; i < x.entities.size(); ++i)
      if (x.entities[i].id == id) return i;
    return static_cast<std::size_t>(-1);
  }

  extractor::Event& event(const std::string& id, const std::string& type, std::optional<std::string> date,
                          std::vector<std::string> participants, const std::string& trigger, std::size_t sentence,
                          const std::string& summary = {}) {
    extractor::Event ev;
    ev.id = id;
    ev.type = type;
    const auto span = find(trigger, sentence);
    ev.trigger = {span.start, span.end, trigger, sentence};
    ev.date = std::move(date);
    ev.date_source = ev.date ? "text" : "none";
    for (const auto& p : participants) ev.participants.push_back({p, "participant"});
    ev.sentence = sentence;
    ev.summary = summary.empty() ? type : summary;
    x.events.push_back(std::move(ev));
    return x.events.back();
  }

  DocumentInput input() const { return {&x, &text}; }

  extractor::Extraction x;
  std::string text;
};

// A hand-made graph: nodes "a".."z" with the given edges (undirected co_occurs).
inline KnowledgeGraph small_graph(const std::vector<std::string>& ids,
                                  const std::vector<std::tuple<std::string, std::string, double>>& edges) {
  KnowledgeGraph g;
  g.title = "small";
  for (const auto& id : ids) {
    Node n;
    n.id = id;
    n.name = "Name " + id;
    n.type = "ORG";
    n.mentions = 1;
    g.nodes.push_back(n);
  }
  for (const auto& [s, t, w] : edges) {
    Edge e;
    e.source = s;
    e.target = t;
    e.type = "co_occurs";
    e.weight = w;
    g.edges.push_back(e);
  }
  return g;
}

}  // namespace storyline::graph::testing
