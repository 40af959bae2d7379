// Quiz drawing and grading. An attempt shows `questions_per_attempt` questions with shuffled
// options. The first attempt shows the customer's three seed questions; a retry draws afresh
// from the whole bank. Everything is a pure function of (quiz, attempt number, seed), so an
// attempt is reproduced exactly after a reload.
//
//   QuizAttempt a = draw_attempt(quiz, rule, /*attempt_number=*/0, learner_seed);
//   a.answers[0] = 2;                    // the learner picks the third option shown
//   QuizResult r = grade(quiz, rule, a); // r.correct, r.passed, r.question_correct[i]
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "course/content.h"

namespace course {

struct DrawnQuestion {
  int question = 0;                                 // index into Quiz::questions
  std::array<int, kOptionsPerQuestion> order{};     // order[shown position] = option index
};

struct QuizAttempt {
  std::vector<DrawnQuestion> questions;
  std::vector<int> answers;  // per drawn question: chosen shown position, or -1
};

struct QuizResult {
  int correct = 0;
  int total = 0;
  bool passed = false;
  std::vector<bool> question_correct;
};

QuizAttempt draw_attempt(const Quiz& quiz, const PassRule& rule, int attempt_number, uint64_t seed);
QuizResult grade(const Quiz& quiz, const PassRule& rule, const QuizAttempt& attempt);
bool all_answered(const QuizAttempt& attempt);

// splitmix64 (Steele, Lea & Flood 2014): tiny, and identical on every platform, unlike
// <random>'s distributions.
uint64_t splitmix64(uint64_t& state);

}  // namespace course
