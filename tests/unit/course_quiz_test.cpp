// Quiz drawing and grading (src/course/quiz.h): the first attempt shows the customer's three seed
// questions, retries draw afresh from the whole bank, everything reproducible from (quiz, attempt,
// seed), and "2 of 3 correct" passes.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

#include "course/quiz.h"

using namespace course;

namespace {

// Ten questions; the seeds are deliberately not the first three (indexes 2, 5, 7), and the
// correct option moves around so a shuffle-blind grader would be caught.
Quiz bank_quiz() {
  Quiz q;
  q.lesson = "alpha";
  for (int i = 0; i < 10; ++i) {
    Question question;
    question.id = "q" + std::to_string(i);
    question.seed = (i == 2 || i == 5 || i == 7);
    question.prompt = "Question " + std::to_string(i);
    for (int o = 0; o < kOptionsPerQuestion; ++o) {
      question.options[size_t(o)].text = "option " + std::to_string(o);
      question.options[size_t(o)].correct = (o == i % kOptionsPerQuestion);
    }
    q.questions.push_back(question);
  }
  return q;
}

const PassRule kRule{3, 2};

// The shown position of the correct option of drawn question i.
int correct_position(const Quiz& quiz, const QuizAttempt& a, size_t i) {
  const DrawnQuestion& d = a.questions[i];
  for (int pos = 0; pos < kOptionsPerQuestion; ++pos)
    if (quiz.questions[size_t(d.question)].options[size_t(d.order[size_t(pos)])].correct) return pos;
  return -1;
}

// Answers the first `right` drawn questions correctly and the rest wrongly.
void answer(const Quiz& quiz, QuizAttempt& a, int right) {
  for (size_t i = 0; i < a.questions.size(); ++i) {
    int pos = correct_position(quiz, a, i);
    a.answers[i] = int(i) < right ? pos : (pos + 1) % kOptionsPerQuestion;
  }
}

bool same_draw(const QuizAttempt& x, const QuizAttempt& y) {
  if (x.questions.size() != y.questions.size()) return false;
  for (size_t i = 0; i < x.questions.size(); ++i)
    if (x.questions[i].question != y.questions[i].question || x.questions[i].order != y.questions[i].order) return false;
  return true;
}

std::vector<int> drawn_ids(const QuizAttempt& a) {
  std::vector<int> ids;
  for (const DrawnQuestion& d : a.questions) ids.push_back(d.question);
  return ids;
}

bool is_permutation_of_options(const std::array<int, kOptionsPerQuestion>& order) {
  std::array<int, kOptionsPerQuestion> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  return sorted == std::array<int, kOptionsPerQuestion>{0, 1, 2, 3};
}

}  // namespace

// quiz.h: "The first attempt shows the customer's three seed questions".
TEST_CASE("quiz: the first attempt draws exactly the seed questions, in order, unanswered") {
  Quiz quiz = bank_quiz();
  for (uint64_t seed : {0ull, 1ull, 42ull, 0xFFFFFFFFFFFFFFFFull}) {
    CAPTURE(seed);
    QuizAttempt a = draw_attempt(quiz, kRule, 0, seed);
    CHECK(drawn_ids(a) == std::vector<int>{2, 5, 7});
    CHECK(a.answers == std::vector<int>{-1, -1, -1});
    for (const DrawnQuestion& d : a.questions) CHECK(is_permutation_of_options(d.order));
  }
}

TEST_CASE("quiz: options are shuffled (not always shown in file order)") {
  Quiz quiz = bank_quiz();
  bool some_shuffled = false;
  for (uint64_t seed = 0; seed < 20; ++seed)
    for (const DrawnQuestion& d : draw_attempt(quiz, kRule, 0, seed).questions)
      some_shuffled = some_shuffled || d.order != std::array<int, kOptionsPerQuestion>{0, 1, 2, 3};
  CHECK(some_shuffled);
}

// quiz.h: "Everything is a pure function of (quiz, attempt number, seed), so an attempt is
// reproduced exactly after a reload."
TEST_CASE("quiz: the same seed and attempt number always give the identical draw") {
  Quiz quiz = bank_quiz();
  for (int attempt = 0; attempt < 6; ++attempt)
    for (uint64_t seed : {7ull, 0x123456789ABCDEFull}) {
      CAPTURE(attempt);
      CHECK(same_draw(draw_attempt(quiz, kRule, attempt, seed), draw_attempt(quiz, kRule, attempt, seed)));
    }
  // ...and a different learner seed gives a different draw somewhere.
  bool differs = false;
  for (int attempt = 0; attempt < 4; ++attempt)
    differs = differs || !same_draw(draw_attempt(quiz, kRule, attempt, 7), draw_attempt(quiz, kRule, attempt, 8));
  CHECK(differs);
}

// quiz.h: "a retry draws afresh from the whole bank".
TEST_CASE("quiz: retries draw 3 distinct questions from the whole bank, and differ between attempts") {
  Quiz quiz = bank_quiz();
  const uint64_t seed = 99;
  QuizAttempt first_retry = draw_attempt(quiz, kRule, 1, seed);
  bool some_retry_differs = false;
  std::set<int> seen;
  for (int attempt = 1; attempt <= 12; ++attempt) {
    CAPTURE(attempt);
    QuizAttempt a = draw_attempt(quiz, kRule, attempt, seed);
    std::vector<int> ids = drawn_ids(a);
    REQUIRE(ids.size() == 3);
    CHECK(std::set<int>(ids.begin(), ids.end()).size() == 3);
    for (int id : ids) {
      CHECK(id >= 0);
      CHECK(id < int(quiz.questions.size()));
      seen.insert(id);
    }
    CHECK(a.answers == std::vector<int>{-1, -1, -1});
    for (const DrawnQuestion& d : a.questions) CHECK(is_permutation_of_options(d.order));
    if (attempt > 1) some_retry_differs = some_retry_differs || drawn_ids(first_retry) != ids;
  }
  CHECK(some_retry_differs);
  // Non-seed questions are reachable on retries (the bank is not just the seeds).
  CHECK(std::any_of(seen.begin(), seen.end(), [&](int id) { return !quiz.questions[size_t(id)].seed; }));
  // And over several retries the draw is not always the first attempt's set.
  bool differs_from_first = false;
  for (int attempt = 1; attempt <= 5; ++attempt)
    differs_from_first = differs_from_first || drawn_ids(draw_attempt(quiz, kRule, attempt, seed)) != std::vector<int>{2, 5, 7};
  CHECK(differs_from_first);
}

TEST_CASE("quiz: the number of questions follows the pass rule and never exceeds the bank") {
  Quiz quiz = bank_quiz();
  CHECK(draw_attempt(quiz, PassRule{5, 3}, 1, 1).questions.size() == 5);
  CHECK(draw_attempt(quiz, PassRule{2, 1}, 0, 1).questions.size() == 2);  // first two seeds
  CHECK(drawn_ids(draw_attempt(quiz, PassRule{2, 1}, 0, 1)) == std::vector<int>{2, 5});
  CHECK(draw_attempt(quiz, PassRule{20, 1}, 1, 1).questions.size() == 10);
  Quiz empty;
  QuizAttempt a = draw_attempt(empty, kRule, 3, 1);
  CHECK(a.questions.empty());
  CHECK(a.answers.empty());
}

// course.h: correct_to_pass = 2 of questions_per_attempt = 3.
TEST_CASE("quiz: grading boundaries: 0 and 1 of 3 fail, 2 and 3 of 3 pass") {
  Quiz quiz = bank_quiz();
  for (int attempt : {0, 1, 2}) {
    QuizAttempt a = draw_attempt(quiz, kRule, attempt, 5);
    for (int right = 0; right <= 3; ++right) {
      CAPTURE(attempt);
      CAPTURE(right);
      answer(quiz, a, right);
      QuizResult r = grade(quiz, kRule, a);
      CHECK(r.total == 3);
      CHECK(r.correct == right);
      CHECK(r.passed == (right >= 2));
      REQUIRE(r.question_correct.size() == 3);
      for (int i = 0; i < 3; ++i) CHECK(r.question_correct[size_t(i)] == (i < right));
    }
  }
}

TEST_CASE("quiz: grading follows the shuffled position, not the option index") {
  Quiz quiz = bank_quiz();
  QuizAttempt a = draw_attempt(quiz, kRule, 0, 5);
  for (size_t i = 0; i < a.questions.size(); ++i) {
    const DrawnQuestion& d = a.questions[i];
    // Choose the shown position whose *index* equals the correct option index: right only when
    // the shuffle left that option in place.
    int correct_index = quiz.questions[size_t(d.question)].correct_option();
    a.answers[i] = correct_index;
    bool in_place = d.order[size_t(correct_index)] == correct_index;
    CHECK(grade(quiz, kRule, a).question_correct[i] == in_place);
  }
}

TEST_CASE("quiz: unanswered or out-of-range answers count as wrong") {
  Quiz quiz = bank_quiz();
  QuizAttempt a = draw_attempt(quiz, kRule, 0, 5);
  QuizResult r = grade(quiz, kRule, a);  // nothing answered
  CHECK(r.correct == 0);
  CHECK_FALSE(r.passed);

  answer(quiz, a, 3);
  a.answers[2] = -1;  // 2 right, 1 unanswered: still passes
  r = grade(quiz, kRule, a);
  CHECK(r.correct == 2);
  CHECK(r.passed);

  a.answers[1] = -1;  // 1 right, 2 unanswered: fails
  r = grade(quiz, kRule, a);
  CHECK(r.correct == 1);
  CHECK_FALSE(r.passed);

  answer(quiz, a, 3);
  a.answers[0] = kOptionsPerQuestion;  // one past the last option
  a.answers[1] = 1000;
  r = grade(quiz, kRule, a);
  CHECK(r.correct == 1);
  CHECK(r.question_correct == std::vector<bool>{false, false, true});

  a.answers.resize(1);  // fewer answers than questions: the missing ones are wrong
  a.answers[0] = correct_position(quiz, a, 0);
  r = grade(quiz, kRule, a);
  CHECK(r.total == 3);
  CHECK(r.correct == 1);
}

TEST_CASE("quiz: a stricter rule (3 of 3) fails 2 of 3") {
  Quiz quiz = bank_quiz();
  PassRule strict{3, 3};
  QuizAttempt a = draw_attempt(quiz, strict, 0, 5);
  answer(quiz, a, 2);
  CHECK_FALSE(grade(quiz, strict, a).passed);
  answer(quiz, a, 3);
  CHECK(grade(quiz, strict, a).passed);
}

TEST_CASE("quiz: all_answered is true only when every drawn question has an answer") {
  Quiz quiz = bank_quiz();
  QuizAttempt a = draw_attempt(quiz, kRule, 0, 5);
  CHECK_FALSE(all_answered(a));
  a.answers = {0, 3, -1};
  CHECK_FALSE(all_answered(a));
  a.answers = {-1, 3, 2};
  CHECK_FALSE(all_answered(a));
  a.answers = {0, 3, 2};
  CHECK(all_answered(a));
}

// quiz.h: splitmix64 is "identical on every platform": pin the reference sequence.
TEST_CASE("quiz: splitmix64 matches the reference output") {
  uint64_t state = 0;
  CHECK(splitmix64(state) == 0xE220A8397B1DCDAFull);
  CHECK(state == 0x9E3779B97F4A7C15ull);
  CHECK(splitmix64(state) == 0x6E789E6AA1B965F4ull);
  CHECK(splitmix64(state) == 0x06C45D188009454Full);
}
