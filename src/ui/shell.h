// CourseShell: the frame around the lessons — top bar with "Lesson k of 6" and the progress
// bar, the lesson list (locked / open / passed), notices, settings, the progress-code dialog,
// the reset confirmation and the completion screen. It reads state and emits commands only.
//
//   ui::ShellInput in{&session, notices, progress_code, storage_ok};
//   ui::ShellOutput out;
//   shell.draw(in, out, &labs);     // then the app applies out.commands
#pragma once
#include <string>
#include <vector>

#include "course/session.h"
#include "ui/lab_slot.h"
#include "ui/reader.h"

namespace ui {

struct Notice {
  std::string text;
  bool warning = false;
};

struct ShellInput {
  const course::CourseSession* session = nullptr;
  std::vector<Notice> notices;
  std::string progress_code;   // current progress as a code, for the dialog
  bool storage_ok = true;      // false: progress lives in memory only (show the code prominently)
  bool compact = false;        // ?embed=1: compact chrome for small frames
};

struct ShellOutput {
  std::vector<course::Command> commands;
  int dismissed_notice = -1;
  bool animating = false;      // something moves (a transition): keep drawing frames
  int content_height = 0;      // CSS px the page would need to show the reader without scrolling
};

class CourseShell {
 public:
  void draw(const ShellInput& in, ShellOutput& out, LabSlots* labs);
  LessonReader& reader() { return reader_; }

 private:
  void top_bar(const ShellInput& in, float width, bool narrow);
  void sidebar(const ShellInput& in, ShellOutput& out, float height);
  void notices(const ShellInput& in, ShellOutput& out, float width);
  void settings_popup(const ShellInput& in, ShellOutput& out);
  void progress_code_popup(const ShellInput& in, ShellOutput& out);
  void reset_popup(ShellOutput& out);
  void completion(const ShellInput& in, ShellOutput& out);

  LessonReader reader_;
  bool sidebar_open_ = false;      // narrow layouts: the lesson list as an overlay
  bool show_completion_ = false;
  bool open_settings_ = false, open_code_ = false, open_reset_ = false;
  std::string import_text_;
  std::string import_message_;
  bool was_completed_ = false;
};

}  // namespace ui
