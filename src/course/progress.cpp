#include "course/progress.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "course/json_reader.h"

namespace course {

namespace {

const char* theme_name(Theme t) { return t == Theme::light ? "light" : t == Theme::dark ? "dark" : "system"; }
Theme theme_from(const std::string& s) { return s == "light" ? Theme::light : s == "dark" ? Theme::dark : Theme::system; }

// Values are clamped into range so a hand-edited but parseable value still loads.
int clamp(int64_t v, int lo, int hi) { return int(v < lo ? lo : v > hi ? hi : v); }

void read_lessons_v2(const JsonValue& lessons, const Course& course, Progress& p) {
  for (const LessonRef& ref : course.lessons) {
    JsonValue l = lessons.member(ref.id.c_str());
    if (!l.present()) continue;
    l.object({"visited", "attempts", "best", "passed"});
    LessonProgress lp;
    lp.visited = l.boolean("visited");
    lp.attempts = clamp(l.integer("attempts", 0, 1000000), 0, 1000000);
    lp.best_score = clamp(l.integer("best", 0, 100), 0, course.pass_rule.questions_per_attempt);
    lp.passed = l.boolean("passed");
    p.lessons[ref.id] = lp;
  }
}

void read_prefs(const JsonValue& prefs, Preferences& out) {
  if (!prefs.present()) return;
  prefs.object({"theme", "text_scale", "reduced_motion"});
  out.theme = theme_from(prefs.string("theme", "system"));
  out.text_scale_percent = clamp(prefs.integer("text_scale", 50, 300, 100), kMinTextScale, kMaxTextScale);
  out.reduced_motion = prefs.boolean("reduced_motion");
}

std::string current_or_first(const std::string& id, const Course& course) {
  return course.lesson_index(id) >= 0 ? id : (course.lessons.empty() ? "" : course.lessons[0].id);
}

uint64_t parse_seed(const std::string& hex) {
  uint64_t v = 0;
  for (char c : hex.substr(0, 16)) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return 0;
    v = v * 16 + uint64_t(d);
  }
  return v;
}

std::string seed_hex(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[size_t(i)] = digits[v & 15];
  return s;
}

// Version 1 (the first release) kept only the ids of passed lessons and the current lesson.
void migrate_v1(const JsonValue& root, const Course& course, Progress& p) {
  root.object({"version", "passed", "current"});
  for (const std::string& id : root.strings("passed"))
    if (course.lesson_index(id) >= 0) p.lessons[id] = LessonProgress{true, 1, course.pass_rule.correct_to_pass, true};
  p.current_lesson = current_or_first(root.string("current"), course);
}

}  // namespace

ProgressLoad load_progress(const std::string& saved, const Course& course) {
  ProgressLoad out;
  out.progress.current_lesson = current_or_first("", course);
  if (saved.empty()) return out;

  Diagnostics d;
  nlohmann::json doc;
  JsonReader reader{"saved progress", d};
  JsonValue root = reader.parse(saved, doc);
  int64_t version = root.is_object() ? root.integer("version", 1, 1000, 0) : 0;
  Progress p;
  if (d.ok() && version == 1) {
    migrate_v1(root, course, p);
    out.status = LoadStatus::migrated;
  } else if (d.ok() && version == kProgressVersion) {
    root.object({"version", "seed", "current", "scroll", "lessons", "prefs"});
    p.learner_seed = parse_seed(root.string("seed"));
    p.current_lesson = current_or_first(root.string("current"), course);
    p.scroll_px = clamp(root.integer("scroll", 0, kMaxScrollPx), 0, kMaxScrollPx);
    JsonValue lessons = root.member("lessons");
    if (lessons.present() && !lessons.is_object()) lessons.error("expected an object");
    read_lessons_v2(lessons, course, p);  // keys are lesson ids, checked against the course
    read_prefs(root.member("prefs"), p.prefs);
    out.status = LoadStatus::restored;
  } else if (d.ok()) {
    d.error("saved progress", "/version", "unknown version " + std::to_string(version));
  }
  if (!d.ok()) {
    out.status = LoadStatus::corrupt;
    out.detail = d.errors().front().to_string();
    return out;
  }
  out.progress = p;
  return out;
}

std::string save_progress(const Progress& p) {
  nlohmann::json lessons = nlohmann::json::object();
  for (const auto& [id, l] : p.lessons)
    lessons[id] = {{"visited", l.visited}, {"attempts", l.attempts}, {"best", l.best_score}, {"passed", l.passed}};
  nlohmann::json root = {
      {"version", kProgressVersion},
      {"seed", seed_hex(p.learner_seed)},
      {"current", p.current_lesson},
      {"scroll", p.scroll_px},
      {"lessons", lessons},
      {"prefs", {{"theme", theme_name(p.prefs.theme)}, {"text_scale", p.prefs.text_scale_percent}, {"reduced_motion", p.prefs.reduced_motion}}}};
  return root.dump();
}

bool lesson_passed(const Course& course, const Progress& p, int lesson) {
  if (lesson < 0 || lesson >= int(course.lessons.size())) return false;
  auto it = p.lessons.find(course.lessons[size_t(lesson)].id);
  return it != p.lessons.end() && it->second.passed;
}

bool lesson_unlocked(const Course& course, const Progress& p, int lesson) {
  if (lesson < 0 || lesson >= int(course.lessons.size())) return false;
  return lesson == 0 || lesson_passed(course, p, lesson) || lesson_passed(course, p, lesson - 1);
}

int lessons_passed(const Course& course, const Progress& p) {
  int n = 0;
  for (int i = 0; i < int(course.lessons.size()); ++i) n += lesson_passed(course, p, i);
  return n;
}

int percent_complete(const Course& course, const Progress& p) {
  if (course.lessons.empty()) return 0;
  return lessons_passed(course, p) * 100 / int(course.lessons.size());
}

bool course_completed(const Course& course, const Progress& p) {
  return !course.lessons.empty() && lessons_passed(course, p) == int(course.lessons.size());
}

}  // namespace course

// ---- Progress codes --------------------------------------------------------------------------
// "DBC1." + base64url(bytes). Bytes: seed (8), current lesson index, lesson count, per lesson
// (flags: visited|passed<<1, attempts as a varint, best score), theme, text scale, reduced motion,
// then a 16-bit FNV-1a checksum so a mistyped code is caught instead of half-loaded.
namespace course {

namespace {
const char* kCodePrefix = "DBC1.";
const char* kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

uint16_t checksum16(const std::string& bytes) {
  uint32_t h = 2166136261u;
  for (unsigned char c : bytes) h = (h ^ c) * 16777619u;
  return uint16_t(h ^ (h >> 16));
}

std::string base64url(const std::string& bytes) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) out += kBase64Url[(acc >> (bits -= 6)) & 63];
  }
  if (bits > 0) out += kBase64Url[(acc << (6 - bits)) & 63];
  return out;
}

bool unbase64url(const std::string& text, std::string& bytes) {
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const char* pos = c ? std::strchr(kBase64Url, c) : nullptr;
    if (!pos) return false;
    acc = (acc << 6) | uint32_t(pos - kBase64Url);
    bits += 6;
    if (bits >= 8) bytes += char((acc >> (bits -= 8)) & 255);
  }
  return true;
}

void put_varint(std::string& out, uint32_t v) {
  while (v >= 128) { out += char((v & 127) | 128); v >>= 7; }
  out += char(v);
}

struct ByteReader {
  const std::string& bytes;
  size_t pos = 0;
  bool failed = false;
  int byte() {
    if (pos >= bytes.size()) { failed = true; return 0; }
    return (unsigned char)bytes[pos++];
  }
  uint32_t varint() {
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = byte();
      v |= uint32_t(b & 127) << shift;
      if (!(b & 128)) return v;
    }
    failed = true;
    return 0;
  }
};
}  // namespace

std::string export_code(const Progress& p, const Course& course) {
  std::string b;
  for (int i = 0; i < 8; ++i) b += char((p.learner_seed >> (8 * i)) & 255);
  b += char(std::max(0, course.lesson_index(p.current_lesson)));
  b += char(course.lessons.size());
  for (const LessonRef& ref : course.lessons) {
    auto it = p.lessons.find(ref.id);
    LessonProgress l = it == p.lessons.end() ? LessonProgress{} : it->second;
    b += char((l.visited ? 1 : 0) | (l.passed ? 2 : 0));
    put_varint(b, uint32_t(l.attempts));
    b += char(l.best_score);
  }
  b += char(int(p.prefs.theme));
  b += char(p.prefs.text_scale_percent);
  b += char(p.prefs.reduced_motion ? 1 : 0);
  uint16_t sum = checksum16(b);
  b += char(sum & 255);
  b += char(sum >> 8);
  return kCodePrefix + base64url(b);
}

ProgressImport import_code(const std::string& raw, const Course& course) {
  ProgressImport out;
  std::string code;
  for (char c : raw)
    if (!std::isspace((unsigned char)c)) code += c;  // tolerate line breaks from copy and paste
  if (code.size() > 4096) { out.error = "This code is far too long to be a progress code."; return out; }
  if (code.compare(0, std::strlen(kCodePrefix), kCodePrefix) != 0) {
    out.error = "A progress code starts with \"DBC1.\"; this one does not.";
    return out;
  }
  std::string bytes;
  if (!unbase64url(code.substr(std::strlen(kCodePrefix)), bytes) || bytes.size() < 13) {
    out.error = "This progress code is incomplete or contains characters a code never has.";
    return out;
  }
  uint16_t stored = uint16_t((unsigned char)bytes[bytes.size() - 2] | ((unsigned char)bytes[bytes.size() - 1] << 8));
  std::string body = bytes.substr(0, bytes.size() - 2);
  if (checksum16(body) != stored) {
    out.error = "This progress code has a typo: its checksum does not match. Copy it again.";
    return out;
  }
  ByteReader r{body};
  Progress& p = out.progress;
  for (int i = 0; i < 8; ++i) p.learner_seed |= uint64_t(r.byte()) << (8 * i);
  int current = r.byte();
  int count = r.byte();
  for (int i = 0; i < count && !r.failed; ++i) {
    int flags = r.byte();
    LessonProgress l{(flags & 1) != 0, int(std::min<uint32_t>(r.varint(), 1000000)), r.byte(), (flags & 2) != 0};
    l.best_score = std::min(l.best_score, course.pass_rule.questions_per_attempt);
    if (i < int(course.lessons.size()) && (l.visited || l.attempts || l.passed)) p.lessons[course.lessons[size_t(i)].id] = l;
  }
  int theme = r.byte(), scale = r.byte(), reduced = r.byte();
  if (r.failed || r.pos != body.size()) { out.error = "This progress code is damaged (wrong length)."; return out; }
  p.current_lesson = current < int(course.lessons.size()) ? course.lessons[size_t(current)].id : current_or_first("", course);
  p.prefs.theme = theme >= 0 && theme <= 2 ? Theme(theme) : Theme::system;
  p.prefs.text_scale_percent = clamp(scale, kMinTextScale, kMaxTextScale);
  p.prefs.reduced_motion = reduced != 0;
  return out;
}

}  // namespace course
