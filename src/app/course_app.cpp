#include "app/course_app.h"

#include <memory>

#include <nlohmann/json.hpp>

#include "platform/platform.h"

namespace app {

void CourseApp::start() {
  platform::fetch_text(base_ + "course.json", [this](const platform::FetchResult& r) {
    if (r.status != 200) {
      fatal_ = "The course could not be loaded: content/course.json " + (r.error.empty() ? "failed" : r.error) +
               ". Check your connection and reload the page.";
      ++changes_;
      return;
    }
    on_course(r.body);
  });
}

void CourseApp::on_course(const std::string& text) {
  course::Diagnostics d;
  course::Course c = course::parse_course(text, d);
  if (!d.ok() || c.lessons.empty()) {
    fatal_ = "The course content is damaged: " + (d.ok() ? std::string("it lists no lessons") : d.errors().front().to_string());
    for (const auto& e : d.errors()) platform::console_log("content error: " + e.to_string());
    ++changes_;
    return;
  }
  session_ = std::make_unique<course::CourseSession>(std::move(c));
  lesson_state_.assign(session_->course().lessons.size(), 0);
  restore_progress();
  load_lesson(session_->current_lesson());
  ++changes_;
}

void CourseApp::restore_progress() {
  platform::StorageStatus storage = platform::storage_probe();
  storage_ok_ = storage.available;
  std::string saved;
  if (storage_ok_) saved = platform::storage_get(kProgressKey).value_or("");
  else
    notice("Your browser does not let this page keep data (" + storage.error + "), so progress lives in this tab only. "
           "Use **Copy my progress code** before you leave, and paste it back next time.", true);

  course::ProgressLoad loaded = course::load_progress(saved, session_->course());
  // Inside an LMS the progress it keeps (cmi.suspend_data) follows the learner between devices
  // and wins over this browser's copy.
  if (std::optional<std::string> lms = platform::lms_saved_progress()) {
    course::ProgressImport imported = course::import_code(*lms, session_->course());
    if (imported.error.empty()) {
      loaded.progress = imported.progress;
      loaded.status = course::LoadStatus::restored;
    } else {
      platform::console_log("LMS suspend_data ignored: " + imported.error);
    }
  }
  if (loaded.status == course::LoadStatus::corrupt) {
    platform::storage_set(kBackupKey, saved);
    platform::console_log("saved progress unreadable: " + loaded.detail);
    notice("Your saved progress could not be read, so the course starts fresh. The unreadable value is kept in this "
           "browser under `" + std::string(kBackupKey) + "`; if you have a progress code, restore it from Settings.", true);
  } else if (loaded.status == course::LoadStatus::migrated) {
    notice("Welcome back. Your progress was carried over from an earlier version of the course.", false);
  }
  if (loaded.progress.learner_seed == 0) {  // a new learner: follow the system's motion setting
    loaded.progress.learner_seed = platform::entropy64() | 1;
    if (loaded.status == course::LoadStatus::fresh) loaded.progress.prefs.reduced_motion = platform::prefers_reduced_motion();
  }
  session_->restore(loaded.progress);
  restored_scroll_ = loaded.progress.scroll_px;
  persist();
}

void CourseApp::load_lesson(int k) {
  if (!session_ || k < 0 || k >= int(lesson_state_.size()) || lesson_state_[size_t(k)] == 1 || lesson_state_[size_t(k)] == 2) return;
  lesson_state_[size_t(k)] = 1;
  const course::LessonRef ref = session_->course().lessons[size_t(k)];
  // Lesson and quiz arrive independently; whichever lands second parses both.
  auto texts = std::make_shared<std::pair<std::string, std::string>>();
  auto remaining = std::make_shared<int>(2);
  auto failed = std::make_shared<std::string>();
  auto finish = [this, k, ref, texts, remaining, failed]() {
    if (--*remaining > 0) return;
    ++changes_;
    if (!failed->empty()) {
      lesson_state_[size_t(k)] = 3;
      notice("Lesson " + std::to_string(k + 1) + " could not be loaded (" + *failed + "). Check your connection and reload.", true);
      return;
    }
    course::Diagnostics d;
    course::Lesson lesson = course::parse_lesson(texts->first, ref.file, session_->course(), d);
    course::Quiz quiz = course::parse_quiz(texts->second, ref.quiz, session_->course(), d);
    if (!d.ok()) {
      for (const auto& e : d.errors()) platform::console_log("content error: " + e.to_string());
      lesson_state_[size_t(k)] = 3;
      notice("Lesson " + std::to_string(k + 1) + " has a content error and cannot be shown: " + d.errors().front().to_string(), true);
      return;
    }
    lesson_state_[size_t(k)] = 2;
    session_->set_lesson_content(k, std::move(lesson), std::move(quiz));
    // Read ahead: the next lesson is likely next.
    if (k + 1 < int(lesson_state_.size()) && course::lesson_unlocked(session_->course(), session_->progress(), k + 1)) load_lesson(k + 1);
  };
  platform::fetch_text(base_ + ref.file, [texts, failed, finish, ref](const platform::FetchResult& r) {
    if (r.status == 200) texts->first = r.body;
    else *failed = ref.file + ": " + (r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error);
    finish();
  });
  platform::fetch_text(base_ + ref.quiz, [texts, failed, finish, ref](const platform::FetchResult& r) {
    if (r.status == 200) texts->second = r.body;
    else *failed = ref.quiz + ": " + (r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error);
    finish();
  });
}

bool CourseApp::ready() const { return session_ && session_->lesson(session_->current_lesson()); }

ui::ShellInput CourseApp::shell_input() const {
  ui::ShellInput in;
  in.session = session_.get();
  in.notices = notices_;
  in.storage_ok = storage_ok_;
  in.progress_code = progress_code_;
  return in;
}

void CourseApp::apply(const ui::ShellOutput& out) {
  if (out.dismissed_notice >= 0 && out.dismissed_notice < int(notices_.size()))
    notices_.erase(notices_.begin() + out.dismissed_notice);
  if (!session_) return;
  for (const course::Command& c : out.commands) {
    course::Outcome o = session_->apply(c);
    if (!o.applied && !o.message.empty()) notice(o.message, true);
    else if (std::holds_alternative<course::cmd::ImportProgress>(c)) notice(o.message, false);
  }
  load_lesson(session_->current_lesson());
  int next = session_->current_lesson() + 1;
  if (next < int(lesson_state_.size()) && course::lesson_unlocked(session_->course(), session_->progress(), next)) load_lesson(next);
  if (session_->revision() != saved_revision_) persist();
}

void CourseApp::tick(double now_ms) {
  if (session_ && session_->scroll_revision() != saved_scroll_revision_ && now_ms - last_scroll_save_ms_ > 1000) {
    last_scroll_save_ms_ = now_ms;
    persist();
  }
}

void CourseApp::persist() {
  // The code shown in the progress dialog changes only with progress: derive it here, not per frame.
  progress_code_ = course::export_code(session_->progress(), session_->course());
  if (saved_revision_ != session_->revision()) report();
  saved_revision_ = session_->revision();
  saved_scroll_revision_ = session_->scroll_revision();
  if (!storage_ok_) return;
  std::string error;
  if (!platform::storage_set(kProgressKey, course::save_progress(session_->progress()), &error)) {
    storage_ok_ = false;
    notice("Saving stopped working (" + error + "), so from now on progress lives in this tab only. "
           "Use **Copy my progress code** before you leave.", true);
  }
}

// The summary web/embed.js turns into SCORM values and postMessage events.
void CourseApp::report() {
  const course::Course& c = session_->course();
  const course::Progress& p = session_->progress();
  platform::show_lesson_text(base_ + c.lessons[size_t(session_->current_lesson())].file);
  int best = 0;
  nlohmann::json passed = nlohmann::json::array();
  for (int i = 0; i < int(c.lessons.size()); ++i) {
    auto it = p.lessons.find(c.lessons[size_t(i)].id);
    if (it != p.lessons.end()) best += it->second.best_score;
    if (course::lesson_passed(c, p, i)) passed.push_back(c.lessons[size_t(i)].id);
  }
  int max_score = c.pass_rule.questions_per_attempt * int(c.lessons.size());
  nlohmann::json summary = {
      {"lesson", session_->current_lesson() + 1},
      {"lessonId", c.lessons[size_t(session_->current_lesson())].id},
      {"lessons", int(c.lessons.size())},
      {"passed", passed},
      {"percent", course::percent_complete(c, p)},
      {"completed", course::course_completed(c, p)},
      {"score", max_score ? best * 100 / max_score : 0},
      {"suspend", course::export_code(p, c)}};
  platform::report_progress(summary.dump());
}

void CourseApp::embed_command(const std::string& json) {
  if (!session_) return;
  nlohmann::json cmd = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!cmd.is_object() || !cmd.contains("type") || !cmd["type"].is_string()) return;
  const std::string type = cmd["type"].get<std::string>();
  ui::ShellOutput out;
  if (type == "goto" && cmd.contains("lesson") && cmd["lesson"].is_number_integer()) {
    out.commands.push_back(course::cmd::OpenLesson{int(cmd["lesson"].get<int64_t>() - 1)});
  } else if (type == "reset") {
    out.commands.push_back(course::cmd::ResetProgress{});
    out.commands.push_back(course::cmd::OpenLesson{0});
  }
  apply(out);
}

void CourseApp::open_lab_lesson(const std::string& id) {
  const course::LabRef* lab = session_ ? session_->course().lab(id) : nullptr;
  if (!lab) return;
  int k = session_->course().lesson_index(lab->lesson);
  course::Outcome o = session_->apply(course::cmd::OpenLesson{k});
  if (!o.applied) notice("This link opens the " + lab->title + " in lesson " + std::to_string(k + 1) + ". " + o.message, true);
  load_lesson(k);
}

void CourseApp::notice(std::string text, bool warning) {
  for (const ui::Notice& n : notices_)
    if (n.text == text) return;
  notices_.push_back({std::move(text), warning});
  ++changes_;
}

}  // namespace app
