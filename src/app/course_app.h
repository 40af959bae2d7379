// CourseApp: the course's life cycle between the platform and the panels. It fetches content
// (course.json first, then each lesson and its quiz when needed), restores and saves progress
// (never losing it: corrupt values are backed up, blocked storage falls back to memory with a
// notice and the progress code), and applies the panels' commands to the session.
//
//   CourseApp app;
//   app.start();                         // fetches course.json, reads saved progress
//   ... each frame: ui::ShellInput in = app.shell_input(); shell.draw(in, out, labs); app.apply(out);
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "course/session.h"
#include "ui/shell.h"

namespace app {

constexpr const char* kProgressKey = "dbcourse.progress";
constexpr const char* kBackupKey = "dbcourse.progress.backup";

class CourseApp {
 public:
  explicit CourseApp(std::string content_base = "content/") : base_(std::move(content_base)) {}
  void start();
  void apply(const ui::ShellOutput& out);
  void tick(double now_ms);  // lazy saves (scroll position)

  bool ready() const;                      // course and current lesson loaded
  const std::string& fatal() const { return fatal_; }
  ui::ShellInput shell_input() const;
  const course::CourseSession* session() const { return session_.get(); }
  int restored_scroll() const { return restored_scroll_; }
  void inform(std::string text, bool warning) { notice(std::move(text), warning); }
  // Opens the lesson that hosts lab `id` if it is unlocked; otherwise says what unlocks it.
  void open_lab_lesson(const std::string& id);
  // A command from the embedding page: {"type":"goto","lesson":2} or {"type":"reset"}.
  void embed_command(const std::string& json);
  // Bumped whenever something visible changed outside a frame (content arrived): redraw.
  uint64_t change_count() const { return changes_; }

 private:
  void on_course(const std::string& text);
  void restore_progress();
  void load_lesson(int k);
  void persist();
  void notice(std::string text, bool warning);
  void report();

  std::string base_;
  std::unique_ptr<course::CourseSession> session_;
  std::vector<ui::Notice> notices_;
  std::vector<int> lesson_state_;  // 0 not requested, 1 loading, 2 loaded, 3 failed
  std::string fatal_;
  std::string progress_code_;  // export_code of the last persisted progress
  bool storage_ok_ = true;
  uint64_t saved_revision_ = 0, saved_scroll_revision_ = 0;
  double last_scroll_save_ms_ = 0;
  int restored_scroll_ = 0;
  uint64_t changes_ = 0;
};

}  // namespace app
