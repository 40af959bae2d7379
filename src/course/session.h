// CourseSession: the whole course state a learner changes, driven only by commands. Panels send
// commands; the app applies them here and persists when `revision()` changes. Because every
// change is a command, the course can be tested natively and sessions recorded and replayed.
//
//   CourseSession s(course);
//   s.restore(load_progress(saved, course).progress);
//   s.set_lesson_content(0, lesson, quiz);      // content arrives asynchronously, per lesson
//   s.apply(cmd::OpenLesson{0});
//   s.apply(cmd::SelectAnswer{0, 2}); ... s.apply(cmd::SubmitQuiz{});
//   if (s.revision() != saved_revision) save(save_progress(s.progress()));
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "course/content.h"
#include "course/progress.h"
#include "course/quiz.h"

namespace course {

namespace cmd {
struct OpenLesson { int lesson; };
struct SelectAnswer { int question; int option; };  // positions as shown
struct SubmitQuiz {};
struct RetryQuiz {};
struct ResetProgress {};  // the interface asks for confirmation before sending this
struct ImportProgress { std::string code; };
struct SetScroll { int scroll_px; };
struct SetPreferences { Preferences prefs; };
}  // namespace cmd

using Command = std::variant<cmd::OpenLesson, cmd::SelectAnswer, cmd::SubmitQuiz, cmd::RetryQuiz, cmd::ResetProgress,
                             cmd::ImportProgress, cmd::SetScroll, cmd::SetPreferences>;

// What happened to a command: applied, or refused with a sentence for the learner.
struct Outcome {
  bool applied = true;
  std::string message;
};

// The quiz state of one lesson: the attempt on screen and, once submitted, its result.
struct QuizState {
  QuizAttempt attempt;
  std::optional<QuizResult> result;
  int attempt_number = 0;
};

class CourseSession {
 public:
  explicit CourseSession(Course course);

  void restore(const Progress& p);
  void set_lesson_content(int lesson, Lesson content, Quiz quiz);
  Outcome apply(const Command& c);

  const Course& course() const { return course_; }
  const Progress& progress() const { return progress_; }
  int current_lesson() const;
  const Lesson* lesson(int i) const;
  const Quiz* quiz(int i) const;
  const QuizState* quiz_state(int i) const;
  // Bumped on every change worth saving; scroll changes bump `scroll_revision` only, so the app
  // can save them lazily.
  uint64_t revision() const { return revision_; }
  uint64_t scroll_revision() const { return scroll_revision_; }

 private:
  Outcome open(int lesson);
  Outcome select(int question, int option);
  Outcome submit();
  Outcome retry();
  void start_attempt(int lesson);
  bool valid(int lesson) const { return lesson >= 0 && lesson < int(course_.lessons.size()); }
  LessonProgress& lesson_progress(int lesson) { return progress_.lessons[course_.lessons[size_t(lesson)].id]; }

  Course course_;
  Progress progress_;
  std::vector<std::optional<Lesson>> lessons_;
  std::vector<std::optional<Quiz>> quizzes_;
  std::vector<QuizState> quiz_states_;
  uint64_t revision_ = 0, scroll_revision_ = 0;
};

}  // namespace course
