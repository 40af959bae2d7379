// content-lint: checks every content file against content/SCHEMA.md before it can ship.
//
//   content-lint CONTENT_DIR [--glyphs assets/fonts/glyphs.txt [--sources src]]
//
// Prints one line per error, "file: /json/pointer: reason", and exits 1 if there is any.
// With --glyphs it also reports characters the subset fonts cannot draw (they would show as "?"),
// and with --sources the same for the string literals of the C++ sources (the interface's own
// text: buttons, labels, separators).
#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
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

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() > n && s.compare(s.size() - n, n, suffix) == 0;
}

// Every .cpp and .h file under `dir`, recursively, sorted.
void source_files_in(const std::string& dir, std::set<std::string>& out) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name, path = dir + "/" + name;
    if (name == "." || name == "..") continue;
    if (e->d_type == DT_DIR) source_files_in(path, out);
    else if (ends_with(name, ".cpp") || ends_with(name, ".h")) out.insert(path);
  }
  closedir(d);
}

// The bytes of every string literal in a C++ source, escapes decoded ("\xE2\x9C\x93" is the
// UTF-8 of a check mark), comments and character literals skipped.
std::string string_literals(const std::string& src) {
  std::string out;
  auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  size_t i = 0;
  // Moves `i` to the end of the quoted run starting there (escaped quotes included), keeping
  // the characters of string literals.
  auto quoted = [&](char quote, bool keep) {
    for (++i; i < src.size() && src[i] != quote; ++i) {
      if (src[i] != '\\') {
        if (keep) out += src[i];
        continue;
      }
      if (++i < src.size() && src[i] == 'x' && keep) {
        int v = 0;
        while (i + 1 < src.size() && std::isxdigit(static_cast<unsigned char>(src[i + 1]))) v = v * 16 + hex(src[++i]);
        out += char(v);
      }
    }
    if (keep) out += '\n';  // each literal is a separate text
  };
  for (; i < src.size(); ++i) {
    if (src.compare(i, 2, "//") == 0) i = std::min(src.find('\n', i), src.size());
    else if (src.compare(i, 2, "/*") == 0) i = std::min(src.find("*/", i + 2), src.size()) + 1;
    else if (src[i] == '\'' && (i == 0 || !std::isalnum(static_cast<unsigned char>(src[i - 1])))) quoted('\'', false);  // not 60'000
    else if (src[i] == '"') quoted('"', true);
  }
  return out;
}

std::set<std::string> json_files_in(const std::string& dir, const std::string& sub) {
  std::set<std::string> out;
  if (DIR* d = opendir((dir + "/" + sub).c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (ends_with(name, ".json")) out.insert(sub + "/" + name);
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

// `from` skips code points below it (the sources' ASCII control escapes are not drawn text).
void check_glyphs(const std::string& file, const std::string& text, const std::set<char32_t>& glyphs, course::Diagnostics& d,
                  char32_t from = 0) {
  for (char32_t cp : code_points(text)) {
    if (cp < from || cp == '\n' || cp == '\t' || glyphs.count(cp)) continue;
    char hex[16];
    std::snprintf(hex, sizeof hex, "U+%04X", unsigned(cp));
    d.error(file, "", std::string("character ") + hex + " \"" + utf8(cp) + "\" is not in the font subset: add it to assets/fonts/glyphs.txt (the next build subsets the fonts again)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string glyphs_file, sources_dir;
  bool usage_ok = argc >= 2 && argc % 2 == 0;
  for (int i = 2; usage_ok && i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--glyphs") glyphs_file = argv[i + 1];
    else if (std::string(argv[i]) == "--sources") sources_dir = argv[i + 1];
    else usage_ok = false;  // a mistyped option must not silently skip a check
  }
  if (!usage_ok || (!sources_dir.empty() && glyphs_file.empty())) {
    std::fprintf(stderr, "usage: content-lint CONTENT_DIR [--glyphs GLYPHS_FILE [--sources SOURCE_DIR]]\n");
    return 2;
  }
  std::string dir = argv[1];
  std::set<char32_t> glyphs;
  const bool check_font = !glyphs_file.empty();
  if (check_font) {
    std::string g;
    if (!read_file(glyphs_file, g)) { std::fprintf(stderr, "content-lint: cannot read %s\n", glyphs_file.c_str()); return 2; }
    glyphs = code_points(g);
  }

  course::Diagnostics d;
  std::string text;
  std::set<std::string> sources;
  if (!sources_dir.empty()) source_files_in(sources_dir, sources);
  for (const std::string& file : sources)
    if (read_file(file, text)) check_glyphs(file, string_literals(text), glyphs, d, 0x80);
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
