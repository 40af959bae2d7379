// LessonReader: one lesson as a typeset page (title, blocks, lab slots) followed by its quiz and
// the previous/next navigation. Reads the CourseSession; changes go out as commands.
//
//   ui::LessonReader reader;
//   if (reader.draw(session, commands, &labs)) keep_drawing();   // inside the content child window
#pragma once
#include <vector>

#include "course/session.h"
#include "ui/lab_slot.h"
#include "ui/quiz_view.h"

namespace ui {

class LessonReader {
 public:
  // Returns true when part of the lesson still has to be laid out: draw another frame.
  bool draw(const course::CourseSession& s, std::vector<course::Command>& out, LabSlots* labs);
  // Ask for a scroll position once the lesson's layout is known (restoring a saved place).
  void scroll_to(int lesson, float scroll_px) { pending_lesson_ = lesson; pending_scroll_ = scroll_px; }

 private:
  void draw_block(const course::Block& b, const course::Course& c, float width, LabSlots* labs);
  void draw_navigation(const course::CourseSession& s, int k, float width, std::vector<course::Command>& out);

  QuizView quiz_;
  int shown_lesson_ = -1;
  int pending_lesson_ = -1;
  float pending_scroll_ = 0;
  float last_scroll_ = -1;
  float layout_width_ = 0;
  std::vector<float> block_heights_;  // cached per lesson and width, to skip off-screen blocks
};

}  // namespace ui
