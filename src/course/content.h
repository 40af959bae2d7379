// The course content model and its loader (content/SCHEMA.md is the authoritative format).
//
//   Diagnostics d;
//   Course course = parse_course(read("course.json"), d);
//   Lesson lesson = parse_lesson(read(course.lessons[0].file), course.lessons[0].file, course, d);
//   Quiz quiz = parse_quiz(read(course.lessons[0].quiz), course.lessons[0].quiz, course, d);
//   if (!d.ok()) ... every error names the file, the JSON path and the reason.
//
// Parsers never throw and never crash on bad input; they return what they could read.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "course/diagnostics.h"

namespace course {

constexpr int kContentSchemaVersion = 1;
constexpr int kOptionsPerQuestion = 4;
constexpr int kSeedQuestionsPerQuiz = 3;
constexpr int kMinExtraQuestionsPerQuiz = 5;

struct PassRule {
  int questions_per_attempt = 3;
  int correct_to_pass = 2;  // the seed's "70% (2/3)" is really 2 of 3 = 66.7%; we state the count
};

struct LessonRef {
  std::string id, title, file, quiz;
};

struct LabRef {
  std::string id, title, lesson;
};

struct Course {
  std::string title, subtitle;
  PassRule pass_rule;
  std::vector<LessonRef> lessons;
  std::vector<LabRef> labs;

  int lesson_index(const std::string& id) const;  // -1 when unknown
  const LabRef* lab(const std::string& id) const;
};

enum class BlockType { heading, paragraph, list, table, code, callout, lab };
enum class CalloutStyle { tip, warning, example, note };

struct Block {
  BlockType type = BlockType::paragraph;
  int level = 2;                              // heading
  std::string text;                           // heading, paragraph, code, callout, lab
  bool ordered = false;                       // list
  std::vector<std::string> items;             // list
  std::vector<std::string> header;            // table
  std::vector<std::vector<std::string>> rows; // table
  std::string caption;                        // table, code
  std::string language;                       // code
  CalloutStyle style = CalloutStyle::note;    // callout
  std::string title;                          // callout, lab
  std::string lab;                            // lab: id into Course::labs
};

struct Lesson {
  std::string id, title, summary;
  int minutes = 0;
  std::vector<Block> blocks;
};

struct Option {
  std::string text, why;
  bool correct = false;
};

struct Question {
  std::string id, prompt;
  bool seed = false;  // one of the customer's original three: drawn on the first attempt
  std::array<Option, kOptionsPerQuestion> options;
  int correct_option() const;
};

struct Quiz {
  std::string lesson;
  std::vector<Question> questions;
};

Course parse_course(const std::string& text, Diagnostics& d);
Lesson parse_lesson(const std::string& text, const std::string& file, const Course& course, Diagnostics& d);
Quiz parse_quiz(const std::string& text, const std::string& file, const Course& course, Diagnostics& d);

}  // namespace course
