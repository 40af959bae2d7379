// The browser side of platform.h. Each EM_JS body is a thin call into window.DBC (web/app.js),
// which owns the page: loading screen, prefetched files, storage probing, clipboard.
#include <emscripten.h>

#include <cstdlib>
#include <map>

#include "platform/platform.h"

namespace {
std::map<int, platform::FetchCallback>& pending_fetches() {
  static std::map<int, platform::FetchCallback> p;
  return p;
}
int next_fetch_id = 1;

std::string take_string(char* p) {
  if (!p) return {};
  std::string s(p);
  std::free(p);
  return s;
}
}  // namespace

// JS strings come back as malloc'ed UTF-8 (freed by take_string), or null.
EM_JS(char*, dbc_js_storage_get, (const char* key), {
  var v = DBC.storageGet(UTF8ToString(key));
  return v === null ? 0 : dbcString(v);
});
EM_JS(char*, dbc_js_storage_set, (const char* key, const char* value), {
  var err = DBC.storageSet(UTF8ToString(key), UTF8ToString(value));
  return err === null ? 0 : dbcString(err);
});
EM_JS(char*, dbc_js_storage_probe, (), {
  var err = DBC.storageProbe();
  return err === null ? 0 : dbcString(err);
});
EM_JS(void, dbc_js_fetch, (int id, const char* url), { DBC.fetchText(id, UTF8ToString(url)); });
EM_JS(double, dbc_js_entropy, (), { return DBC.entropy(); });
EM_JS(void, dbc_js_clipboard_set, (const char* text), { DBC.copy(UTF8ToString(text)); });
EM_JS(char*, dbc_js_clipboard_get, (), { return dbcString(DBC.clipboard || ""); });
EM_JS(char*, dbc_js_fragment, (), { return dbcString(location.hash.replace(/^#/, "")); });
EM_JS(char*, dbc_js_page_url, (), { return dbcString(location.href); });
EM_JS(void, dbc_js_set_fragment, (const char* f), { DBC.setFragment(UTF8ToString(f)); });
EM_JS(char*, dbc_js_query, (const char* name), {
  var v = new URLSearchParams(location.search).get(UTF8ToString(name));
  return dbcString(v === null ? "" : v);
});
EM_JS(int, dbc_js_prefers_dark, (), { return matchMedia("(prefers-color-scheme: dark)").matches ? 1 : 0; });
EM_JS(int, dbc_js_prefers_reduced_motion, (), { return matchMedia("(prefers-reduced-motion: reduce)").matches ? 1 : 0; });
EM_JS(void, dbc_js_app_ready, (), { DBC.appReady(); });
EM_JS(void, dbc_js_show_fatal, (const char* m), { DBC.fatal(UTF8ToString(m)); });
EM_JS(void, dbc_js_console_log, (const char* m), { console.log(UTF8ToString(m)); });

EM_JS(char*, dbc_js_lms_saved, (), {
  var v = window.DBCEmbed ? window.DBCEmbed.savedProgress() : null;
  return v ? dbcString(v) : 0;
});
EM_JS(void, dbc_js_report_progress, (const char* json), {
  if (window.DBCEmbed) window.DBCEmbed.progressChanged(JSON.parse(UTF8ToString(json)));
});
EM_JS(void, dbc_js_report_height, (int px), {
  if (window.DBCEmbed) window.DBCEmbed.contentHeight(px);
});

EM_JS(void, dbc_js_show_lesson_text, (const char* url), {
  if (window.DBCA11y) window.DBCA11y.showLesson(UTF8ToString(url));
});

namespace {
std::vector<std::string>& embed_commands() {
  static std::vector<std::string> q;
  return q;
}
}  // namespace

// Called by web/embed.js with a command from the embedding page (origin already checked there).
extern "C" EMSCRIPTEN_KEEPALIVE void dbc_embed_command(const char* json) {
  if (json && embed_commands().size() < 64) embed_commands().push_back(json);
}

extern "C" EMSCRIPTEN_KEEPALIVE void dbc_fetch_done(int id, int status, const char* body, int length, const char* error) {
  auto it = pending_fetches().find(id);
  if (it == pending_fetches().end()) return;
  platform::FetchCallback done = std::move(it->second);
  pending_fetches().erase(it);
  platform::FetchResult r;
  r.status = status;
  if (body && length > 0) r.body.assign(body, size_t(length));
  if (error) r.error = error;
  done(r);
}

namespace platform {

StorageStatus storage_probe() {
  std::string err = take_string(dbc_js_storage_probe());
  return {err.empty(), err};
}
std::optional<std::string> storage_get(const std::string& key) {
  char* v = dbc_js_storage_get(key.c_str());
  if (!v) return std::nullopt;
  return take_string(v);
}
bool storage_set(const std::string& key, const std::string& value, std::string* error) {
  std::string err = take_string(dbc_js_storage_set(key.c_str(), value.c_str()));
  if (error) *error = err;
  return err.empty();
}

void fetch_text(const std::string& relative_url, FetchCallback done) {
  int id = next_fetch_id++;
  pending_fetches()[id] = std::move(done);
  dbc_js_fetch(id, relative_url.c_str());
}

uint64_t entropy64() {
  // Two 32-bit draws from crypto.getRandomValues (a double carries them exactly).
  return (uint64_t(dbc_js_entropy()) << 32) ^ uint64_t(dbc_js_entropy());
}
double now_ms() { return emscripten_get_now(); }
void clipboard_set(const std::string& text) { dbc_js_clipboard_set(text.c_str()); }
std::string clipboard_get() { return take_string(dbc_js_clipboard_get()); }
std::string url_fragment() { return take_string(dbc_js_fragment()); }
std::string page_url() { return take_string(dbc_js_page_url()); }
void set_url_fragment(const std::string& f) { dbc_js_set_fragment(f.c_str()); }
std::string url_query(const std::string& name) { return take_string(dbc_js_query(name.c_str())); }
bool prefers_dark() { return dbc_js_prefers_dark() != 0; }
bool prefers_reduced_motion() { return dbc_js_prefers_reduced_motion() != 0; }
void app_ready() { dbc_js_app_ready(); }
void show_fatal(const std::string& message) { dbc_js_show_fatal(message.c_str()); }
void console_log(const std::string& message) { dbc_js_console_log(message.c_str()); }
std::optional<std::string> lms_saved_progress() {
  char* v = dbc_js_lms_saved();
  if (!v) return std::nullopt;
  return take_string(v);
}
void report_progress(const std::string& summary_json) { dbc_js_report_progress(summary_json.c_str()); }
void report_content_height(int css_px) { dbc_js_report_height(css_px); }
void show_lesson_text(const std::string& url) { dbc_js_show_lesson_text(url.c_str()); }
std::vector<std::string> take_embed_commands() {
  std::vector<std::string> out;
  out.swap(embed_commands());
  return out;
}

}  // namespace platform
