// Content loader and inline markup (content/SCHEMA.md). Every malformed-content rule is checked at
// its boundary: the error names the file, the exact JSON pointer and the reason.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "course/content.h"
#include "course/inline_markup.h"

using namespace course;
using json = nlohmann::json;

namespace {

// ---- Fixtures: one valid document of each kind; each test breaks exactly one thing. ----------

json valid_course() {
  return {{"schema_version", 1},
          {"title", "Test course"},
          {"subtitle", "For tests"},
          {"pass_rule", {{"questions_per_attempt", 3}, {"correct_to_pass", 2}}},
          {"lessons",
           {{{"id", "alpha"}, {"title", "Alpha"}, {"file", "lessons/01-alpha.json"}, {"quiz", "quizzes/01-alpha.json"}},
            {{"id", "beta"}, {"title", "Beta"}, {"file", "lessons/02-beta.json"}, {"quiz", "quizzes/02-beta.json"}}}},
          {"labs", {{{"id", "alpha-lab"}, {"title", "Alpha lab"}, {"lesson", "alpha"}}}}};
}

Course course_from(const json& j) {
  Diagnostics d;
  Course c = parse_course(j.dump(), d);
  REQUIRE(d.ok());
  return c;
}

const Course& test_course() {
  static const Course c = course_from(valid_course());
  return c;
}

// Blocks by index: 0 heading, 1 paragraph, 2 list, 3 table, 4 code, 5 callout, 6 lab.
json valid_lesson() {
  return {{"schema_version", 1},
          {"id", "alpha"},
          {"title", "Alpha"},
          {"summary", "A *short* summary."},
          {"minutes", 15},
          {"blocks",
           {{{"type", "heading"}, {"level", 2}, {"text", "Section"}},
            {{"type", "paragraph"}, {"text", "Use **quorums**, not `hope`."}},
            {{"type", "list"}, {"ordered", true}, {"items", {"one", "*two*"}}},
            {{"type", "table"},
             {"header", {"a", "b", "c"}},
             {"rows", {{"1", "2", "3"}, {"4", "5", "6"}}},
             {"caption", "Numbers"}},
            {{"type", "code"}, {"language", "sql"}, {"text", "SELECT 1;"}},
            {{"type", "callout"}, {"style", "warning"}, {"title", "Careful"}, {"text", "Backups **matter**."}},
            {{"type", "lab"}, {"lab", "alpha-lab"}, {"title", "Try it"}, {"text", "Break the cluster."}}}}};
}

json question(const std::string& id, bool seed, int correct_index = 0) {
  json options = json::array();
  for (int i = 0; i < 4; ++i)
    options.push_back({{"text", "option " + std::to_string(i)}, {"correct", i == correct_index}, {"why", "because"}});
  return {{"id", id}, {"seed", seed}, {"prompt", "Question " + id + "?"}, {"options", options}};
}

// 3 seed questions (s1..s3) followed by 5 extras (e1..e5): exactly the minimum the schema allows.
json valid_quiz() {
  json qs = json::array();
  for (int i = 1; i <= 3; ++i) qs.push_back(question("s" + std::to_string(i), true, i % 4));
  for (int i = 1; i <= 5; ++i) qs.push_back(question("e" + std::to_string(i), false, i % 4));
  return {{"schema_version", 1}, {"lesson", "alpha"}, {"questions", qs}};
}

Diagnostics course_errors(const std::string& text) {
  Diagnostics d;
  parse_course(text, d);
  return d;
}
Diagnostics lesson_errors(const std::string& text) {
  Diagnostics d;
  parse_lesson(text, "lessons/01-alpha.json", test_course(), d);
  return d;
}
Diagnostics quiz_errors(const std::string& text) {
  Diagnostics d;
  parse_quiz(text, "quizzes/01-alpha.json", test_course(), d);
  return d;
}

std::string dump_all(const Diagnostics& d) {
  std::string s;
  for (const Diagnostic& e : d.errors()) s += e.to_string() + "\n";
  return s;
}

// The document has exactly one error, in `file` at `path`, whose message contains `reason`.
void expect_only_error(const Diagnostics& d, const std::string& file, const std::string& path, const std::string& reason) {
  INFO("diagnostics:\n" << dump_all(d));
  REQUIRE(d.errors().size() == 1);
  const Diagnostic& e = d.errors()[0];
  CHECK(e.file == file);
  CHECK(e.path == path);
  CHECK(e.message.find(reason) != std::string::npos);
}

// Some error is at `path` with `reason` (for inputs that legitimately produce follow-on errors).
void expect_error(const Diagnostics& d, const std::string& path, const std::string& reason) {
  INFO("diagnostics:\n" << dump_all(d));
  bool found = false;
  for (const Diagnostic& e : d.errors()) found = found || (e.path == path && e.message.find(reason) != std::string::npos);
  CHECK(found);
}

const char* kLesson = "lessons/01-alpha.json";
const char* kQuiz = "quizzes/01-alpha.json";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

// ---- The fixtures themselves are valid (otherwise every "one error" test below is meaningless) --

TEST_CASE("content: the valid fixtures parse without diagnostics and keep every field") {
  Diagnostics d;
  Course c = parse_course(valid_course().dump(), d);
  CHECK(d.ok());
  CHECK(c.title == "Test course");
  CHECK(c.pass_rule.questions_per_attempt == 3);
  CHECK(c.pass_rule.correct_to_pass == 2);
  REQUIRE(c.lessons.size() == 2);
  CHECK(c.lessons[1].file == "lessons/02-beta.json");
  CHECK(c.lesson_index("beta") == 1);
  CHECK(c.lesson_index("gamma") == -1);
  REQUIRE(c.lab("alpha-lab") != nullptr);
  CHECK(c.lab("alpha-lab")->lesson == "alpha");
  CHECK(c.lab("nope") == nullptr);

  Lesson l = parse_lesson(valid_lesson().dump(), kLesson, c, d);
  CHECK(d.ok());
  CHECK(l.minutes == 15);
  REQUIRE(l.blocks.size() == 7);
  CHECK(l.blocks[0].type == BlockType::heading);
  CHECK(l.blocks[2].ordered);
  CHECK(l.blocks[2].items == std::vector<std::string>{"one", "*two*"});
  CHECK(l.blocks[3].rows.size() == 2);
  CHECK(l.blocks[3].caption == "Numbers");
  CHECK(l.blocks[4].language == "sql");
  CHECK(l.blocks[5].style == CalloutStyle::warning);
  CHECK(l.blocks[5].title == "Careful");
  CHECK(l.blocks[6].lab == "alpha-lab");

  Quiz q = parse_quiz(valid_quiz().dump(), kQuiz, c, d);
  CHECK(d.ok());
  REQUIRE(q.questions.size() == 8);
  CHECK(q.questions[0].seed);
  CHECK_FALSE(q.questions[3].seed);
  CHECK(q.questions[2].correct_option() == 3);
  CHECK(q.questions[3].correct_option() == 1);
}

// SCHEMA: "content-lint checks every rule below" — the shipped course must satisfy all of them.
TEST_CASE("content: the real course, every lesson and every quiz load with zero diagnostics") {
  const std::string dir = DBC_CONTENT_DIR;
  Diagnostics d;
  std::string course_text = read_file(dir + "/course.json");
  REQUIRE_FALSE(course_text.empty());
  Course c = parse_course(course_text, d);
  INFO("diagnostics:\n" << dump_all(d));
  REQUIRE(d.ok());
  REQUIRE(c.lessons.size() == 6);
  std::vector<bool> lab_used(c.labs.size(), false);
  for (size_t i = 0; i < c.lessons.size(); ++i) {
    const LessonRef& ref = c.lessons[i];
    CAPTURE(ref.id);
    std::string lesson_text = read_file(dir + "/" + ref.file);
    std::string quiz_text = read_file(dir + "/" + ref.quiz);
    REQUIRE_FALSE(lesson_text.empty());
    REQUIRE_FALSE(quiz_text.empty());
    Lesson l = parse_lesson(lesson_text, ref.file, c, d);
    Quiz q = parse_quiz(quiz_text, ref.quiz, c, d);
    // SCHEMA: "`id` must equal the id in course.json" (for this slot, not just any lesson).
    CHECK(l.id == ref.id);
    CHECK(q.lesson == ref.id);
    CHECK_FALSE(l.blocks.empty());
    for (const Block& b : l.blocks)
      if (b.type == BlockType::lab) {
        const LabRef* lab = c.lab(b.lab);
        REQUIRE(lab != nullptr);  // (a lab may appear again in a later lesson, e.g. "Lesson 2 lab")
        lab_used[size_t(lab - c.labs.data())] = true;
      }
  }
  CHECK(d.ok());
  for (size_t i = 0; i < c.labs.size(); ++i) {
    CAPTURE(c.labs[i].id);
    CHECK(lab_used[i]);  // a registered lab with no slot in any lesson would never be shown
  }
}

// ---- Document-level errors ------------------------------------------------------------------

// "names the file, the JSON path and the reason": invalid JSON has the root path.
TEST_CASE("content: invalid JSON is reported once, at the root, for each kind of file") {
  expect_only_error(course_errors("{\"title\": \"x\",}"), "course.json", "", "not valid JSON");
  expect_only_error(lesson_errors("{\"id\": \"alpha\""), kLesson, "", "not valid JSON");
  expect_only_error(quiz_errors(""), kQuiz, "", "not valid JSON");
  Diagnostics d = course_errors("nope");
  REQUIRE(d.errors().size() == 1);
  CHECK(d.errors()[0].to_string().rfind("course.json: /: not valid JSON", 0) == 0);
}

TEST_CASE("content: a root that is not an object is one error, not a crash") {
  expect_only_error(course_errors("[1, 2]"), "course.json", "", "expected an object, found an array");
  expect_only_error(lesson_errors("\"text\""), kLesson, "", "expected an object, found a string");
  expect_only_error(quiz_errors("null"), kQuiz, "", "expected an object, found null");
}

// SCHEMA "(version 1)": other versions are refused, at /schema_version.
TEST_CASE("content: wrong schema_version") {
  for (int v : {0, 2, 1001}) {
    CAPTURE(v);
    json c = valid_course();
    c["schema_version"] = v;
    Diagnostics d = course_errors(c.dump());
    expect_only_error(d, "course.json", "/schema_version", v == 2 ? "schema version 2 is not supported" : "must be between");

    json l = valid_lesson();
    l["schema_version"] = v;
    expect_only_error(lesson_errors(l.dump()), kLesson, "/schema_version", v == 2 ? "not supported" : "must be between");

    json q = valid_quiz();
    q["schema_version"] = v;
    expect_only_error(quiz_errors(q.dump()), kQuiz, "/schema_version", v == 2 ? "not supported" : "must be between");
  }
  json c = valid_course();
  c["schema_version"] = "1";
  expect_only_error(course_errors(c.dump()), "course.json", "/schema_version", "expected an integer, found a string");
  c.erase("schema_version");
  expect_only_error(course_errors(c.dump()), "course.json", "/schema_version", "missing required field \"schema_version\"");
}

// ---- Missing, mistyped and unknown fields --------------------------------------------------

TEST_CASE("content: missing required field names the field at its own path") {
  json c = valid_course();
  c.erase("title");
  expect_only_error(course_errors(c.dump()), "course.json", "/title", "missing required field \"title\" (a string)");

  c = valid_course();
  c["lessons"][1].erase("quiz");
  expect_only_error(course_errors(c.dump()), "course.json", "/lessons/1/quiz", "missing required field \"quiz\"");

  c = valid_course();
  c.erase("pass_rule");
  expect_only_error(course_errors(c.dump()), "course.json", "/pass_rule", "missing required field \"pass_rule\"");

  json l = valid_lesson();
  l.erase("minutes");
  expect_only_error(lesson_errors(l.dump()), kLesson, "/minutes", "missing required field \"minutes\" (an integer)");

  l = valid_lesson();
  l["blocks"][1].erase("text");
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/1/text", "missing required field \"text\"");

  l = valid_lesson();
  l["blocks"][0].erase("type");
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/0/type", "missing required field \"type\"");

  json q = valid_quiz();
  q["questions"][4]["options"][2].erase("why");  // SCHEMA: "every option has a why"
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions/4/options/2/why", "missing required field \"why\"");

  q = valid_quiz();
  q["questions"][0].erase("seed");
  Diagnostics d = quiz_errors(q.dump());
  // The seed count then drops to 2, which is its own (correct) error.
  expect_error(d, "/questions/0/seed", "missing required field \"seed\" (a boolean)");
  expect_error(d, "/questions", "found 2");
}

TEST_CASE("content: wrong type names what was expected and what was found") {
  json c = valid_course();
  c["title"] = 5;
  expect_only_error(course_errors(c.dump()), "course.json", "/title", "expected a string, found a number");

  c = valid_course();
  c["lessons"] = json::object();
  c["labs"] = json::array();  // otherwise the lab's lesson is unknown too
  expect_only_error(course_errors(c.dump()), "course.json", "/lessons", "expected an array, found an object");

  json l = valid_lesson();
  l["minutes"] = "15";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/minutes", "expected an integer, found a string");

  l = valid_lesson();
  l["minutes"] = 1.5;
  expect_only_error(lesson_errors(l.dump()), kLesson, "/minutes", "expected an integer, found a number");

  l = valid_lesson();
  l["blocks"][2]["ordered"] = "yes";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/2/ordered", "expected a boolean, found a string");

  l = valid_lesson();
  l["blocks"][2]["items"][1] = 7;
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/2/items/1", "expected a string, found a number");

  l = valid_lesson();
  l["blocks"][1] = "just text";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/1", "expected an object, found a string");

  l = valid_lesson();
  l["blocks"][0]["type"] = 3;
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/0/type", "expected a string, found a number");

  json q = valid_quiz();
  q["questions"][6]["options"][0]["correct"] = "true";
  Diagnostics d = quiz_errors(q.dump());
  expect_error(d, "/questions/6/options/0/correct", "expected a boolean, found a string");
}

// SCHEMA: "Unknown fields are errors, so a typo never silently hides content."
TEST_CASE("content: unknown field is reported at the field's own path") {
  json c = valid_course();
  c["titel"] = "typo";
  expect_only_error(course_errors(c.dump()), "course.json", "/titel", "unknown field \"titel\"");

  c = valid_course();
  c["pass_rule"]["correct"] = 2;
  expect_only_error(course_errors(c.dump()), "course.json", "/pass_rule/correct", "unknown field \"correct\"");

  json l = valid_lesson();
  l["blocks"][4]["colour"] = "red";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/4/colour", "unknown field \"colour\"");

  // A field valid for one block type is unknown on another.
  l = valid_lesson();
  l["blocks"][1]["caption"] = "not for paragraphs";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/1/caption", "unknown field \"caption\"");

  json q = valid_quiz();
  q["questions"][0]["options"][2]["hint"] = "h";
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions/0/options/2/hint", "unknown field \"hint\"");

  // RFC 6901: "/" and "~" in a key are escaped in the pointer.
  l = valid_lesson();
  l["a/b~c"] = 1;
  expect_only_error(lesson_errors(l.dump()), kLesson, "/a~1b~0c", "unknown field \"a/b~c\"");
}

// ---- course.json rules ---------------------------------------------------------------------

TEST_CASE("content: duplicate lesson id in course.json") {
  json c = valid_course();
  c["lessons"][1]["id"] = "alpha";
  expect_only_error(course_errors(c.dump()), "course.json", "/lessons/1/id", "duplicate lesson id \"alpha\"");
}

TEST_CASE("content: duplicate lab id in course.json") {
  json c = valid_course();
  c["labs"].push_back({{"id", "alpha-lab"}, {"title", "Again"}, {"lesson", "beta"}});
  expect_only_error(course_errors(c.dump()), "course.json", "/labs/1/id", "duplicate lab id \"alpha-lab\"");
}

TEST_CASE("content: lab referencing an unknown lesson") {
  json c = valid_course();
  c["labs"][0]["lesson"] = "gamma";
  expect_only_error(course_errors(c.dump()), "course.json", "/labs/0/lesson", "lesson \"gamma\" does not exist");
}

TEST_CASE("content: a course needs at least one lesson") {
  json c = valid_course();
  c["lessons"] = json::array();
  c["labs"] = json::array();
  expect_only_error(course_errors(c.dump()), "course.json", "/lessons", "at least one lesson");
}

TEST_CASE("content: pass_rule bounds (correct_to_pass cannot exceed questions_per_attempt)") {
  json c = valid_course();
  c["pass_rule"]["correct_to_pass"] = 3;  // boundary: all of them
  CHECK(course_errors(c.dump()).ok());
  c["pass_rule"]["correct_to_pass"] = 4;
  expect_only_error(course_errors(c.dump()), "course.json", "/pass_rule/correct_to_pass", "must be between 1 and 3, found 4");
  c["pass_rule"]["correct_to_pass"] = 0;
  expect_only_error(course_errors(c.dump()), "course.json", "/pass_rule/correct_to_pass", "must be between 1 and 3, found 0");
}

// ---- Lesson rules --------------------------------------------------------------------------

TEST_CASE("content: lesson id not in course.json") {
  json l = valid_lesson();
  l["id"] = "gamma";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/id", "lesson \"gamma\" is not listed in course.json");
}

TEST_CASE("content: unknown block type") {
  json l = valid_lesson();
  l["blocks"][2] = {{"type", "quote"}, {"text", "x"}};
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/2/type", "unknown block type \"quote\"");
}

// SCHEMA: heading "level (2 or 3)".
TEST_CASE("content: heading level 2 and 3 are accepted, 1 and 4 are out of range") {
  for (int level : {2, 3}) {
    json l = valid_lesson();
    l["blocks"][0]["level"] = level;
    CHECK(lesson_errors(l.dump()).ok());
  }
  for (int level : {1, 4}) {
    CAPTURE(level);
    json l = valid_lesson();
    l["blocks"][0]["level"] = level;
    expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/0/level",
                      "must be between 2 and 3, found " + std::to_string(level));
  }
}

// SCHEMA: table "rows (array of arrays, same length as header)".
TEST_CASE("content: a table row shorter or longer than the header") {
  json l = valid_lesson();
  l["blocks"][3]["rows"][1] = {"4", "5"};
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/3/rows/1", "row has 2 cells but the header has 3");

  l = valid_lesson();
  l["blocks"][3]["rows"][0] = {"1", "2", "3", "4"};
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/3/rows/0", "row has 4 cells but the header has 3");

  l = valid_lesson();
  l["blocks"][3]["rows"][1] = "4,5,6";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/3/rows/1", "must be an array");

  l = valid_lesson();
  l["blocks"][3]["rows"][0][2] = "**open";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/3/rows/0/2", "inline markup");
}

// SCHEMA: "Markers must be balanced within one string."
TEST_CASE("content: unbalanced inline markup in every place that takes markup") {
  json l = valid_lesson();
  l["blocks"][1]["text"] = "Use **quorums, not hope.";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/1/text", "inline markup");

  l = valid_lesson();
  l["summary"] = "A `short summary.";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/summary", "inline markup");

  l = valid_lesson();
  l["blocks"][2]["items"][0] = "*one";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/2/items/0", "inline markup");

  l = valid_lesson();
  l["blocks"][5]["text"] = "2 * 3";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/5/text", "inline markup");

  l = valid_lesson();
  l["blocks"][5]["text"] = "2 \\* 3";  // the escaped form is fine
  CHECK(lesson_errors(l.dump()).ok());

  json q = valid_quiz();
  q["questions"][1]["options"][3]["why"] = "**because";
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions/1/options/3/why", "inline markup");
  q = valid_quiz();
  q["questions"][1]["prompt"] = "Which is `right?";
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions/1/prompt", "inline markup");
}

TEST_CASE("content: text shown to learners must not be empty") {
  json l = valid_lesson();
  l["blocks"][1]["text"] = "";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/1/text", "must not be empty");
  l = valid_lesson();
  l["blocks"][0]["text"] = "";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/0/text", "must not be empty");
  l = valid_lesson();
  l["blocks"][2]["items"] = json::array();
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/2/items", "at least one item");
}

// SCHEMA: code "language (sql, shell, yaml, ini, json, javascript, text)".
TEST_CASE("content: every listed code language is accepted; any other is an error") {
  for (const char* lang : {"sql", "shell", "yaml", "ini", "json", "javascript", "text"}) {
    json l = valid_lesson();
    l["blocks"][4]["language"] = lang;
    CHECK_MESSAGE(lesson_errors(l.dump()).ok(), lang);
  }
  for (const char* lang : {"python", "SQL", ""}) {
    CAPTURE(lang);
    json l = valid_lesson();
    l["blocks"][4]["language"] = lang;
    expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/4/language",
                      std::string("unknown language \"") + lang + "\"");
  }
}

// SCHEMA: callout "style (tip, warning, example, note)".
TEST_CASE("content: every listed callout style is accepted; any other is an error") {
  const std::pair<const char*, CalloutStyle> styles[] = {
      {"tip", CalloutStyle::tip}, {"warning", CalloutStyle::warning},
      {"example", CalloutStyle::example}, {"note", CalloutStyle::note}};
  for (const auto& [name, style] : styles) {
    json l = valid_lesson();
    l["blocks"][5]["style"] = name;
    Diagnostics d;
    Lesson lesson = parse_lesson(l.dump(), kLesson, test_course(), d);
    CHECK(d.ok());
    CHECK(lesson.blocks[5].style == style);
  }
  json l = valid_lesson();
  l["blocks"][5].erase("style");
  expect_error(lesson_errors(l.dump()), "/blocks/5/style", "missing required field \"style\"");
  l = valid_lesson();
  l["blocks"][5]["style"] = "danger";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/5/style", "\"danger\" is not one of: tip, warning, example, note");
}

// SCHEMA: lab "lab (an id from course.json labs)".
TEST_CASE("content: lab block whose id is not in course.json's labs") {
  json l = valid_lesson();
  l["blocks"][6]["lab"] = "raft";
  expect_only_error(lesson_errors(l.dump()), kLesson, "/blocks/6/lab", "lab \"raft\" is not in course.json's labs");
}

// ---- Quiz rules ----------------------------------------------------------------------------

TEST_CASE("content: quiz for a lesson not in course.json") {
  json q = valid_quiz();
  q["lesson"] = "gamma";
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/lesson", "lesson \"gamma\" is not listed in course.json");
}

// SCHEMA: "Question ids are unique within the quiz."
TEST_CASE("content: duplicate question id") {
  json q = valid_quiz();
  q["questions"][4]["id"] = "e1";  // e2 renamed to e1, which is questions[3]
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions/4/id", "duplicate question id \"e1\"");
}

// SCHEMA: "Each question has exactly 4 options".
TEST_CASE("content: a question with 3 or 5 options") {
  json q = valid_quiz();
  q["questions"][2]["options"].erase(2);  // question s3 has its correct option at 3: still one correct
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions/2/options", "exactly 4 options, found 3");

  q = valid_quiz();
  q["questions"][2]["options"].push_back({{"text", "fifth"}, {"correct", false}, {"why", "w"}});
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions/2/options", "exactly 4 options, found 5");
}

// SCHEMA: "exactly one correct: true".
TEST_CASE("content: a question with zero or two correct options") {
  json q = valid_quiz();
  q["questions"][5]["options"][3]["correct"] = false;  // e3's only correct option
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions/5/options", "exactly one option must be correct, found 0");

  q = valid_quiz();
  q["questions"][5]["options"][0]["correct"] = true;
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions/5/options", "exactly one option must be correct, found 2");
}

// SCHEMA: "Exactly 3 questions per quiz have seed: true".
TEST_CASE("content: 2 or 4 seed questions are wrong, 3 is right") {
  json q = valid_quiz();
  q["questions"][2]["seed"] = false;  // 2 seeds, 6 extras
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions", "exactly 3 questions must have \"seed\": true, found 2");

  q = valid_quiz();
  q["questions"].push_back(question("s4", true));  // 4 seeds, 5 extras
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions", "exactly 3 questions must have \"seed\": true, found 4");
}

// SCHEMA: "at least 5 more have seed: false".
TEST_CASE("content: 4 extra questions are too few, 5 are enough") {
  json q = valid_quiz();
  q["questions"].erase(7);  // 3 seeds + 4 extras
  expect_only_error(quiz_errors(q.dump()), kQuiz, "/questions", "at least 5 questions beyond the seed's are needed, found 4");

  q = valid_quiz();
  q["questions"].push_back(question("e6", false));  // 6 extras: more than the minimum is fine
  CHECK(quiz_errors(q.dump()).ok());
}

// ---- Hostile input: the loader never crashes and never accepts garbage -----------------------

TEST_CASE("content: hostile input never crashes the loader") {
  std::vector<std::string> inputs;
  inputs.push_back(std::string(100000, '[') + std::string(100000, ']'));  // deeply nested arrays
  inputs.push_back(std::string(100000, '['));                             // ... and unterminated
  {
    std::string deep_block = std::string(50000, '[') + std::string(50000, ']');
    json l = valid_lesson();
    std::string text = l.dump();
    text.replace(text.find("\"blocks\":[") + 10, 0, deep_block + ",");
    inputs.push_back(text);  // a valid document with a 50000-deep block
  }
  {
    json l = valid_lesson();
    l["title"] = std::string(8 * 1024 * 1024, 'x');
    l["blocks"][1]["text"] = std::string(1024 * 1024, '*');  // a million markers
    inputs.push_back(l.dump());
  }
  inputs.push_back("{\"schema_version\": 1, \"id\": \"\xff\xfe\xc0\x80\", \"title\": \"t\"}");  // not UTF-8
  inputs.push_back(std::string("{\"id\":\"a\0b\"}", 12));                                         // embedded NUL
  for (const char* number : {"1e400", "-1e400", "99999999999999999999", "18446744073709551615", "9223372036854775808",
                             "-9223372036854775809", "-9223372036854775808", "1.0", "-0"}) {
    json l = valid_lesson();
    std::string text = l.dump();
    text.replace(text.find("\"minutes\":15"), 12, std::string("\"minutes\":") + number);
    inputs.push_back(text);
    inputs.push_back(std::string("{\"schema_version\":") + number + "}");
  }
  for (std::string bad : {"{", "}", "{\"a\":}", "\"", "[1,2,", "{\"blocks\":[{\"type\":{}}]}", "{\"questions\":[[[]]]}"})
    inputs.push_back(bad);

  for (const std::string& text : inputs) {
    CAPTURE(text.substr(0, 60));
    Diagnostics dc, dl, dq;
    parse_course(text, dc);
    parse_lesson(text, kLesson, test_course(), dl);
    parse_quiz(text, kQuiz, test_course(), dq);
    CHECK_FALSE(dc.ok());
    CHECK_FALSE(dl.ok());
    CHECK_FALSE(dq.ok());
  }
}

TEST_CASE("content: numbers beyond the accepted integer ranges are range errors, not wraparound") {
  // 2^64-1 and 2^63 are unsigned in JSON; 2^64 and beyond parse as floating point.
  for (const char* number : {"18446744073709551615", "9223372036854775808", "-9223372036854775808", "4294967298"}) {
    CAPTURE(number);
    std::string text = valid_lesson().dump();
    text.replace(text.find("\"minutes\":15"), 12, std::string("\"minutes\":") + number);
    expect_only_error(lesson_errors(text), kLesson, "/minutes", "must be between 1 and 240");
  }
  std::string text = valid_lesson().dump();
  text.replace(text.find("\"minutes\":15"), 12, "\"minutes\":99999999999999999999");
  expect_only_error(lesson_errors(text), kLesson, "/minutes", "expected an integer");
}

// ---- Inline markup -------------------------------------------------------------------------

namespace {
bool spans_equal(const std::vector<Span>& got, const std::vector<Span>& want) {
  if (got.size() != want.size()) return false;
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i].text != want[i].text || got[i].style != want[i].style) return false;
  return true;
}
}  // namespace

// SCHEMA: "Inline markup: **bold**, *italic*, `code`".
TEST_CASE("inline: bold, italic and code spans between plain text") {
  InlineParse p = parse_inline("Use **quorums**, not `hope`.");
  CHECK(p.error.empty());
  CHECK(spans_equal(p.spans, {{"Use ", SpanStyle::plain}, {"quorums", SpanStyle::bold}, {", not ", SpanStyle::plain},
                              {"hope", SpanStyle::code}, {".", SpanStyle::plain}}));

  p = parse_inline("*scaling out*");
  CHECK(p.error.empty());
  CHECK(spans_equal(p.spans, {{"scaling out", SpanStyle::italic}}));

  p = parse_inline("plain only");
  CHECK(spans_equal(p.spans, {{"plain only", SpanStyle::plain}}));

  p = parse_inline("");
  CHECK(p.error.empty());
  CHECK(p.spans.empty());

  p = parse_inline("**a***b*");  // bold closes, then italic opens: adjacent spans, not nesting
  CHECK(p.error.empty());
  CHECK(spans_equal(p.spans, {{"a", SpanStyle::bold}, {"b", SpanStyle::italic}}));
}

// SCHEMA: "a literal * or ` is written \* or \`".
TEST_CASE("inline: escapes produce literal markers; other backslashes stay") {
  InlineParse p = parse_inline("2 \\* 3 = 6, a \\` tick, a \\\\ backslash");
  CHECK(p.error.empty());
  CHECK(spans_equal(p.spans, {{"2 * 3 = 6, a ` tick, a \\ backslash", SpanStyle::plain}}));

  p = parse_inline("C:\\data\\n");  // backslash before an ordinary character is literal
  CHECK(p.error.empty());
  CHECK(spans_equal(p.spans, {{"C:\\data\\n", SpanStyle::plain}}));

  p = parse_inline("**a \\* b**");
  CHECK(p.error.empty());
  CHECK(spans_equal(p.spans, {{"a * b", SpanStyle::bold}}));

  p = parse_inline("trailing \\");
  CHECK(p.error.empty());
  CHECK(spans_equal(p.spans, {{"trailing \\", SpanStyle::plain}}));
}

TEST_CASE("inline: inside code, asterisks are literal") {
  InlineParse p = parse_inline("`SELECT * FROM t` and `**kwargs`");
  CHECK(p.error.empty());
  CHECK(spans_equal(p.spans, {{"SELECT * FROM t", SpanStyle::code}, {" and ", SpanStyle::plain}, {"**kwargs", SpanStyle::code}}));
}

// SCHEMA: "Markers must be balanced within one string."
TEST_CASE("inline: unbalanced markers are errors naming where the marker opened") {
  for (const char* text : {"**bold", "*italic", "`code", "a * b", "ok **x** then *y"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_inline(text).error.empty());
  }
  CHECK(parse_inline("ab **c").error == "marker opened at character 3 is never closed");
  CHECK(parse_inline("x `y").error.find("character 2") != std::string::npos);
}

TEST_CASE("inline: nested and empty markers are errors") {
  // Nesting is not supported (documented in inline_markup.cpp).
  for (const char* text : {"**bold *italic* bold**", "*a `b` c*", "`a` **b `c` d**", "*a **b** c*"}) {
    CAPTURE(text);
    CHECK(parse_inline(text).error.find("nesting") != std::string::npos);
  }
  for (const char* text : {"****", "``", "a **** b"}) {
    CAPTURE(text);
    CHECK(parse_inline(text).error.find("empty") != std::string::npos);
  }
}

TEST_CASE("inline: plain_text strips markup and resolves escapes") {
  CHECK(plain_text("Use **quorums**, not `hope`.") == "Use quorums, not hope.");
  CHECK(plain_text("*a* \\* `b*c`") == "a * b*c");
  CHECK(plain_text("no markup") == "no markup");
  CHECK(plain_text("") == "");
}
