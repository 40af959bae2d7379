#include "course/quiz.h"

#include <algorithm>

namespace course {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

namespace {
// Unbiased integer in [0, n) by rejection, so every platform draws the same sequence.
int below(uint64_t& state, int n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % uint64_t(n);
  uint64_t x;
  do x = splitmix64(state); while (x >= limit);
  return int(x % uint64_t(n));
}

template <typename T>
void shuffle(std::vector<T>& v, uint64_t& state) {
  for (int i = int(v.size()) - 1; i > 0; --i) std::swap(v[i], v[below(state, i + 1)]);
}
}  // namespace

QuizAttempt draw_attempt(const Quiz& quiz, const PassRule& rule, int attempt_number, uint64_t seed) {
  uint64_t state = seed ^ (0xA5A5A5A5ull * uint64_t(attempt_number + 1));
  std::vector<int> pool;
  for (int i = 0; i < int(quiz.questions.size()); ++i)
    if (attempt_number > 0 || quiz.questions[i].seed) pool.push_back(i);
  // First attempt: the seed questions in the customer's order. Retries: a fresh random draw.
  if (attempt_number > 0) shuffle(pool, state);
  pool.resize(std::min<size_t>(pool.size(), size_t(rule.questions_per_attempt)));

  QuizAttempt attempt;
  for (int q : pool) {
    std::vector<int> order = {0, 1, 2, 3};
    shuffle(order, state);
    DrawnQuestion d;
    d.question = q;
    std::copy(order.begin(), order.end(), d.order.begin());
    attempt.questions.push_back(d);
  }
  attempt.answers.assign(attempt.questions.size(), -1);
  return attempt;
}

QuizResult grade(const Quiz& quiz, const PassRule& rule, const QuizAttempt& attempt) {
  QuizResult r;
  r.total = int(attempt.questions.size());
  for (size_t i = 0; i < attempt.questions.size(); ++i) {
    const DrawnQuestion& d = attempt.questions[i];
    int shown = i < attempt.answers.size() ? attempt.answers[i] : -1;
    bool ok = shown >= 0 && shown < kOptionsPerQuestion && d.question < int(quiz.questions.size()) &&
              quiz.questions[d.question].options[d.order[shown]].correct;
    r.question_correct.push_back(ok);
    r.correct += ok;
  }
  r.passed = r.correct >= rule.correct_to_pass;
  return r;
}

bool all_answered(const QuizAttempt& attempt) {
  return std::all_of(attempt.answers.begin(), attempt.answers.end(), [](int a) { return a >= 0; });
}

}  // namespace course
