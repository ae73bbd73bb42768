#include "gv.hpp"

#include <algorithm>
#include <vector>
#include <map>
#include <string_view>
#include <cstdlib>
#include <memory>

namespace storyline::render::detail {
namespace {

char* S(const char* s) { return const_cast<char*>(s); }  // cgraph copies, never writes

std::mutex& graphviz_mutex() {
  static std::mutex m;
  return m;
}

// Written only while graphviz_mutex() is held. Graphviz calls the handler in pieces
// ("Warning", ": ", "text\n"), so we append and split on newlines later.
std::string* g_capture = nullptr;

int capture(char* text) {
  if (g_capture != nullptr && text != nullptr) g_capture->append(text);
  return 0;
}

std::vector<std::string> split_lines(const std::string& buffer) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < buffer.size()) {
    std::size_t end = buffer.find('\n', start);
    if (end == std::string::npos) end = buffer.size();
    std::string line = buffer.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) out.push_back(line);
    start = end + 1;
  }
  return out;
}

// Version shim: Graphviz 2.42 (Debian 12) takes `unsigned int*`, later versions `size_t*`.
// Deducing the length type from the function itself keeps this one template.
template <class Len>
int render_data(int (*fn)(GVC_t*, graph_t*, const char*, char**, Len*), GVC_t* gvc, graph_t* g,
                const char* format, std::string& out) {
  char* data = nullptr;
  Len length = 0;
  const int rc = fn(gvc, g, format, &data, &length);
  std::unique_ptr<char, void (*)(char*)> guard(data, [](char* p) {
    if (p != nullptr) gvFreeRenderData(p);
  });
  if (rc != 0 || data == nullptr) return rc != 0 ? rc : -1;
  out.assign(data, static_cast<std::size_t>(length));
  return 0;
}

// Read once per process: the context is process-wide, and 2.42's gvPluginList leaks the strdup'ed
// name of every duplicate entry (png:cairo, png:gd, ...) on each call.
std::vector<std::string> read_plugin_list(GVC_t* gvc, const char* kind);

const std::vector<std::string>& plugin_list(GVC_t* gvc, const char* kind) {
  static std::vector<std::string> layouts = read_plugin_list(gvc, "layout");
  static std::vector<std::string> devices = read_plugin_list(gvc, "device");
  return std::string(kind) == "layout" ? layouts : devices;
}

std::vector<std::string> read_plugin_list(GVC_t* gvc, const char* kind) {
  int n = 0;
  char** list = gvPluginList(gvc, kind, &n, nullptr);
  std::vector<std::string> out;
  if (list == nullptr) return out;
  for (int i = 0; i < n; ++i) {
    if (list[i] != nullptr) {
      out.emplace_back(list[i]);
      std::free(list[i]);
    }
  }
  std::free(list);
  std::sort(out.begin(), out.end());
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The session's captured text lives here; one session at a time (the mutex). Function-local so
// that renders from static initialisers of other translation units work.
std::string& capture_buffer() {
  static std::string buffer;
  return buffer;
}

}  // namespace

GvSession::GvSession(std::vector<std::string>* diagnostics)
    : lock_(graphviz_mutex()), diagnostics_(diagnostics) {
  capture_buffer().clear();
  g_capture = &capture_buffer();
  previous_ = agseterrf(capture);
}

GvSession::~GvSession() {
  agseterrf(previous_);
  g_capture = nullptr;
  if (diagnostics_ != nullptr) {
    for (const std::string& m : split_lines(capture_buffer())) diagnostics_->push_back("graphviz: " + m);
  }
  capture_buffer().clear();
}

std::vector<std::string> GvSession::messages() const { return split_lines(capture_buffer()); }

std::string GvSession::messages_or(const std::string& fallback) const {
  std::string out;
  for (const std::string& m : messages()) {
    if (!out.empty()) out += "; ";
    out += m;
  }
  return out.empty() ? fallback : out;
}

void GvSession::note(const std::string& message) {
  if (diagnostics_ != nullptr) diagnostics_->push_back("render: " + message);
}

// One context for the whole process, created on first use and never freed. Graphviz 2.42 is not
// safe with a context per render: gvFreeContext frees the font-name strings that the pango
// plugin (a loaded .so that outlives the context) keeps in its font cache, and the next layout
// strcmp()s freed memory (valgrind: invalid read in textspan_size <- make_label, freed by
// dtclose <- gvFreeContext). Only ever touched with the Graphviz lock held.
GvContext::GvContext() {
  static GVC_t* shared = nullptr;
  if (shared == nullptr) shared = gvContext();
  gvc_ = shared;
}
GvContext::~GvContext() = default;

namespace {

// Object ids in creation order. cgraph's default id discipline makes a named object's id the address
// of its interned name, and keeps subgraphs (our clusters) ordered by id: the layout then depends on
// where malloc happened to put those strings, which changes with any unrelated change in the
// program's allocations (same input, another build: clusters in another order, another picture).
// Here a named object gets the next even id and an anonymous one the next odd id, as in the default
// scheme, so everything that cgraph orders by id is ordered by our (sorted) creation order.
struct CreationOrderIds {
  Agraph_t* root = nullptr;
  std::map<std::string, IDTYPE, std::less<>> ids;
  // names[id / 2 - 1], interned in the root graph's string pool like cgraph's own names: Graphviz
  // reads a refstr header in front of a name (aghtmlstr), so a plain C string would be misread.
  std::vector<char*> names;
  IDTYPE next_anonymous = 1;
};

void* ids_open(Agraph_t* g, Agdisc_t*) {
  auto* st = new CreationOrderIds;
  st->root = g;
  return st;
}

long ids_map(void* state, int, char* str, IDTYPE* id, int createflag) {
  auto* st = static_cast<CreationOrderIds*>(state);
  if (str == nullptr) {
    *id = st->next_anonymous;
    st->next_anonymous += 2;
    return 1;
  }
  if (auto it = st->ids.find(std::string_view(str)); it != st->ids.end()) {
    *id = it->second;
    return 1;
  }
  if (!createflag) return 0;   // unknown name: cgraph looks in its internal map, then gives up
  st->names.push_back(agstrdup(st->root, str));
  *id = static_cast<IDTYPE>(2 * st->names.size());
  st->ids.emplace(str, *id);
  return 1;
}

long ids_alloc(void*, int, IDTYPE) { return 0; }   // no caller-chosen ids
void ids_free(void*, int, IDTYPE) {}               // names live in the pool until the graph closes

char* ids_print(void* state, int, IDTYPE id) {
  auto* st = static_cast<CreationOrderIds*>(state);
  if (id % 2 != 0 || id == 0 || id / 2 > st->names.size()) return nullptr;
  return st->names[id / 2 - 1];
}

void ids_close(void* state) { delete static_cast<CreationOrderIds*>(state); }
void ids_register(void*, int, void*) {}

Agiddisc_t creation_order_ids = {ids_open, ids_map, ids_alloc, ids_free, ids_print, ids_close, ids_register};
Agdisc_t creation_order_disc = {&AgMemDisc, &creation_order_ids, &AgIoDisc};

}  // namespace

GvGraph::GvGraph(const char* name, bool directed)
    : g_(agopen(S(name), directed ? Agdirected : Agundirected, &creation_order_disc)) {}
GvGraph::~GvGraph() {
  if (g_ != nullptr) agclose(g_);
}

GvLayout::GvLayout(const GvContext& ctx, const GvGraph& g, const char* engine)
    : gvc_(ctx.get()), g_(g.get()) {
  ok_ = gvc_ != nullptr && g_ != nullptr && gvLayout(gvc_, g_, engine) == 0;
}
GvLayout::~GvLayout() {
  // gvFreeLayout is safe after a failed layout too; it frees whatever was allocated.
  if (gvc_ != nullptr && g_ != nullptr) gvFreeLayout(gvc_, g_);
}

void set_attr(void* obj, const char* name, const std::string& value) {
  agsafeset(obj, S(name), S(value.c_str()), S(""));
}

void set_html_label(Agraph_t* root, void* obj, const std::string& html) {
  char* h = agstrdup_html(root, S(html.c_str()));
  agsafeset(obj, S("label"), h, S(""));
  agstrfree(root, h);
}

void default_attr(Agraph_t* g, int kind, const char* name, const std::string& value) {
  agattr(g, kind, S(name), S(value.c_str()));
}

Agnode_t* add_node(Agraph_t* g, const std::string& name) { return agnode(g, S(name.c_str()), 1); }

Agedge_t* add_edge(Agraph_t* g, Agnode_t* a, Agnode_t* b, const std::string& name) {
  return agedge(g, a, b, S(name.c_str()), 1);
}

Result<std::string> render_bytes(GvSession& session, const GvContext& ctx, const GvGraph& g,
                                 const std::string& format) {
  std::string out;
  const int rc = render_data(&gvRenderData, ctx.get(), g.get(), format.c_str(), out);
  if (rc != 0) {
    return Error{"render.graphviz",
                 "Graphviz could not write '" + format + "': " +
                     session.messages_or("gvRenderData returned " + std::to_string(rc))};
  }
  return out;
}

std::vector<std::string> formats_of(const GvContext& ctx) {
  std::vector<std::string> out;
  if (!ctx) return out;
  const std::vector<std::string>& devices = plugin_list(ctx.get(), "device");
  for (const char* f : {"svg", "png", "pdf", "dot", "xdot"}) {
    if (contains(devices, f)) out.emplace_back(f);
  }
  return out;
}

std::string check_plugins(const GvContext& ctx, const char* engine, const std::string& format) {
  static const char* kFix =
      " (Graphviz plugins are not registered: run 'dot -c' as root, or reinstall libgvc6)";
  if (!ctx) return "gvContext() failed";
  const std::vector<std::string>& layouts = plugin_list(ctx.get(), "layout");
  if (!contains(layouts, engine)) {
    return std::string("Graphviz layout engine '") + engine + "' is not available" + kFix;
  }
  if (!contains(formats_of(ctx), format)) {
    return "Graphviz output format '" + format + "' is not available" + kFix;
  }
  return {};
}

}  // namespace storyline::render::detail
