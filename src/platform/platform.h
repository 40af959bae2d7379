// Everything that touches the browser lives behind this header: storage, URL, clipboard,
// network fetches, entropy and the page around the canvas. The web implementation is
// web_platform.cpp (EM_JS into web/app.js); native_platform.cpp is an in-memory stand-in so the
// rest of the program builds and tests natively.
//
//   platform::fetch_text("content/course.json", [](const platform::FetchResult& r) { ... });
//   if (auto v = platform::storage_get("dbcourse.progress")) ...;
//   platform::storage_set("dbcourse.progress", text);   // false + error when storage throws
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace platform {

// --- Storage (localStorage on the web) -------------------------------------------------------
struct StorageStatus {
  bool available = true;  // false when the browser blocks or partitions storage
  std::string error;      // the browser's reason, for the notice
};
StorageStatus storage_probe();
std::optional<std::string> storage_get(const std::string& key);
bool storage_set(const std::string& key, const std::string& value, std::string* error = nullptr);

// --- Network ------------------------------------------------------------------------------------
struct FetchResult {
  int status = 0;       // HTTP status; 0 when the request failed outright
  std::string body;
  std::string error;    // human-readable when status is not 200
};
using FetchCallback = std::function<void(const FetchResult&)>;
void fetch_text(const std::string& relative_url, FetchCallback done);

// --- Page and environment -----------------------------------------------------------------
uint64_t entropy64();                // seeds a new learner's quiz draws
double now_ms();                     // wall clock, for animation only (never in sim/ or course/)
void clipboard_set(const std::string& text);
std::string clipboard_get();         // what was last copied here or pasted into the page
std::string url_fragment();          // without '#'
std::string page_url();              // the full address, fragment included
void set_url_fragment(const std::string& fragment);
std::string url_query(const std::string& name);
bool prefers_dark();
bool prefers_reduced_motion();
void app_ready();                    // hides the loading screen
void show_fatal(const std::string& message);  // replaces the canvas with a readable message
void console_log(const std::string& message);

// --- Embedding (web/embed.js): an LMS through SCORM 1.2, or a parent page through postMessage ---
// The progress code kept in the LMS (cmi.suspend_data) when launched by one; it follows the
// learner across devices, so it wins over this browser's storage.
std::optional<std::string> lms_saved_progress();
// A summary of progress after every change (JSON, see web/embed.js for the schema): the LMS gets
// status, score and location; the parent page gets "progress", "lesson-passed", "completed".
void report_progress(const std::string& summary_json);
void report_content_height(int css_px);
// The lesson on screen, for the page's accessible copy of its text (web/a11y.js).
void show_lesson_text(const std::string& lesson_file_url);
// Commands the embedding page sent (JSON strings), oldest first; empties the queue.
std::vector<std::string> take_embed_commands();

}  // namespace platform
