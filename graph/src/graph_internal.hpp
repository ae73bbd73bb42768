// Private helpers shared by the graph/ translation units. Not installed, not for render/.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/graph/model.hpp"

namespace storyline::graph::detail {

// ASCII-only case folding: entity names are compared case-insensitively byte by byte; non-ASCII
// bytes are kept as they are ("Zürich" and "ZÜRICH" do not merge — see the weak points).
std::string fold_case(std::string_view s);

// Valid UTF-8 with C0 controls (except tab, newline) removed: what every export writes, so that
// a hostile byte never makes invalid JSON or XML. Invalid sequences become U+FFFD.
std::string clean_text(std::string_view s);

// &, <, >, " and ' as entities (TimelineJS text is HTML).
std::string html_escape(std::string_view s);

// Sentence `index` of the document, trimmed; empty when the text or the index is missing.
std::string sentence_text(const DocumentInput& doc, std::size_t index);

// "<id>" of a document, or "<source>", or "doc<N>" (1-based) when both are empty.
std::string document_name(const DocumentInput& doc, std::size_t index);

// Title of a graph or timeline built from `docs`: the single document's name, else "N documents".
std::string title_for(const std::vector<DocumentInput>& docs);

// Entities of all documents merged into nodes (see build_graph for the rules).
struct EntityMerge {
  std::vector<Node> nodes;   // sorted by id; analytics not computed
  // For document i: extractor entity id -> node id.
  std::vector<std::map<std::string, std::string>> node_of;
  const Node* node(const std::string& id) const;
};
EntityMerge merge_entities(const std::vector<DocumentInput>& docs);

// Brandes betweenness (raw, undirected: each pair counted once) of an unweighted graph given as
// adjacency lists, accumulated from `sources` only and scaled by |V| / |sources| (the pivot estimate
// compute_analytics uses for components too big for exact Brandes). Exact when sources are all.
std::vector<double> betweenness_from(const std::vector<std::vector<std::size_t>>& adj,
                                     const std::vector<std::size_t>& sources);

}  // namespace storyline::graph::detail
