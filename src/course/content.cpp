#include "course/content.h"

#include <set>

#include "course/inline_markup.h"
#include "course/json_reader.h"

namespace course {

int Course::lesson_index(const std::string& id) const {
  for (size_t i = 0; i < lessons.size(); ++i)
    if (lessons[i].id == id) return int(i);
  return -1;
}

const LabRef* Course::lab(const std::string& id) const {
  for (const LabRef& l : labs)
    if (l.id == id) return &l;
  return nullptr;
}

int Question::correct_option() const {
  for (int i = 0; i < kOptionsPerQuestion; ++i)
    if (options[i].correct) return i;
  return -1;
}

namespace {

void check_schema_version(const JsonValue& root) {
  int64_t v = root.integer("schema_version", 1, 1000, kContentSchemaVersion);
  if (v != kContentSchemaVersion)
    root.member("schema_version").error("schema version " + std::to_string(v) + " is not supported (this build reads " +
                                        std::to_string(kContentSchemaVersion) + ")");
}

// Text shown to learners: must be non-empty and have balanced inline markup.
std::string markup(const JsonValue& v) {
  std::string s = v.as_string();
  if (!v.is_string()) return s;  // missing or mistyped: already reported, nothing more to check
  if (s.empty()) v.error("must not be empty");
  InlineParse p = parse_inline(s);
  if (!p.error.empty()) v.error("inline markup: " + p.error);
  return s;
}
std::string markup(const JsonValue& obj, const char* key) {
  if (!obj.has(key)) obj.string(key);  // records "missing required field"
  return markup(obj.member(key));
}

std::string non_empty(const JsonValue& obj, const char* key) {
  std::string s = obj.string(key);
  if (obj.member(key).is_string() && s.empty()) obj.member(key).error("must not be empty");
  return s;
}

template <typename T>
bool pick(const JsonValue& v, const std::string& value, std::initializer_list<std::pair<const char*, T>> choices, T& out) {
  std::string names;
  for (auto& c : choices) {
    if (value == c.first) { out = c.second; return true; }
    names += names.empty() ? "" : ", ";
    names += c.first;
  }
  v.error("\"" + value + "\" is not one of: " + names);
  return false;
}

Block parse_block(const JsonValue& v, const Course& course) {
  Block b;
  std::string type = v.member("type").is_string() ? v.member("type").as_string() : "";
  if (!v.is_object()) { v.object({}); return b; }
  if (type.empty()) { v.string("type"); return b; }
  JsonValue t = v.member("type");
  if (type == "heading") {
    v.object({"type", "level", "text"});
    b.type = BlockType::heading;
    b.level = int(v.integer("level", 2, 3, 2));
    b.text = non_empty(v, "text");
  } else if (type == "paragraph") {
    v.object({"type", "text"});
    b.type = BlockType::paragraph;
    b.text = markup(v, "text");
  } else if (type == "list") {
    v.object({"type", "ordered", "items"});
    b.type = BlockType::list;
    b.ordered = v.boolean("ordered");
    for (const JsonValue& item : v.array("items")) b.items.push_back(markup(item));
    if (v.member("items").is_array() && b.items.empty()) v.member("items").error("a list needs at least one item");
  } else if (type == "table") {
    v.object({"type", "header", "rows", "caption"});
    b.type = BlockType::table;
    for (const JsonValue& h : v.array("header")) b.header.push_back(markup(h));
    for (const JsonValue& row : v.array("rows")) {
      std::vector<std::string> cells;
      for (const JsonValue& cell : row.as_array()) cells.push_back(markup(cell));
      if (!row.is_array()) row.error("a table row must be an array of strings");
      else if (cells.size() != b.header.size())
        row.error("row has " + std::to_string(cells.size()) + " cells but the header has " + std::to_string(b.header.size()));
      b.rows.push_back(std::move(cells));
    }
    if (b.header.empty() && v.member("header").is_array()) v.member("header").error("a table needs a header");
    b.caption = v.optional_string("caption").value_or("");
  } else if (type == "code") {
    v.object({"type", "language", "text", "caption"});
    b.type = BlockType::code;
    b.language = v.string("language");
    static const std::set<std::string> languages = {"sql", "shell", "yaml", "ini", "json", "javascript", "text"};
    if (v.member("language").is_string() && !languages.count(b.language))
      v.member("language").error("unknown language \"" + b.language + "\" (sql, shell, yaml, ini, json, javascript, text)");
    b.text = non_empty(v, "text");
    b.caption = v.optional_string("caption").value_or("");
  } else if (type == "callout") {
    v.object({"type", "style", "title", "text"});
    b.type = BlockType::callout;
    std::string style = v.string("style");
    if (v.member("style").is_string())
      pick<CalloutStyle>(v.member("style"), style,
                       {{"tip", CalloutStyle::tip}, {"warning", CalloutStyle::warning},
                        {"example", CalloutStyle::example}, {"note", CalloutStyle::note}},
                       b.style);
    b.title = v.optional_string("title").value_or("");
    b.text = markup(v, "text");
  } else if (type == "lab") {
    v.object({"type", "lab", "title", "text"});
    b.type = BlockType::lab;
    b.lab = v.string("lab");
    if (v.member("lab").is_string() && !course.lab(b.lab))
      v.member("lab").error("lab \"" + b.lab + "\" is not in course.json's labs");
    b.title = non_empty(v, "title");
    b.text = markup(v, "text");
  } else {
    t.error("unknown block type \"" + type + "\" (heading, paragraph, list, table, code, callout, lab)");
  }
  return b;
}

Option parse_option(const JsonValue& v) {
  v.object({"text", "correct", "why"});
  Option o;
  o.text = markup(v, "text");
  o.correct = v.boolean("correct");
  o.why = markup(v, "why");
  return o;
}

Question parse_question(const JsonValue& v) {
  v.object({"id", "seed", "prompt", "options"});
  Question q;
  q.id = non_empty(v, "id");
  q.seed = v.boolean("seed");
  q.prompt = markup(v, "prompt");
  std::vector<JsonValue> options = v.array("options");
  if (v.member("options").is_array() && options.size() != size_t(kOptionsPerQuestion))
    v.member("options").error("a question needs exactly " + std::to_string(kOptionsPerQuestion) + " options, found " +
                              std::to_string(options.size()));
  int correct = 0;
  for (size_t i = 0; i < options.size() && i < size_t(kOptionsPerQuestion); ++i) {
    q.options[i] = parse_option(options[i]);
    correct += q.options[i].correct;
  }
  if (v.member("options").is_array() && correct != 1)
    v.member("options").error("exactly one option must be correct, found " + std::to_string(correct));
  return q;
}

}  // namespace

Course parse_course(const std::string& text, Diagnostics& d) {
  nlohmann::json doc;
  JsonReader reader{"course.json", d};
  JsonValue root = reader.parse(text, doc).object({"schema_version", "title", "subtitle", "pass_rule", "lessons", "labs"});
  Course c;
  if (!root.present()) return c;
  if (!root.is_object()) return c;
  check_schema_version(root);
  c.title = non_empty(root, "title");
  c.subtitle = root.string("subtitle");
  JsonValue rule = root.member("pass_rule").object({"questions_per_attempt", "correct_to_pass"});
  if (!root.has("pass_rule")) root.member("pass_rule").error("missing required field \"pass_rule\" (an object)");
  c.pass_rule.questions_per_attempt = int(rule.integer("questions_per_attempt", 1, 20, 3));
  c.pass_rule.correct_to_pass = int(rule.integer("correct_to_pass", 1, c.pass_rule.questions_per_attempt, 2));

  std::set<std::string> ids;
  for (const JsonValue& l : root.array("lessons")) {
    l.object({"id", "title", "file", "quiz"});
    LessonRef ref{non_empty(l, "id"), non_empty(l, "title"), non_empty(l, "file"), non_empty(l, "quiz")};
    if (!ref.id.empty() && !ids.insert(ref.id).second) l.member("id").error("duplicate lesson id \"" + ref.id + "\"");
    c.lessons.push_back(std::move(ref));
  }
  if (root.member("lessons").is_array() && c.lessons.empty()) root.member("lessons").error("the course needs at least one lesson");
  std::set<std::string> lab_ids;
  std::vector<JsonValue> labs = root.array("labs");
  for (const JsonValue& l : labs) {
    l.object({"id", "title", "lesson"});
    LabRef ref{non_empty(l, "id"), non_empty(l, "title"), non_empty(l, "lesson")};
    if (!ref.id.empty() && !lab_ids.insert(ref.id).second) l.member("id").error("duplicate lab id \"" + ref.id + "\"");
    if (!ref.lesson.empty() && !ids.count(ref.lesson)) l.member("lesson").error("lesson \"" + ref.lesson + "\" does not exist");
    c.labs.push_back(std::move(ref));
  }
  return c;
}

Lesson parse_lesson(const std::string& text, const std::string& file, const Course& course, Diagnostics& d) {
  nlohmann::json doc;
  JsonReader reader{file, d};
  JsonValue root = reader.parse(text, doc).object({"schema_version", "id", "title", "summary", "minutes", "blocks"});
  Lesson lesson;
  if (!root.is_object()) return lesson;
  check_schema_version(root);
  lesson.id = non_empty(root, "id");
  if (!lesson.id.empty() && course.lesson_index(lesson.id) < 0)
    root.member("id").error("lesson \"" + lesson.id + "\" is not listed in course.json");
  lesson.title = non_empty(root, "title");
  lesson.summary = markup(root, "summary");
  lesson.minutes = int(root.integer("minutes", 1, 240, 10));
  for (const JsonValue& b : root.array("blocks")) lesson.blocks.push_back(parse_block(b, course));
  return lesson;
}

Quiz parse_quiz(const std::string& text, const std::string& file, const Course& course, Diagnostics& d) {
  nlohmann::json doc;
  JsonReader reader{file, d};
  JsonValue root = reader.parse(text, doc).object({"schema_version", "lesson", "questions"});
  Quiz quiz;
  if (!root.is_object()) return quiz;
  check_schema_version(root);
  quiz.lesson = non_empty(root, "lesson");
  if (!quiz.lesson.empty() && course.lesson_index(quiz.lesson) < 0)
    root.member("lesson").error("lesson \"" + quiz.lesson + "\" is not listed in course.json");
  std::set<std::string> ids;
  int seeds = 0;
  for (const JsonValue& q : root.array("questions")) {
    quiz.questions.push_back(parse_question(q));
    const Question& added = quiz.questions.back();
    if (!added.id.empty() && !ids.insert(added.id).second) q.member("id").error("duplicate question id \"" + added.id + "\"");
    seeds += added.seed;
  }
  if (root.member("questions").is_array()) {
    int extra = int(quiz.questions.size()) - seeds;
    if (seeds != kSeedQuestionsPerQuiz)
      root.member("questions").error("exactly " + std::to_string(kSeedQuestionsPerQuiz) + " questions must have \"seed\": true, found " + std::to_string(seeds));
    if (extra < kMinExtraQuestionsPerQuiz)
      root.member("questions").error("at least " + std::to_string(kMinExtraQuestionsPerQuiz) + " questions beyond the seed's are needed, found " + std::to_string(extra));
  }
  return quiz;
}

}  // namespace course
