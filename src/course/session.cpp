#include "course/session.h"

#include <algorithm>

namespace course {

CourseSession::CourseSession(Course course)
    : course_(std::move(course)),
      lessons_(course_.lessons.size()),
      quizzes_(course_.lessons.size()),
      quiz_states_(course_.lessons.size()) {
  progress_.current_lesson = course_.lessons.empty() ? "" : course_.lessons[0].id;
}

void CourseSession::restore(const Progress& p) {
  progress_ = p;
  // A saved place in a lesson that is locked (edited storage, a code from another version)
  // must not skip the gate: fall back to the furthest unlocked lesson.
  int k = course_.lesson_index(progress_.current_lesson);
  if (k < 0 || !lesson_unlocked(course_, progress_, k)) {
    int last = 0;
    for (int i = 0; i < int(course_.lessons.size()); ++i)
      if (lesson_unlocked(course_, progress_, i)) last = i;
    progress_.current_lesson = course_.lessons.empty() ? "" : course_.lessons[size_t(last)].id;
  }
  for (int i = 0; i < int(quiz_states_.size()); ++i)
    if (quizzes_[size_t(i)]) start_attempt(i);
  ++revision_;
}

void CourseSession::set_lesson_content(int lesson, Lesson content, Quiz quiz) {
  if (!valid(lesson)) return;
  lessons_[size_t(lesson)] = std::move(content);
  quizzes_[size_t(lesson)] = std::move(quiz);
  start_attempt(lesson);
}

int CourseSession::current_lesson() const { return std::max(0, course_.lesson_index(progress_.current_lesson)); }

const Lesson* CourseSession::lesson(int i) const { return valid(i) && lessons_[size_t(i)] ? &*lessons_[size_t(i)] : nullptr; }
const Quiz* CourseSession::quiz(int i) const { return valid(i) && quizzes_[size_t(i)] ? &*quizzes_[size_t(i)] : nullptr; }
const QuizState* CourseSession::quiz_state(int i) const { return quiz(i) ? &quiz_states_[size_t(i)] : nullptr; }

// The attempt on screen continues from the number of attempts already submitted, so a reload
// shows the same questions and a retry after reload still draws afresh.
void CourseSession::start_attempt(int lesson) {
  QuizState& s = quiz_states_[size_t(lesson)];
  auto it = progress_.lessons.find(course_.lessons[size_t(lesson)].id);
  s.attempt_number = it == progress_.lessons.end() ? 0 : it->second.attempts;
  s.attempt = draw_attempt(*quizzes_[size_t(lesson)], course_.pass_rule, s.attempt_number,
                           progress_.learner_seed ^ (uint64_t(lesson) << 56));
  s.result.reset();
}

Outcome CourseSession::apply(const Command& c) {
  return std::visit(
      [&](auto&& v) -> Outcome {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, cmd::OpenLesson>) return open(v.lesson);
        else if constexpr (std::is_same_v<T, cmd::SelectAnswer>) return select(v.question, v.option);
        else if constexpr (std::is_same_v<T, cmd::SubmitQuiz>) return submit();
        else if constexpr (std::is_same_v<T, cmd::RetryQuiz>) return retry();
        else if constexpr (std::is_same_v<T, cmd::ResetProgress>) {
          Progress fresh;
          fresh.learner_seed = progress_.learner_seed + 0x9E3779B97F4A7C15ull;  // new draws after a reset
          fresh.prefs = progress_.prefs;  // a reset is about learning, not about how the page looks
          fresh.current_lesson = course_.lessons.empty() ? "" : course_.lessons[0].id;
          restore(fresh);
          return {};
        } else if constexpr (std::is_same_v<T, cmd::ImportProgress>) {
          ProgressImport imported = import_code(v.code, course_);
          if (!imported.error.empty()) return {false, imported.error};
          restore(imported.progress);
          return {true, "Progress restored from the code."};
        } else if constexpr (std::is_same_v<T, cmd::SetScroll>) {
          progress_.scroll_px = std::clamp(v.scroll_px, 0, kMaxScrollPx);
          ++scroll_revision_;
          return {};
        } else {
          progress_.prefs = v.prefs;
          progress_.prefs.text_scale_percent = std::clamp(v.prefs.text_scale_percent, kMinTextScale, kMaxTextScale);
          ++revision_;
          return {};
        }
      },
      c);
}

Outcome CourseSession::open(int lesson) {
  if (!valid(lesson)) return {false, "There is no such lesson."};
  if (!lesson_unlocked(course_, progress_, lesson))
    return {false, "Pass the quiz of lesson " + std::to_string(lesson) + " to unlock this lesson."};
  if (progress_.current_lesson != course_.lessons[size_t(lesson)].id) progress_.scroll_px = 0;
  progress_.current_lesson = course_.lessons[size_t(lesson)].id;
  lesson_progress(lesson).visited = true;
  ++revision_;
  return {};
}

Outcome CourseSession::select(int question, int option) {
  int k = current_lesson();
  if (!quiz(k)) return {false, "The quiz is still loading."};
  QuizState& s = quiz_states_[size_t(k)];
  if (s.result) return {false, "This attempt is already graded; choose Retry for a new one."};
  if (question < 0 || question >= int(s.attempt.answers.size()) || option < 0 || option >= kOptionsPerQuestion)
    return {false, "There is no such answer."};
  s.attempt.answers[size_t(question)] = option;
  return {};
}

Outcome CourseSession::submit() {
  int k = current_lesson();
  if (!quiz(k)) return {false, "The quiz is still loading."};
  QuizState& s = quiz_states_[size_t(k)];
  if (s.result) return {false, "This attempt is already graded."};
  if (!all_answered(s.attempt)) return {false, "Answer every question before submitting."};
  s.result = grade(*quizzes_[size_t(k)], course_.pass_rule, s.attempt);
  LessonProgress& lp = lesson_progress(k);
  lp.visited = true;
  lp.attempts += 1;
  lp.best_score = std::max(lp.best_score, s.result->correct);
  lp.passed = lp.passed || s.result->passed;  // passing is permanent; a later fail never relocks
  ++revision_;
  return {};
}

Outcome CourseSession::retry() {
  int k = current_lesson();
  if (!quiz(k)) return {false, "The quiz is still loading."};
  if (!quiz_states_[size_t(k)].result) return {false, "Submit this attempt first."};
  start_attempt(k);
  return {};
}

}  // namespace course
