// Learner progress (src/course/progress.h): "a learner's progress is never lost" — saving,
// versioning, migration, validation, progress codes, and the gating rule ("pass a quiz to unlock
// each next lesson").
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "course/progress.h"

using namespace course;
using json = nlohmann::json;

namespace {

// Six lessons, like the real course, so 1/6 rounds to 16%.
Course six_lessons() {
  Course c;
  c.title = "Test";
  for (const char* id : {"l1", "l2", "l3", "l4", "l5", "l6"})
    c.lessons.push_back({id, std::string("Lesson ") + id, std::string("lessons/") + id + ".json",
                         std::string("quizzes/") + id + ".json"});
  return c;
}

LessonProgress passed_lesson(int attempts = 2, int best = 2) { return {true, attempts, best, true}; }

// A progress value using every field with non-default, in-range values.
Progress sample_progress() {
  Progress p;
  p.learner_seed = 0xFEDCBA9876543210ull;
  p.current_lesson = "l3";
  p.scroll_px = 1234;
  p.lessons["l1"] = passed_lesson(1, 3);
  p.lessons["l2"] = passed_lesson(300, 2);  // 300 needs a two-byte varint in a code
  p.lessons["l3"] = {true, 1, 1, false};
  p.prefs = {Theme::dark, 160, true};
  return p;
}

Progress with_passed(int n) {
  Progress p;
  for (int i = 0; i < n; ++i) p.lessons["l" + std::to_string(i + 1)] = passed_lesson();
  return p;
}

// A saved v2 document to edit field by field.
json saved_v2() { return json::parse(save_progress(sample_progress())); }

// Builds a "DBC1." code from raw bytes, with the documented FNV-1a 16-bit checksum appended:
// lets tests forge codes that pass the checksum but are malformed inside.
std::string forge_code(const std::string& body) {
  uint32_t h = 2166136261u;
  for (unsigned char c : body) h = (h ^ c) * 16777619u;
  uint16_t sum = uint16_t(h ^ (h >> 16));
  std::string bytes = body + char(sum & 255) + char(sum >> 8);
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out = "DBC1.";
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) out += alphabet[(acc >> (bits -= 6)) & 63];
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
  return out;
}

// Body bytes: seed (8), current index, lesson count, per lesson (flags, varint attempts, best),
// theme, text scale, reduced motion.
std::string code_body(int current, int count, int theme, int scale) {
  std::string b(8, '\x01');
  b += char(current);
  b += char(count);
  for (int i = 0; i < count; ++i) b += std::string{char(3), char(1), char(2)};  // visited+passed, 1 attempt, best 2
  b += char(theme);
  b += char(scale);
  b += char(1);
  return b;
}

}  // namespace

// ---- Save and load --------------------------------------------------------------------------

TEST_CASE("progress: nothing saved gives fresh progress at the first lesson") {
  Course c = six_lessons();
  ProgressLoad l = load_progress("", c);
  CHECK(l.status == LoadStatus::fresh);
  CHECK(l.detail.empty());
  CHECK(l.progress.current_lesson == "l1");
  CHECK(l.progress.lessons.empty());
  CHECK(l.progress.prefs == Preferences{});
}

TEST_CASE("progress: save then load restores exactly the same progress") {
  Course c = six_lessons();
  Progress p = sample_progress();
  ProgressLoad l = load_progress(save_progress(p), c);
  CHECK(l.status == LoadStatus::restored);
  CHECK(l.detail.empty());
  CHECK(l.progress == p);

  // Boundary values survive too.
  p.learner_seed = 0;
  p.scroll_px = 0;
  p.prefs = {Theme::light, 80, false};
  p.lessons["l6"] = {false, 0, 0, false};
  CHECK(load_progress(save_progress(p), c).progress == p);
  p.learner_seed = ~0ull;
  p.prefs.text_scale_percent = 160;
  CHECK(load_progress(save_progress(p), c).progress == p);
}

TEST_CASE("progress: saved text is JSON of the current version") {
  json j = json::parse(save_progress(sample_progress()), nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j["version"] == kProgressVersion);
  CHECK(j["seed"] == "fedcba9876543210");
  CHECK(j["lessons"]["l2"]["attempts"] == 300);
  CHECK(j["prefs"]["theme"] == "dark");
}

// progress.h: "corrupt saved values are reported (the caller keeps the raw text under a backup key)".
TEST_CASE("progress: garbage, truncated, mistyped or unknown-version values load as corrupt with a reason") {
  Course c = six_lessons();
  std::string good = save_progress(sample_progress());

  struct Case {
    std::string text, detail;
  };
  std::vector<Case> cases = {
      {"garbage", "not valid JSON"},
      {good.substr(0, good.size() / 2), "not valid JSON"},  // truncated
      {"[1,2,3]", "unknown version 0"},
      {"{}", "missing required field \"version\""},
      {"{\"version\":3}", "unknown version 3"},
      {"{\"version\":\"2\"}", "/version: expected an integer"},
      {"{\"version\":0}", "/version: must be between"},
  };
  json j = saved_v2();
  j["lessons"]["l1"]["attempts"] = "3";
  cases.push_back({j.dump(), "/lessons/l1/attempts: expected an integer"});
  j = saved_v2();
  j["lessons"] = json::array();
  cases.push_back({j.dump(), "/lessons: expected an object"});
  j = saved_v2();
  j["lessons"]["l2"]["passed"] = 1;
  cases.push_back({j.dump(), "/lessons/l2/passed: expected a boolean"});
  j = saved_v2();
  j["prefs"]["reduced_motion"] = "yes";
  cases.push_back({j.dump(), "/prefs/reduced_motion"});
  j = saved_v2();
  j.erase("seed");
  cases.push_back({j.dump(), "/seed: missing required field"});
  j = saved_v2();
  j["scroll"] = -1;
  cases.push_back({j.dump(), "/scroll: must be between"});

  for (const Case& k : cases) {
    CAPTURE(k.text);
    ProgressLoad l = load_progress(k.text, c);
    CHECK(l.status == LoadStatus::corrupt);
    CHECK(l.detail.find(k.detail) != std::string::npos);
    CHECK(l.detail.rfind("saved progress: ", 0) == 0);
    // The learner starts fresh rather than half-loaded.
    CHECK(l.progress.lessons.empty());
    CHECK(l.progress.current_lesson == "l1");
  }
}

// progress.h: "older versions are migrated". Version 1 kept passed ids and the current lesson.
TEST_CASE("progress: a version 1 value migrates (passed lessons stay passed, current kept)") {
  Course c = six_lessons();
  ProgressLoad l = load_progress(R"({"version":1,"passed":["l1","l2","retired"],"current":"l3"})", c);
  CHECK(l.status == LoadStatus::migrated);
  CHECK(l.detail.empty());
  CHECK(l.progress.current_lesson == "l3");
  CHECK(l.progress.lessons.size() == 2);  // "retired" is not in the course any more
  CHECK(lesson_passed(c, l.progress, 0));
  CHECK(lesson_passed(c, l.progress, 1));
  CHECK_FALSE(lesson_passed(c, l.progress, 2));
  CHECK(lesson_unlocked(c, l.progress, 2));
  CHECK_FALSE(lesson_unlocked(c, l.progress, 3));
  CHECK(l.progress.lessons["l1"].visited);
  CHECK(l.progress.lessons["l1"].best_score == c.pass_rule.correct_to_pass);

  // A current lesson that no longer exists falls back to the first.
  l = load_progress(R"({"version":1,"passed":[],"current":"retired"})", c);
  CHECK(l.status == LoadStatus::migrated);
  CHECK(l.progress.current_lesson == "l1");

  // A malformed version 1 value is corrupt, not migrated.
  l = load_progress(R"({"version":1,"passed":"l1","current":"l1"})", c);
  CHECK(l.status == LoadStatus::corrupt);
  CHECK(l.detail.find("/passed") != std::string::npos);
}

// progress.h: "Unknown lesson ids are dropped (content changed)."
TEST_CASE("progress: unknown lesson ids are dropped, unknown current falls back to the first lesson") {
  Course c = six_lessons();
  json j = saved_v2();
  j["lessons"]["retired"] = {{"visited", true}, {"attempts", 1}, {"best", 3}, {"passed", true}};
  j["lessons"]["also gone"] = "not even an object";
  j["current"] = "retired";
  ProgressLoad l = load_progress(j.dump(), c);
  CHECK(l.status == LoadStatus::restored);
  CHECK(l.progress.lessons.count("retired") == 0);
  CHECK(l.progress.lessons.count("also gone") == 0);
  CHECK(l.progress.lessons.size() == sample_progress().lessons.size());
  CHECK(l.progress.current_lesson == "l1");
}

// progress.cpp: "Values are clamped into range so a hand-edited but parseable value still loads."
TEST_CASE("progress: hand-edited values inside the accepted range are clamped") {
  Course c = six_lessons();
  struct Case {
    int text_scale, expected_scale, best, expected_best;
  };
  for (Case k : {Case{50, 80, 0, 0}, Case{79, 80, 3, 3}, Case{80, 80, 4, 3}, Case{160, 160, 100, 3}, Case{161, 160, 2, 2},
                 Case{300, 160, 1, 1}}) {
    CAPTURE(k.text_scale);
    CAPTURE(k.best);
    json j = saved_v2();
    j["prefs"]["text_scale"] = k.text_scale;
    j["lessons"]["l1"]["best"] = k.best;
    ProgressLoad l = load_progress(j.dump(), c);
    REQUIRE(l.status == LoadStatus::restored);
    CHECK(l.progress.prefs.text_scale_percent == k.expected_scale);
    CHECK(l.progress.lessons["l1"].best_score == k.expected_best);
  }
  // Beyond the accepted range it is corrupt, not silently clamped.
  for (int scale : {49, 301}) {
    json j = saved_v2();
    j["prefs"]["text_scale"] = scale;
    CHECK(load_progress(j.dump(), c).status == LoadStatus::corrupt);
  }
  json j = saved_v2();
  j["lessons"]["l1"]["best"] = 101;
  CHECK(load_progress(j.dump(), c).status == LoadStatus::corrupt);
  j = saved_v2();
  j["lessons"]["l1"]["attempts"] = 1000001;
  CHECK(load_progress(j.dump(), c).status == LoadStatus::corrupt);
  j["lessons"]["l1"]["attempts"] = 1000000;
  CHECK(load_progress(j.dump(), c).progress.lessons["l1"].attempts == 1000000);
}

TEST_CASE("progress: hostile saved values never crash") {
  Course c = six_lessons();
  for (std::string text : {std::string(100000, '[') + std::string(100000, ']'), std::string(100000, '{'),
                           std::string("{\"version\":2,\"seed\":\"\xff\xfe\"}"),
                           std::string("{\"version\":18446744073709551615}"), std::string("{\"version\":1e400}"),
                           std::string("{\"version\":2,\"seed\":\"zz\",\"current\":\"l1\",\"scroll\":99999999999999999999}"),
                           std::string("\0\0\0", 3)}) {
    CAPTURE(text.substr(0, 40));
    CHECK(load_progress(text, c).status == LoadStatus::corrupt);
  }
  // A huge seed string is read by its first 16 hex digits.
  json j = saved_v2();
  j["seed"] = "0000000000000001" + std::string(1 << 20, 'f');
  ProgressLoad l = load_progress(j.dump(), c);
  CHECK(l.status == LoadStatus::restored);
  CHECK(l.progress.learner_seed == 1);
}

// ---- Progress codes -------------------------------------------------------------------------

// progress.h: "a compact progress code moves progress by copy and paste when storage is blocked".
TEST_CASE("progress: export_code then import_code round-trips everything a code carries") {
  Course c = six_lessons();
  Progress p = sample_progress();
  p.scroll_px = 0;  // the reading position is not part of a code
  std::string code = export_code(p, c);
  CHECK(code.rfind("DBC1.", 0) == 0);
  CHECK(code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 5) == std::string::npos);
  CHECK(code.size() <= 4096);  // fits SCORM suspend_data
  ProgressImport i = import_code(code, c);
  CHECK(i.error.empty());
  CHECK(i.progress == p);

  // Fresh progress round-trips to fresh progress at the first lesson.
  Progress fresh;
  fresh.current_lesson = "l1";
  ProgressImport f = import_code(export_code(fresh, c), c);
  CHECK(f.error.empty());
  CHECK(f.progress == fresh);

  // Large attempt counts and the extreme seed survive.
  p.learner_seed = ~0ull;
  p.lessons["l6"] = {true, 1000000, 3, true};
  CHECK(import_code(export_code(p, c), c).progress == p);
}

TEST_CASE("progress: import tolerates line breaks and spaces from copy and paste") {
  Course c = six_lessons();
  Progress p = sample_progress();
  p.scroll_px = 0;
  std::string code = export_code(p, c);
  std::string broken = "  " + code.substr(0, 10) + "\n" + code.substr(10, 7) + "\r\n\t" + code.substr(17) + " \n";
  ProgressImport i = import_code(broken, c);
  CHECK(i.error.empty());
  CHECK(i.progress == p);
}

TEST_CASE("progress: import errors — wrong prefix, bad characters, truncated, too long") {
  Course c = six_lessons();
  std::string code = export_code(sample_progress(), c);
  std::string body = code.substr(5);

  for (std::string bad : {std::string(""), "DBC2." + body, "dbc1." + body, body, std::string("DBC1")}) {
    CAPTURE(bad);
    CHECK(import_code(bad, c).error.find("starts with \"DBC1.\"") != std::string::npos);
  }
  for (std::string bad : {code + "=", "DBC1." + body.substr(0, 10) + "$" + body.substr(11), code + "+",
                          "DBC1." + body.substr(0, 10) + std::string(1, '\0') + body.substr(11)}) {
    CAPTURE(bad);
    CHECK(import_code(bad, c).error.find("contains characters") != std::string::npos);
  }
  CHECK(import_code("DBC1.", c).error.find("incomplete") != std::string::npos);
  CHECK(import_code("DBC1." + body.substr(0, 16), c).error.find("incomplete") != std::string::npos);  // 12 bytes
  // Cut short by a few characters: caught (by the checksum or the length).
  for (size_t cut : {1, 2, 3, 8}) {
    CAPTURE(cut);
    ProgressImport i = import_code(code.substr(0, code.size() - cut), c);
    CHECK_FALSE(i.error.empty());
    CHECK(i.progress == Progress{});
  }
  // Length boundary: 4096 characters is judged on its content, 4097 is refused outright.
  std::string at_limit = "DBC1." + std::string(4091, 'A');
  CHECK(import_code(at_limit, c).error.find("too long") == std::string::npos);
  CHECK_FALSE(import_code(at_limit, c).error.empty());
  CHECK(import_code(at_limit + "A", c).error.find("too long") != std::string::npos);
  // Whitespace does not count towards the length.
  CHECK(import_code(at_limit + "\n\n\n", c).error.find("too long") == std::string::npos);
}

// progress.cpp: "a 16-bit FNV-1a checksum so a mistyped code is caught instead of half-loaded".
TEST_CASE("progress: a one-character typo anywhere in a code is caught") {
  Course c = six_lessons();
  Progress p = sample_progress();
  p.scroll_px = 0;
  std::string code = export_code(p, c);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  int checksum_errors = 0;
  for (size_t pos = 5; pos < code.size(); ++pos) {
    std::string typo = code;
    typo[pos] = alphabet[(alphabet.find(code[pos]) + 1) % alphabet.size()];
    ProgressImport i = import_code(typo, c);
    CAPTURE(pos);
    // Either refused, or (only for padding bits of the final character) the very same progress.
    if (i.error.empty()) {
      CHECK(pos == code.size() - 1);
      CHECK(i.progress == p);
    } else {
      checksum_errors += i.error.find("checksum") != std::string::npos;
    }
  }
  CHECK(checksum_errors >= int(code.size()) - 6);
}

TEST_CASE("progress: a code with a valid checksum but a damaged body is refused") {
  Course c = six_lessons();
  // Lesson count says 6 but the body ends early.
  std::string body = code_body(0, 6, 0, 100);
  std::string short_body = body.substr(0, body.size() - 5);
  CHECK(import_code(forge_code(short_body), c).error.find("damaged") != std::string::npos);
  // Trailing bytes after the preferences.
  CHECK(import_code(forge_code(body + "x"), c).error.find("damaged") != std::string::npos);
  // A varint that never ends.
  std::string endless(8, '\0');
  endless += std::string{char(0), char(1), char(1)} + std::string(10, char(0x80));
  CHECK(import_code(forge_code(endless), c).error.find("damaged") != std::string::npos);
  // The forged well-formed body is accepted (so the refusals above are about the damage).
  CHECK(import_code(forge_code(body), c).error.empty());
}

TEST_CASE("progress: a well-formed code with out-of-range values is clamped, not trusted") {
  Course c = six_lessons();
  // 8 lessons for a 6-lesson course, current index 200, theme 7, text scale 255.
  ProgressImport i = import_code(forge_code(code_body(200, 8, 7, 255)), c);
  REQUIRE(i.error.empty());
  CHECK(i.progress.lessons.size() == 6);  // entries for lessons the course lacks are dropped
  CHECK(i.progress.current_lesson == "l1");
  CHECK(i.progress.prefs.theme == Theme::system);
  CHECK(i.progress.prefs.text_scale_percent == 160);
  CHECK(i.progress.prefs.reduced_motion);
  CHECK(i.progress.learner_seed == 0x0101010101010101ull);

  i = import_code(forge_code(code_body(5, 0, 2, 10)), c);
  REQUIRE(i.error.empty());
  CHECK(i.progress.lessons.empty());
  CHECK(i.progress.current_lesson == "l6");
  CHECK(i.progress.prefs.theme == Theme::dark);
  CHECK(i.progress.prefs.text_scale_percent == 80);

  // best score above questions_per_attempt is clamped.
  std::string body(8, '\0');
  body += std::string{char(0), char(1), char(3), char(1), char(200), char(0), char(100), char(0)};
  i = import_code(forge_code(body), c);
  REQUIRE(i.error.empty());
  CHECK(i.progress.lessons["l1"].best_score == c.pass_rule.questions_per_attempt);
}

// ---- Gating and completion ------------------------------------------------------------------

// Seed: "pass a quiz to unlock each next lesson".
TEST_CASE("progress: lesson 0 is always unlocked; lesson k+1 only after lesson k is passed") {
  Course c = six_lessons();
  Progress p;
  CHECK(lesson_unlocked(c, p, 0));
  for (int k = 1; k < 6; ++k) CHECK_FALSE(lesson_unlocked(c, p, k));

  p.lessons["l1"] = {true, 3, 1, false};  // visited and attempted, not passed: still locked
  CHECK_FALSE(lesson_unlocked(c, p, 1));

  p.lessons["l1"] = passed_lesson();
  CHECK(lesson_unlocked(c, p, 0));
  CHECK(lesson_unlocked(c, p, 1));
  CHECK_FALSE(lesson_unlocked(c, p, 2));  // k+2 stays locked

  for (int k = 0; k < 6; ++k) {
    Progress q = with_passed(k);
    CAPTURE(k);
    for (int i = 0; i < 6; ++i) CHECK(lesson_unlocked(c, q, i) == (i <= k));
  }
}

// progress.h: "passed lessons stay open for review".
TEST_CASE("progress: a passed lesson stays unlocked even if the one before is not passed") {
  Course c = six_lessons();
  Progress p;
  p.lessons["l4"] = passed_lesson();  // e.g. imported, or content order changed
  CHECK(lesson_unlocked(c, p, 3));
  CHECK(lesson_unlocked(c, p, 4));
  CHECK_FALSE(lesson_unlocked(c, p, 2));
  CHECK_FALSE(lesson_unlocked(c, p, 5));
}

TEST_CASE("progress: lessons outside the course are neither unlocked nor passed") {
  Course c = six_lessons();
  Progress p = with_passed(6);
  for (int k : {-1, 6, 1000}) {
    CHECK_FALSE(lesson_unlocked(c, p, k));
    CHECK_FALSE(lesson_passed(c, p, k));
  }
}

TEST_CASE("progress: percent_complete counts passed lessons and rounds down") {
  Course c = six_lessons();
  CHECK(percent_complete(c, Progress{}) == 0);
  CHECK(percent_complete(c, with_passed(1)) == 16);  // 16.7 rounds down
  CHECK(percent_complete(c, with_passed(3)) == 50);
  CHECK(percent_complete(c, with_passed(5)) == 83);
  CHECK(percent_complete(c, with_passed(6)) == 100);
  Progress visited_only;
  visited_only.lessons["l1"] = {true, 4, 1, false};
  CHECK(percent_complete(c, visited_only) == 0);
  CHECK(lessons_passed(c, with_passed(4)) == 4);
  CHECK(percent_complete(Course{}, with_passed(6)) == 0);  // no division by zero
}

TEST_CASE("progress: the course is completed only when every lesson is passed") {
  Course c = six_lessons();
  CHECK_FALSE(course_completed(c, Progress{}));
  CHECK_FALSE(course_completed(c, with_passed(5)));
  CHECK(course_completed(c, with_passed(6)));
  Progress gap = with_passed(6);
  gap.lessons["l3"].passed = false;
  CHECK_FALSE(course_completed(c, gap));
  CHECK_FALSE(course_completed(Course{}, Progress{}));
}
