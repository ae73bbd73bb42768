// Private: the only place that knows how to hold Graphviz safely.
//
//   GvSession session(options.diagnostics);          // takes the process-wide lock
//   GvContext ctx;  if (!ctx) return error(...);     // gvContext() before any agopen
//   GvGraph g("storyline_graph", /*directed=*/true);
//   ... build ...
//   GvLayout layout(ctx, g, "neato");  if (!layout) return error(...);
//   Result<std::string> bytes = render_bytes(ctx, g, "svg");
//
// cgraph/gvc are not thread-safe (not even with one context per thread), and their error handler
// is a global, so every call happens while a GvSession is alive. Layouts must go before their
// graph (reverse order of creation, which C++ scoping gives us); the context is process-wide.
#pragma once

#include <gvc.h>

#include <mutex>
#include <string>
#include <vector>

#include "storyline/extractor/types.hpp"

namespace storyline::render::detail {

// Holds the one process-wide Graphviz lock and routes Graphviz messages (agseterrf) into a buffer
// for its lifetime. Messages are appended to `diagnostics` (if not null) as "graphviz: ...".
class GvSession {
 public:
  explicit GvSession(std::vector<std::string>* diagnostics);
  ~GvSession();
  GvSession(const GvSession&) = delete;
  GvSession& operator=(const GvSession&) = delete;

  // Messages captured so far, one per line ("Error: ...", "Warning: ...").
  std::vector<std::string> messages() const;
  // The captured messages joined with "; " (for error texts), or `fallback` if there are none.
  std::string messages_or(const std::string& fallback) const;
  void note(const std::string& message);   // our own diagnostic, same channel

 private:
  std::unique_lock<std::mutex> lock_;
  std::vector<std::string>* diagnostics_;
  agusererrf previous_ = nullptr;
};

// Handle to the process-wide context (see gv.cpp for why it is never freed). Construct only
// while a GvSession is alive.
class GvContext {
 public:
  GvContext();
  ~GvContext();
  GvContext(const GvContext&) = delete;
  GvContext& operator=(const GvContext&) = delete;
  explicit operator bool() const { return gvc_ != nullptr; }
  GVC_t* get() const { return gvc_; }

 private:
  GVC_t* gvc_ = nullptr;
};

class GvGraph {
 public:
  GvGraph(const char* name, bool directed);
  ~GvGraph();
  GvGraph(const GvGraph&) = delete;
  GvGraph& operator=(const GvGraph&) = delete;
  explicit operator bool() const { return g_ != nullptr; }
  Agraph_t* get() const { return g_; }

 private:
  Agraph_t* g_ = nullptr;
};

class GvLayout {
 public:
  GvLayout(const GvContext& ctx, const GvGraph& g, const char* engine);
  ~GvLayout();
  GvLayout(const GvLayout&) = delete;
  GvLayout& operator=(const GvLayout&) = delete;
  explicit operator bool() const { return ok_; }

 private:
  GVC_t* gvc_;
  Agraph_t* g_;
  bool ok_ = false;
};

// Attribute helpers: value "" is the declared default, so setting one object never restyles others.
void set_attr(void* obj, const char* name, const std::string& value);
void set_html_label(Agraph_t* root, void* obj, const std::string& html);
void default_attr(Agraph_t* g, int kind, const char* name, const std::string& value);
Agnode_t* add_node(Agraph_t* g, const std::string& name);
Agedge_t* add_edge(Agraph_t* g, Agnode_t* a, Agnode_t* b, const std::string& name);

// Renders a laid-out graph to bytes in `format` (svg, png, pdf, dot).
Result<std::string> render_bytes(GvSession& session, const GvContext& ctx, const GvGraph& g,
                                 const std::string& format);

// Plugin self-check (call with a session held). Empty string when `engine` and `format` are
// usable, else a message that says what is missing and how to fix it.
std::string check_plugins(const GvContext& ctx, const char* engine, const std::string& format);
std::vector<std::string> formats_of(const GvContext& ctx);

}  // namespace storyline::render::detail
