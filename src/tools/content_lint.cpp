// content-lint: checks every content file against content/SCHEMA.md before it can ship.
//
//   content-lint CONTENT_DIR [--glyphs assets/fonts/glyphs.txt]
//
// Prints one line per error, "file: /json/pointer: reason", and exits 1 if there is any.
// With --glyphs it also reports characters the subset fonts cannot draw (they would show as "?").
#include <dirent.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "course/content.h"

namespace {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::set<std::string> json_files_in(const std::string& dir, const std::string& sub) {
  std::set<std::string> out;
  if (DIR* d = opendir((dir + "/" + sub).c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) out.insert(sub + "/" + name);
    }
    closedir(d);
  }
  return out;
}

// Decodes UTF-8 into code points; invalid sequences become U+FFFD so they are reported.
std::set<char32_t> code_points(const std::string& s) {
  std::set<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = (unsigned char)s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + size_t(len) > s.size()) { out.insert(0xFFFD); ++i; continue; }
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | ((unsigned char)s[i + size_t(k)] & 0x3F);
    out.insert(cp);
    i += size_t(len);
  }
  return out;
}

std::string utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) s += char(cp);
  else if (cp < 0x800) { s += char(0xC0 | (cp >> 6)); s += char(0x80 | (cp & 0x3F)); }
  else if (cp < 0x10000) { s += char(0xE0 | (cp >> 12)); s += char(0x80 | ((cp >> 6) & 0x3F)); s += char(0x80 | (cp & 0x3F)); }
  else { s += char(0xF0 | (cp >> 18)); s += char(0x80 | ((cp >> 12) & 0x3F)); s += char(0x80 | ((cp >> 6) & 0x3F)); s += char(0x80 | (cp & 0x3F)); }
  return s;
}

void check_glyphs(const std::string& file, const std::string& text, const std::set<char32_t>& glyphs, course::Diagnostics& d) {
  for (char32_t cp : code_points(text)) {
    if (cp == '\n' || cp == '\t' || glyphs.count(cp)) continue;
    char hex[16];
    std::snprintf(hex, sizeof hex, "U+%04X", unsigned(cp));
    d.error(file, "", std::string("character ") + hex + " \"" + utf8(cp) + "\" is not in the font subset (assets/fonts/glyphs.txt)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: content-lint CONTENT_DIR [--glyphs GLYPHS_FILE]\n");
    return 2;
  }
  std::string dir = argv[1];
  std::set<char32_t> glyphs;
  bool check_font = false;
  if (argc >= 4 && std::string(argv[2]) == "--glyphs") {
    std::string g;
    if (!read_file(argv[3], g)) { std::fprintf(stderr, "content-lint: cannot read %s\n", argv[3]); return 2; }
    glyphs = code_points(g);
    check_font = true;
  }

  course::Diagnostics d;
  std::string text;
  if (!read_file(dir + "/course.json", text)) {
    std::fprintf(stderr, "content-lint: cannot read %s/course.json\n", dir.c_str());
    return 2;
  }
  course::Course c = course::parse_course(text, d);
  std::set<std::string> unreferenced = json_files_in(dir, "lessons");
  for (const std::string& f : json_files_in(dir, "quizzes")) unreferenced.insert(f);

  int files = 1;
  for (size_t i = 0; i < c.lessons.size(); ++i) {
    const course::LessonRef& ref = c.lessons[i];
    for (const std::string& file : {ref.file, ref.quiz}) {
      unreferenced.erase(file);
      std::string body;
      std::string where = "/lessons/" + std::to_string(i) + (file == ref.file ? "/file" : "/quiz");
      if (!read_file(dir + "/" + file, body)) { d.error("course.json", where, "file \"" + file + "\" does not exist"); continue; }
      ++files;
      if (check_font) check_glyphs(file, body, glyphs, d);
      if (file == ref.file) {
        course::Lesson l = course::parse_lesson(body, file, c, d);
        if (!l.id.empty() && l.id != ref.id) d.error(file, "/id", "is \"" + l.id + "\" but course.json lists this file for \"" + ref.id + "\"");
      } else {
        course::Quiz q = course::parse_quiz(body, file, c, d);
        if (!q.lesson.empty() && q.lesson != ref.id) d.error(file, "/lesson", "is \"" + q.lesson + "\" but course.json lists this quiz for \"" + ref.id + "\"");
      }
    }
  }
  for (const std::string& f : unreferenced) d.error(f, "", "not referenced by course.json (a lesson or quiz nobody can reach)");

  for (const course::Diagnostic& e : d.errors()) std::printf("%s\n", e.to_string().c_str());
  if (!d.ok()) {
    std::printf("content-lint: %zu error(s) in %s\n", d.errors().size(), dir.c_str());
    return 1;
  }
  std::printf("content-lint: %d files, %zu lessons, %zu labs: ok\n", files, c.lessons.size(), c.labs.size());
  return 0;
}
