// Native stand-in for the browser: in-memory storage and clipboard, files read from disk.
// Used by native tools and tests; the web build uses web_platform.cpp instead.
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "platform/platform.h"

namespace platform {

namespace {
std::map<std::string, std::string>& storage() {
  static std::map<std::string, std::string> s;
  return s;
}
std::string& clipboard() {
  static std::string c;
  return c;
}
std::string& fragment() {
  static std::string f;
  return f;
}
}  // namespace

StorageStatus storage_probe() { return {}; }
std::optional<std::string> storage_get(const std::string& key) {
  auto it = storage().find(key);
  if (it == storage().end()) return std::nullopt;
  return it->second;
}
bool storage_set(const std::string& key, const std::string& value, std::string*) {
  storage()[key] = value;
  return true;
}

void fetch_text(const std::string& relative_url, FetchCallback done) {
  std::ifstream in(relative_url, std::ios::binary);
  FetchResult r;
  if (!in) {
    r.status = 404;
    r.error = relative_url + " not found";
  } else {
    std::ostringstream ss;
    ss << in.rdbuf();
    r.status = 200;
    r.body = ss.str();
  }
  done(r);
}

uint64_t entropy64() { return uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) * 0x9E3779B97F4A7C15ull; }
double now_ms() { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
void clipboard_set(const std::string& text) { clipboard() = text; }
std::string clipboard_get() { return clipboard(); }
std::string url_fragment() { return fragment(); }
void set_url_fragment(const std::string& f) { fragment() = f; }
std::string page_url() { return "http://localhost/#" + fragment(); }
std::string url_query(const std::string&) { return ""; }
bool prefers_dark() { return false; }
bool prefers_reduced_motion() { return false; }
void app_ready() {}
void show_fatal(const std::string&) {}
void console_log(const std::string&) {}
std::optional<std::string> lms_saved_progress() { return std::nullopt; }
void report_progress(const std::string&) {}
void report_content_height(int) {}
void show_lesson_text(const std::string&) {}
std::vector<std::string> take_embed_commands() { return {}; }

}  // namespace platform
