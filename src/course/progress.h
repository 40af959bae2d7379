// Learner progress: what is saved, how it is versioned, migrated, validated and exchanged.
// A learner's progress is never lost: corrupt saved values are reported (the caller keeps the
// raw text under a backup key), older versions are migrated, and a compact "progress code" moves
// progress by copy and paste when storage is blocked (and fits SCORM's 4096-character
// suspend_data).
//
//   ProgressLoad l = load_progress(saved_text, course);   // l.status: fresh / restored / migrated / corrupt
//   std::string text = save_progress(l.progress);         // JSON, current version
//   std::string code = export_code(l.progress, course);   // "DBC1.…" for copy and paste
//   ProgressImport i = import_code(code, course);          // i.error explains a bad code
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "course/content.h"

namespace course {

constexpr int kProgressVersion = 2;
constexpr int kMaxScrollPx = 100000000;
constexpr int kMinTextScale = 80, kMaxTextScale = 160;

struct LessonProgress {
  bool visited = false;
  int attempts = 0;
  int best_score = 0;  // most questions correct in one attempt
  bool passed = false;
  bool operator==(const LessonProgress& o) const {
    return visited == o.visited && attempts == o.attempts && best_score == o.best_score && passed == o.passed;
  }
};

enum class Theme { system, light, dark };

struct Preferences {
  Theme theme = Theme::system;
  int text_scale_percent = 100;  // 80..160
  bool reduced_motion = false;
  bool operator==(const Preferences& o) const {
    return theme == o.theme && text_scale_percent == o.text_scale_percent && reduced_motion == o.reduced_motion;
  }
};

struct Progress {
  uint64_t learner_seed = 0;                      // draws this learner's quiz attempts
  std::string current_lesson;                     // lesson id; empty = the first
  int scroll_px = 0;                              // reading position in the current lesson
  std::map<std::string, LessonProgress> lessons;  // by lesson id (ordered: deterministic output)
  Preferences prefs;
  bool operator==(const Progress& o) const {
    return learner_seed == o.learner_seed && current_lesson == o.current_lesson && scroll_px == o.scroll_px &&
           lessons == o.lessons && prefs == o.prefs;
  }
};

enum class LoadStatus { fresh, restored, migrated, corrupt };

struct ProgressLoad {
  Progress progress;
  LoadStatus status = LoadStatus::fresh;
  std::string detail;  // why a value was judged corrupt, for the notice and the console
};

// `saved` empty means nothing was stored. Unknown lesson ids are dropped (content changed).
ProgressLoad load_progress(const std::string& saved, const Course& course);
std::string save_progress(const Progress& p);

struct ProgressImport {
  Progress progress;
  std::string error;  // empty on success
};
std::string export_code(const Progress& p, const Course& course);
ProgressImport import_code(const std::string& code, const Course& course);

// Gating (seed: "pass a quiz to unlock each next lesson"); passed lessons stay open for review.
bool lesson_unlocked(const Course& course, const Progress& p, int lesson);
bool lesson_passed(const Course& course, const Progress& p, int lesson);
int lessons_passed(const Course& course, const Progress& p);
int percent_complete(const Course& course, const Progress& p);  // passed lessons, 0..100
bool course_completed(const Course& course, const Progress& p);

}  // namespace course
