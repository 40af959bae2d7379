// QuizView: the end-of-lesson quiz. Pick one option per question, submit, see the score, which
// answers were wrong and why, and retry. The pass rule is stated as a count ("2 of 3 correct"),
// never as the seed's misleading "70%".
#pragma once
#include <vector>

#include "course/session.h"

namespace ui {

class QuizView {
 public:
  void draw(const course::CourseSession& s, int lesson, const course::Quiz& quiz, float width, std::vector<course::Command>& out);
};

}  // namespace ui
