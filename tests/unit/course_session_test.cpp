// CourseSession (src/course/session.h): the course state driven only by commands. Checks the seed's
// flow — read a lesson, take its quiz, fail and retry, pass to unlock the next — and that every
// change worth saving bumps revision().
#include <doctest/doctest.h>

#include <string>

#include "course/session.h"

using namespace course;

namespace {

const int kLessons = 3;

Course three_lessons() {
  Course c;
  c.title = "Test";
  for (const char* id : {"l1", "l2", "l3"})
    c.lessons.push_back({id, std::string("Lesson ") + id, std::string("lessons/") + id + ".json",
                         std::string("quizzes/") + id + ".json"});
  return c;
}

// 3 seed questions and 5 extras; the correct option index varies per question.
Quiz quiz_for(const std::string& lesson) {
  Quiz q;
  q.lesson = lesson;
  for (int i = 0; i < 8; ++i) {
    Question question;
    question.id = lesson + "-q" + std::to_string(i);
    question.seed = i < 3;
    question.prompt = "Question " + std::to_string(i);
    for (int o = 0; o < kOptionsPerQuestion; ++o) {
      question.options[size_t(o)].text = "option " + std::to_string(o);
      question.options[size_t(o)].correct = (o == (i + 1) % kOptionsPerQuestion);
    }
    q.questions.push_back(question);
  }
  return q;
}

Lesson lesson_for(const std::string& id) {
  Lesson l;
  l.id = id;
  l.title = "Lesson " + id;
  l.minutes = 10;
  Block b;
  b.type = BlockType::paragraph;
  b.text = "Text of " + id;
  l.blocks.push_back(b);
  return l;
}

// A session with a known learner seed and all content loaded, as the app does at start-up.
CourseSession loaded_session(uint64_t seed = 0x5EED) {
  CourseSession s(three_lessons());
  Progress p;
  p.learner_seed = seed;
  p.current_lesson = "l1";
  s.restore(p);
  for (int i = 0; i < kLessons; ++i) {
    const std::string id = s.course().lessons[size_t(i)].id;
    s.set_lesson_content(i, lesson_for(id), quiz_for(id));
  }
  return s;
}

// The shown position of the correct option of drawn question i in the current lesson's attempt.
int correct_position(const CourseSession& s, size_t i) {
  const int k = s.current_lesson();
  const DrawnQuestion& d = s.quiz_state(k)->attempt.questions[i];
  const Question& q = s.quiz(k)->questions[size_t(d.question)];
  for (int pos = 0; pos < kOptionsPerQuestion; ++pos)
    if (q.options[size_t(d.order[size_t(pos)])].correct) return pos;
  return -1;
}

// Selects answers in the current lesson: the first `right` correct, the others wrong.
void select_answers(CourseSession& s, int right) {
  const size_t n = s.quiz_state(s.current_lesson())->attempt.questions.size();
  for (size_t i = 0; i < n; ++i) {
    int pos = correct_position(s, i);
    Outcome o = s.apply(cmd::SelectAnswer{int(i), int(i) < right ? pos : (pos + 1) % kOptionsPerQuestion});
    REQUIRE(o.applied);
  }
}

// Answers and submits the current lesson's quiz with `right` correct answers.
void take_quiz(CourseSession& s, int right) {
  select_answers(s, right);
  Outcome o = s.apply(cmd::SubmitQuiz{});
  REQUIRE(o.applied);
  REQUIRE(s.quiz_state(s.current_lesson())->result.has_value());
}

const LessonProgress& lesson_progress(const CourseSession& s, const std::string& id) {
  static const LessonProgress none;
  auto it = s.progress().lessons.find(id);
  return it == s.progress().lessons.end() ? none : it->second;
}

bool unlocked(const CourseSession& s, int k) { return lesson_unlocked(s.course(), s.progress(), k); }

}  // namespace

TEST_CASE("session: a new session starts at the first lesson with its seed attempt on screen") {
  CourseSession s = loaded_session();
  CHECK(s.current_lesson() == 0);
  REQUIRE(s.lesson(0) != nullptr);
  CHECK(s.lesson(0)->id == "l1");
  REQUIRE(s.quiz_state(0) != nullptr);
  CHECK(s.quiz_state(0)->attempt_number == 0);
  CHECK_FALSE(s.quiz_state(0)->result.has_value());
  REQUIRE(s.quiz_state(0)->attempt.questions.size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(s.quiz_state(0)->attempt.questions[size_t(i)].question == i);  // the seed questions
  CHECK(s.lesson(kLessons) == nullptr);
  CHECK(s.quiz_state(-1) == nullptr);
}

// Seed: "pass a quiz to unlock the next lesson" — a locked lesson cannot be opened.
TEST_CASE("session: opening a locked or nonexistent lesson is refused with a message and changes nothing") {
  CourseSession s = loaded_session();
  const Progress before = s.progress();
  const uint64_t rev = s.revision();
  for (int k : {1, 2}) {
    CAPTURE(k);
    Outcome o = s.apply(cmd::OpenLesson{k});
    CHECK_FALSE(o.applied);
    CHECK(o.message.find("Pass the quiz of lesson " + std::to_string(k)) != std::string::npos);
  }
  for (int k : {-1, kLessons}) {
    Outcome o = s.apply(cmd::OpenLesson{k});
    CHECK_FALSE(o.applied);
    CHECK(o.message.find("no such lesson") != std::string::npos);
  }
  CHECK(s.progress() == before);
  CHECK(s.revision() == rev);
  CHECK(s.current_lesson() == 0);

  Outcome o = s.apply(cmd::OpenLesson{0});
  CHECK(o.applied);
  CHECK(lesson_progress(s, "l1").visited);
}

// Seed: fail, retry with a new draw, then pass 2 of 3 to unlock the next lesson.
TEST_CASE("session: fail once (1 of 3), retry draws a new attempt, pass (2 of 3) unlocks the next lesson") {
  CourseSession s = loaded_session();
  REQUIRE(s.apply(cmd::OpenLesson{0}).applied);
  const QuizAttempt first = s.quiz_state(0)->attempt;

  take_quiz(s, 1);
  CHECK(s.quiz_state(0)->result->correct == 1);
  CHECK_FALSE(s.quiz_state(0)->result->passed);
  CHECK(lesson_progress(s, "l1").attempts == 1);
  CHECK(lesson_progress(s, "l1").best_score == 1);
  CHECK_FALSE(lesson_progress(s, "l1").passed);
  CHECK_FALSE(unlocked(s, 1));
  CHECK_FALSE(s.apply(cmd::OpenLesson{1}).applied);

  Outcome retry = s.apply(cmd::RetryQuiz{});
  CHECK(retry.applied);
  const QuizState* st = s.quiz_state(0);
  CHECK(st->attempt_number == 1);
  CHECK_FALSE(st->result.has_value());
  CHECK(st->attempt.answers == std::vector<int>{-1, -1, -1});
  bool different = false;
  for (size_t i = 0; i < 3; ++i)
    different = different || st->attempt.questions[i].question != first.questions[i].question ||
                st->attempt.questions[i].order != first.questions[i].order;
  CHECK(different);

  take_quiz(s, 2);
  CHECK(s.quiz_state(0)->result->correct == 2);
  CHECK(s.quiz_state(0)->result->passed);
  CHECK(lesson_progress(s, "l1").attempts == 2);
  CHECK(lesson_progress(s, "l1").best_score == 2);
  CHECK(lesson_progress(s, "l1").passed);
  CHECK(unlocked(s, 1));
  CHECK_FALSE(unlocked(s, 2));

  Outcome open = s.apply(cmd::OpenLesson{1});
  CHECK(open.applied);
  CHECK(s.current_lesson() == 1);
  CHECK(s.progress().current_lesson == "l2");
  CHECK(lesson_progress(s, "l2").visited);
  CHECK_FALSE(s.apply(cmd::OpenLesson{2}).applied);
}

// session.cpp: "passing is permanent; a later fail never relocks".
TEST_CASE("session: a failed attempt after passing does not relock and keeps the best score") {
  CourseSession s = loaded_session();
  take_quiz(s, 3);
  CHECK(lesson_progress(s, "l1").passed);
  for (int right : {0, 1}) {
    REQUIRE(s.apply(cmd::RetryQuiz{}).applied);
    take_quiz(s, right);
    CHECK_FALSE(s.quiz_state(0)->result->passed);
  }
  CHECK(lesson_progress(s, "l1").passed);
  CHECK(lesson_progress(s, "l1").best_score == 3);
  CHECK(lesson_progress(s, "l1").attempts == 3);
  CHECK(unlocked(s, 1));
  CHECK(s.apply(cmd::OpenLesson{1}).applied);
  CHECK(s.apply(cmd::OpenLesson{0}).applied);  // a passed lesson stays open for review
}

TEST_CASE("session: submitting with an unanswered question is refused and records nothing") {
  CourseSession s = loaded_session();
  REQUIRE(s.apply(cmd::SelectAnswer{0, correct_position(s, 0)}).applied);
  REQUIRE(s.apply(cmd::SelectAnswer{2, correct_position(s, 2)}).applied);
  const uint64_t rev = s.revision();
  Outcome o = s.apply(cmd::SubmitQuiz{});
  CHECK_FALSE(o.applied);
  CHECK(o.message.find("Answer every question") != std::string::npos);
  CHECK_FALSE(s.quiz_state(0)->result.has_value());
  CHECK(lesson_progress(s, "l1").attempts == 0);
  CHECK(s.revision() == rev);
  // Answering the last one makes it submittable.
  REQUIRE(s.apply(cmd::SelectAnswer{1, correct_position(s, 1)}).applied);
  CHECK(s.apply(cmd::SubmitQuiz{}).applied);
  CHECK(s.quiz_state(0)->result->correct == 3);
}

TEST_CASE("session: after grading, selecting and resubmitting are refused until Retry") {
  CourseSession s = loaded_session();
  CHECK_FALSE(s.apply(cmd::RetryQuiz{}).applied);  // nothing submitted yet
  take_quiz(s, 1);
  const std::vector<int> answers = s.quiz_state(0)->attempt.answers;
  const QuizResult result = *s.quiz_state(0)->result;
  const uint64_t rev = s.revision();

  Outcome o = s.apply(cmd::SelectAnswer{0, (answers[0] + 1) % kOptionsPerQuestion});
  CHECK_FALSE(o.applied);
  CHECK(o.message.find("already graded") != std::string::npos);
  CHECK(s.quiz_state(0)->attempt.answers == answers);

  o = s.apply(cmd::SubmitQuiz{});
  CHECK_FALSE(o.applied);
  CHECK(s.quiz_state(0)->result->correct == result.correct);
  CHECK(lesson_progress(s, "l1").attempts == 1);
  CHECK(s.revision() == rev);

  CHECK(s.apply(cmd::RetryQuiz{}).applied);
  CHECK(s.apply(cmd::SelectAnswer{0, 0}).applied);
}

TEST_CASE("session: selecting a nonexistent question or option is refused") {
  CourseSession s = loaded_session();
  for (std::pair<int, int> bad : {std::pair{-1, 0}, std::pair{3, 0}, std::pair{0, -1}, std::pair{0, kOptionsPerQuestion}}) {
    CAPTURE(bad.first);
    CAPTURE(bad.second);
    Outcome o = s.apply(cmd::SelectAnswer{bad.first, bad.second});
    CHECK_FALSE(o.applied);
    CHECK_FALSE(o.message.empty());
  }
  CHECK(s.quiz_state(0)->attempt.answers == std::vector<int>{-1, -1, -1});
  CHECK(s.apply(cmd::SelectAnswer{2, kOptionsPerQuestion - 1}).applied);
}

// session.h: "content arrives asynchronously, per lesson".
TEST_CASE("session: quiz commands before the quiz has loaded are refused") {
  CourseSession s(three_lessons());
  CHECK(s.quiz(0) == nullptr);
  CHECK(s.quiz_state(0) == nullptr);
  for (const Command& c : {Command{cmd::SelectAnswer{0, 0}}, Command{cmd::SubmitQuiz{}}, Command{cmd::RetryQuiz{}}}) {
    Outcome o = s.apply(c);
    CHECK_FALSE(o.applied);
    CHECK(o.message.find("still loading") != std::string::npos);
  }
  CHECK(s.apply(cmd::OpenLesson{0}).applied);  // reading does not wait for the quiz
  s.set_lesson_content(7, lesson_for("l8"), quiz_for("l8"));  // out of range: ignored
  CHECK(s.quiz(0) == nullptr);
}

// quiz.h: "an attempt is reproduced exactly after a reload".
TEST_CASE("session: reloading saved progress shows the same attempt; a retry after reload still draws afresh") {
  CourseSession a = loaded_session(1234);
  take_quiz(a, 1);
  REQUIRE(a.apply(cmd::RetryQuiz{}).applied);
  const QuizAttempt on_screen = a.quiz_state(0)->attempt;

  ProgressLoad saved = load_progress(save_progress(a.progress()), a.course());
  REQUIRE(saved.status == LoadStatus::restored);
  CourseSession b(three_lessons());
  for (int i = 0; i < kLessons; ++i) {
    const std::string id = b.course().lessons[size_t(i)].id;
    b.set_lesson_content(i, lesson_for(id), quiz_for(id));
  }
  b.restore(saved.progress);
  REQUIRE(b.quiz_state(0) != nullptr);
  CHECK(b.quiz_state(0)->attempt_number == 1);
  REQUIRE(b.quiz_state(0)->attempt.questions.size() == on_screen.questions.size());
  for (size_t i = 0; i < on_screen.questions.size(); ++i) {
    CHECK(b.quiz_state(0)->attempt.questions[i].question == on_screen.questions[i].question);
    CHECK(b.quiz_state(0)->attempt.questions[i].order == on_screen.questions[i].order);
  }
}

// session.cpp: "a reset is about learning, not about how the page looks".
TEST_CASE("session: reset relocks every lesson and draws anew but keeps preferences") {
  CourseSession s = loaded_session();
  const Preferences prefs{Theme::dark, 140, true};
  REQUIRE(s.apply(cmd::SetPreferences{prefs}).applied);
  take_quiz(s, 3);
  REQUIRE(s.apply(cmd::OpenLesson{1}).applied);
  s.apply(cmd::SetScroll{500});
  const uint64_t seed = s.progress().learner_seed;
  const uint64_t rev = s.revision();

  CHECK(s.apply(cmd::ResetProgress{}).applied);
  CHECK(s.revision() > rev);
  CHECK(s.progress().prefs == prefs);
  CHECK(s.progress().lessons.empty());
  CHECK(s.progress().scroll_px == 0);
  CHECK(s.current_lesson() == 0);
  CHECK(s.progress().current_lesson == "l1");
  CHECK_FALSE(unlocked(s, 1));
  CHECK_FALSE(s.apply(cmd::OpenLesson{1}).applied);
  CHECK(s.progress().learner_seed != seed);  // new draws after a reset
  CHECK(s.quiz_state(0)->attempt_number == 0);
  CHECK_FALSE(s.quiz_state(0)->result.has_value());
  CHECK(s.quiz_state(0)->attempt.answers == std::vector<int>{-1, -1, -1});
}

TEST_CASE("session: importing a bad code is refused and leaves the state unchanged") {
  CourseSession s = loaded_session();
  take_quiz(s, 2);
  const Progress before = s.progress();
  const uint64_t rev = s.revision();
  const QuizResult result = *s.quiz_state(0)->result;
  std::string good = export_code(before, s.course());
  std::string typo = good;
  typo[8] = typo[8] == 'A' ? 'B' : 'A';
  for (const std::string& code : {std::string("hello"), std::string("DBC1.$$$$"), typo, good.substr(0, good.size() - 4)}) {
    CAPTURE(code);
    Outcome o = s.apply(cmd::ImportProgress{code});
    CHECK_FALSE(o.applied);
    CHECK_FALSE(o.message.empty());
    CHECK(s.progress() == before);
    CHECK(s.revision() == rev);
    REQUIRE(s.quiz_state(0)->result.has_value());  // the graded attempt stays on screen
    CHECK(s.quiz_state(0)->result->correct == result.correct);
  }
}

TEST_CASE("session: importing a good code replaces the progress") {
  CourseSession source = loaded_session(77);
  take_quiz(source, 3);
  REQUIRE(source.apply(cmd::OpenLesson{1}).applied);
  take_quiz(source, 2);
  REQUIRE(source.apply(cmd::OpenLesson{2}).applied);
  const std::string code = export_code(source.progress(), source.course());

  CourseSession s = loaded_session(1);
  const uint64_t rev = s.revision();
  Outcome o = s.apply(cmd::ImportProgress{code});
  CHECK(o.applied);
  CHECK_FALSE(o.message.empty());
  CHECK(s.revision() > rev);
  CHECK(s.progress().learner_seed == 77);
  CHECK(s.current_lesson() == 2);
  CHECK(unlocked(s, 2));
  CHECK(lesson_progress(s, "l2").passed);
  CHECK(s.quiz_state(1)->attempt_number == 1);  // one attempt submitted in the source
}

// session.h: "Bumped on every change worth saving; scroll changes bump scroll_revision only".
TEST_CASE("session: revision increments on saved changes, not on answer selection or refusals") {
  CourseSession s = loaded_session();
  uint64_t rev = s.revision();

  REQUIRE(s.apply(cmd::OpenLesson{0}).applied);
  CHECK(s.revision() > rev);
  rev = s.revision();

  REQUIRE(s.apply(cmd::SelectAnswer{0, 1}).applied);
  CHECK(s.revision() == rev);

  const uint64_t scroll_rev = s.scroll_revision();
  REQUIRE(s.apply(cmd::SetScroll{321}).applied);
  CHECK(s.progress().scroll_px == 321);
  CHECK(s.revision() == rev);
  CHECK(s.scroll_revision() > scroll_rev);
  s.apply(cmd::SetScroll{-5});
  CHECK(s.progress().scroll_px == 0);

  REQUIRE(s.apply(cmd::SetPreferences{Preferences{Theme::light, 120, false}}).applied);
  CHECK(s.revision() > rev);
  rev = s.revision();

  take_quiz(s, 2);
  CHECK(s.revision() > rev);
}

// The same rule as a property: over a scripted run, whenever the saved text changes (scroll
// aside), revision() changed too, so the app never misses a save.
TEST_CASE("session: every command that changes the saved progress bumps revision") {
  CourseSession s = loaded_session();
  auto saved_without_scroll = [&] {
    Progress p = s.progress();
    p.scroll_px = 0;
    return save_progress(p);
  };
  std::vector<Command> script = {cmd::OpenLesson{1},     cmd::OpenLesson{0},  cmd::SetScroll{40},   cmd::SelectAnswer{0, 0},
                                 cmd::SelectAnswer{1, 1}, cmd::SubmitQuiz{},   cmd::SelectAnswer{2, 2}, cmd::SubmitQuiz{},
                                 cmd::SubmitQuiz{},      cmd::RetryQuiz{},    cmd::SetPreferences{Preferences{Theme::dark, 90, true}},
                                 cmd::ImportProgress{"DBC1.nope"}, cmd::OpenLesson{2}, cmd::ResetProgress{}, cmd::OpenLesson{0},
                                 cmd::SetScroll{0}};
  for (size_t i = 0; i < script.size(); ++i) {
    CAPTURE(i);
    const std::string before = saved_without_scroll();
    const uint64_t rev = s.revision();
    s.apply(script[i]);
    if (saved_without_scroll() != before) CHECK(s.revision() != rev);
  }
  // And the scripted run did pass through a graded attempt and a reset.
  CHECK(s.progress().lessons.count("l1") == 1);
  CHECK(s.progress().lessons.at("l1").attempts == 0);
}

TEST_CASE("session: opening another lesson resets the reading position; reopening the same keeps it") {
  CourseSession s = loaded_session();
  take_quiz(s, 2);
  REQUIRE(s.apply(cmd::OpenLesson{0}).applied);
  s.apply(cmd::SetScroll{900});
  REQUIRE(s.apply(cmd::OpenLesson{0}).applied);
  CHECK(s.progress().scroll_px == 900);
  REQUIRE(s.apply(cmd::OpenLesson{1}).applied);
  CHECK(s.progress().scroll_px == 0);
}
