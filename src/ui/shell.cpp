#include "ui/shell.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

#include "ui/fonts.h"
#include "ui/item_registry.h"
#include "ui/rich_text.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace ui {

namespace {

ImVec4 col(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

void draw_check(ImDrawList* dl, ImVec2 c, float r, ImU32 color) {
  dl->AddLine(ImVec2(c.x - r * 0.45f, c.y), ImVec2(c.x - r * 0.1f, c.y + r * 0.35f), color, 2.0f);
  dl->AddLine(ImVec2(c.x - r * 0.1f, c.y + r * 0.35f), ImVec2(c.x + r * 0.5f, c.y - r * 0.35f), color, 2.0f);
}

void draw_lock(ImDrawList* dl, ImVec2 c, ImU32 color) {
  dl->AddRectFilled(ImVec2(c.x - 6, c.y - 1), ImVec2(c.x + 6, c.y + 8), color, 2);
  constexpr float kPi = 3.14159265f;
  dl->PathArcTo(ImVec2(c.x, c.y - 2), 4.2f, kPi, 2 * kPi, 10);
  dl->PathStroke(color, 0, 1.8f);
  dl->AddLine(ImVec2(c.x - 4.2f, c.y - 2), ImVec2(c.x - 4.2f, c.y), color, 1.8f);
  dl->AddLine(ImVec2(c.x + 4.2f, c.y - 2), ImVec2(c.x + 4.2f, c.y), color, 1.8f);
}

void progress_bar(float fraction, float width, float height) {
  const Palette& p = palette();
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + height), p.border, height);
  if (fraction > 0) dl->AddRectFilled(pos, ImVec2(pos.x + std::max(height, width * fraction), pos.y + height), p.success, height);
  // An item of its own (not a Dummy) so the accessibility mirror can expose it as a progressbar.
  ImRect bb(pos, ImVec2(pos.x + width, pos.y + height));
  ImGui::ItemSize(bb);
  ImGui::ItemAdd(bb, ImGui::GetID("course progress"), nullptr, ImGuiItemFlags_NoNav);
  annotate(Role::progressbar, "Course progress", false, std::round(fraction * 100));
}

}  // namespace

void CourseShell::draw(const ShellInput& in, ShellOutput& out, LabSlots* labs) {
  const course::CourseSession& s = *in.session;
  const ImGuiIO& io = ImGui::GetIO();
  const bool narrow = io.DisplaySize.x < 900 || in.compact;
  const float bar_h = in.compact ? 48 : kTopBarHeight;

  bool completed = course::course_completed(s.course(), s.progress());
  if (completed && !was_completed_) show_completion_ = true;  // the moment the last quiz is passed
  was_completed_ = completed;

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::SetNextWindowBgAlpha(0);  // the GL clear already paints the page: one full-screen fill less
  ImGui::Begin("course", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollbar);
  top_bar(in, io.DisplaySize.x, narrow);

  float sidebar_w = narrow ? 0 : kSidebarWidth;
  ImGui::SetCursorPos(ImVec2(0, bar_h));
  if (!narrow) {
    // The sidebar's colour as a fill (a clear, see fill_rect), not as the child's background.
    fill_rect(ImGui::GetWindowDrawList(), ImVec2(0, bar_h), ImVec2(sidebar_w, io.DisplaySize.y), palette().sidebar);
    ImGui::BeginChild("lessons", ImVec2(sidebar_w, io.DisplaySize.y - bar_h), false, ImGuiWindowFlags_NavFlattened);
    sidebar(in, out, io.DisplaySize.y - bar_h);
    ImGui::EndChild();
    ImGui::SameLine(0, 0);
  }
  ImGui::BeginChild("reader", ImVec2(io.DisplaySize.x - sidebar_w, io.DisplaySize.y - bar_h), false, ImGuiWindowFlags_NavFlattened);
  notices(in, out, io.DisplaySize.x - sidebar_w);
  if (show_completion_ && completed) completion(in, out);
  else if (reader_.draw(s, out.commands, labs)) out.animating = true;
  out.content_height = int(bar_h + ImGui::GetScrollMaxY() + ImGui::GetWindowHeight());
  ImGui::EndChild();

  // Narrow screens: the lesson list slides over the reader.
  if (narrow && sidebar_open_) {
    ImGui::SetNextWindowPos(ImVec2(0, bar_h));
    ImGui::SetNextWindowSize(ImVec2(std::min(io.DisplaySize.x, 340.0f), io.DisplaySize.y - bar_h));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, col(palette().sidebar));
    ImGui::Begin("lesson list", &sidebar_open_, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    sidebar(in, out, io.DisplaySize.y - bar_h);
    if (!ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && ImGui::IsMouseClicked(0)) sidebar_open_ = false;
    ImGui::End();
    ImGui::PopStyleColor();
  }

  settings_popup(in, out);
  progress_code_popup(in, out);
  reset_popup(out);
  ImGui::End();
  for (const course::Command& c : out.commands)
    if (std::holds_alternative<course::cmd::OpenLesson>(c)) { show_completion_ = false; sidebar_open_ = false; }
}

void CourseShell::top_bar(const ShellInput& in, float width, bool narrow) {
  const course::CourseSession& s = *in.session;
  const Palette& p = palette();
  const float h = in.compact ? 48 : kTopBarHeight;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  fill_rect(dl, ImVec2(0, 0), ImVec2(width, h), p.surface);
  dl->AddLine(ImVec2(0, h - 0.5f), ImVec2(width, h - 0.5f), p.border);

  float x = 20;
  if (narrow) {
    ImGui::SetCursorPos(ImVec2(12, (h - 36) * 0.5f));
    if (button(sidebar_open_ ? "Close" : "Lessons", ButtonKind::secondary)) sidebar_open_ = !sidebar_open_;
    x = ImGui::GetItemRectMax().x + 14;
  } else {
    // A small mark: two stacked "disks" of a replicated store.
    ImVec2 m(x + 14, h * 0.5f);
    dl->AddRectFilled(ImVec2(m.x - 14, m.y - 14), ImVec2(m.x + 14, m.y + 14), p.accent, 7);
    dl->AddRectFilled(ImVec2(m.x - 8, m.y - 8), ImVec2(m.x + 8, m.y - 2), p.on_accent, 2);
    dl->AddRectFilled(ImVec2(m.x - 8, m.y + 2), ImVec2(m.x + 8, m.y + 8), p.on_accent, 2);
    x += 40;
  }
  const int k = s.current_lesson(), n = int(s.course().lessons.size());
  const bool fits_title = width > 760;
  if (fits_title) {
    ImFont* f = fonts().ui_bold;
    dl->AddText(f, f->FontSize + 1, ImVec2(x, (h - f->FontSize) * 0.5f), p.heading, s.course().title.c_str());
  }

  // Right side: "Lesson k of n", the bar and the percentage, settings.
  int pct = course::percent_complete(s.course(), s.progress());
  char lesson_label[48], pct_label[16];
  std::snprintf(lesson_label, sizeof lesson_label, "Lesson %d of %d", k + 1, n);
  std::snprintf(pct_label, sizeof pct_label, "%d%%", pct);
  float bar_w = narrow ? 70 : 150;
  ImFont* f = fonts().ui;
  float lw = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, lesson_label).x;
  float pw = fonts().ui_bold->CalcTextSizeA(f->FontSize, FLT_MAX, 0, "100%").x;
  float settings_w = 44;
  float right = width - 16 - settings_w - 16;
  float px = right - pw;
  float bx = px - 10 - bar_w;
  float lx = bx - 16 - lw;
  if (narrow && lx < x) lx = -1000;  // too tight: the bar and percentage say enough
  dl->AddText(f, f->FontSize, ImVec2(lx, (h - f->FontSize) * 0.5f), p.text_muted, lesson_label);
  ImGui::SetCursorPos(ImVec2(bx, h * 0.5f - 4));
  progress_bar(pct / 100.0f, bar_w, 8);
  dl->AddText(fonts().ui_bold, f->FontSize, ImVec2(px, (h - f->FontSize) * 0.5f), p.heading, pct_label);
  ImGui::SetCursorPos(ImVec2(width - 16 - settings_w, (h - 36) * 0.5f));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(0, 9));
  if (button("\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2##Settings", ButtonKind::quiet, settings_w)) open_settings_ = true;  // •••
  annotate(Role::button, "Settings");  // the visible label is an ellipsis glyph
  ImGui::PopStyleVar();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Settings and progress");
}

void CourseShell::sidebar(const ShellInput& in, ShellOutput& out, float) {
  const course::CourseSession& s = *in.session;
  const course::Course& c = s.course();
  const Palette& p = palette();
  const float w = ImGui::GetWindowWidth();
  ImGui::SetCursorPos(ImVec2(20, 24));
  ImGui::PushFont(fonts().small);
  ImGui::TextColored(col(p.text_muted), "COURSE CONTENTS");
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(1, 4));
  const int current = s.current_lesson();
  for (int i = 0; i < int(c.lessons.size()); ++i) {
    bool unlocked = course::lesson_unlocked(c, s.progress(), i);
    bool passed = course::lesson_passed(c, s.progress(), i);
    bool is_current = i == current && !show_completion_;
    ImGui::PushID(i);
    ImVec2 pos(ImGui::GetWindowPos().x + 10, ImGui::GetCursorScreenPos().y);
    ImGui::SetCursorPosX(10);
    TextStyle ts = ui_style(unlocked ? p.text : p.text_muted);
    if (is_current) ts.regular = fonts().ui_bold;
    float text_w = w - 20 - 56 - 12;
    float h = std::max(58.0f, measure_rich_text(c.lessons[size_t(i)].title, text_w, ts) + 34);
    std::string label = c.lessons[size_t(i)].title + (passed ? ", passed" : unlocked ? "" : ", locked");
    bool clicked = ImGui::InvisibleButton(label.c_str(), ImVec2(w - 20, h));
    bool hovered = ImGui::IsItemHovered();
    annotate(Role::link, label);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (is_current) dl->AddRectFilled(pos, ImVec2(pos.x + w - 20, pos.y + h), p.accent_soft, kRadius);
    else if (hovered && unlocked) dl->AddRectFilled(pos, ImVec2(pos.x + w - 20, pos.y + h), p.border, kRadius);
    ImVec2 c0(pos.x + 26, pos.y + 29);
    if (passed) {
      dl->AddCircleFilled(c0, 13, p.success, 24);
      draw_check(dl, c0, 13, p.on_accent);
    } else if (unlocked) {
      dl->AddCircle(c0, 13, is_current ? p.accent : p.text_muted, 24, 1.5f);
      char num[12];
      std::snprintf(num, sizeof num, "%d", i + 1);
      ImVec2 ns = fonts().ui_bold->CalcTextSizeA(fonts().ui_bold->FontSize, FLT_MAX, 0, num);
      dl->AddText(fonts().ui_bold, fonts().ui_bold->FontSize, ImVec2(c0.x - ns.x * 0.5f, c0.y - ns.y * 0.5f), is_current ? p.accent : p.text, num);
    } else {
      dl->AddCircle(c0, 13, p.border, 24, 1.5f);
      draw_lock(dl, c0, p.lock);
    }
    ImVec2 after = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(pos.x + 52, pos.y + 9));
    rich_text(c.lessons[size_t(i)].title, text_w, ts);
    auto it = s.progress().lessons.find(c.lessons[size_t(i)].id);
    std::string status = passed ? "Passed \xC2\xB7 best " + std::to_string(it->second.best_score) + " of " + std::to_string(c.pass_rule.questions_per_attempt)
                         : !unlocked ? "Locked until lesson " + std::to_string(i) + " is passed"
                         : (it != s.progress().lessons.end() && it->second.attempts > 0) ? "Quiz not passed yet"
                         : is_current ? "Reading now" : "Open";
    ImGui::SetCursorScreenPos(ImVec2(pos.x + 52, ImGui::GetCursorScreenPos().y - 6));
    ImGui::PushFont(fonts().small);
    ImGui::TextColored(col(passed ? p.success : p.text_muted), "%s", status.c_str());
    ImGui::PopFont();
    ImGui::SetCursorScreenPos(after);
    if (clicked && unlocked) out.commands.push_back(course::cmd::OpenLesson{i});
    if (hovered && !unlocked) ImGui::SetTooltip("Pass the quiz of lesson %d to unlock this lesson", i);
    ImGui::PopID();
  }
  if (course::course_completed(c, s.progress())) {
    ImGui::Dummy(ImVec2(1, 6));
    ImGui::SetCursorPosX(20);
    if (button("Course complete \xE2\x9C\x93", ButtonKind::secondary, w - 40)) { show_completion_ = true; sidebar_open_ = false; }
  }
  ImGui::Dummy(ImVec2(1, 18));
  ImGui::SetCursorPosX(20);
  if (button("Progress code", ButtonKind::quiet)) open_code_ = true;
  ImGui::SameLine();
  if (button("Reset progress", ButtonKind::quiet)) open_reset_ = true;
  ImGui::Dummy(ImVec2(1, 20));
}

void CourseShell::notices(const ShellInput& in, ShellOutput& out, float width) {
  const Palette& p = palette();
  for (size_t i = 0; i < in.notices.size(); ++i) {
    const Notice& n = in.notices[i];
    float w = std::min(width - 40, kReaderMaxWidth + 40);
    ImGui::SetCursorPos(ImVec2((width - w) * 0.5f, ImGui::GetCursorPosY() + 16));
    ImVec2 pos = ImGui::GetCursorScreenPos();
    TextStyle ts = ui_style(p.text);
    float text_w = w - 32 - 110;
    float h = measure_rich_text(n.text, text_w, ts) + 28;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    fill_rect(dl, pos, ImVec2(pos.x + w, pos.y + h), n.warning ? p.warning_soft : p.accent_soft, kRadius);
    dl->AddRect(pos, ImVec2(pos.x + w, pos.y + h), n.warning ? p.warning : p.accent, kRadius);
    ImGui::SetCursorScreenPos(ImVec2(pos.x + 16, pos.y + 14));
    rich_text(n.text, text_w, ts);
    ImGui::SetCursorScreenPos(ImVec2(pos.x + w - 100, pos.y + (h - 34) * 0.5f));
    ImGui::PushID(int(i));
    if (button("Dismiss", ButtonKind::secondary, 86)) out.dismissed_notice = int(i);
    ImGui::PopID();
    ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + h));
  }
  if (!in.storage_ok) {
    ImGui::SetCursorPosX(std::max(20.0f, (width - std::min(width - 40, kReaderMaxWidth + 40)) * 0.5f));
    if (button("Copy my progress code", ButtonKind::secondary)) open_code_ = true;
  }
}

void CourseShell::settings_popup(const ShellInput& in, ShellOutput& out) {
  if (open_settings_) { ImGui::OpenPopup("Settings"); open_settings_ = false; }
  ImGui::SetNextWindowSize(ImVec2(380, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24, 20));
  if (ImGui::BeginPopup("Settings")) {
    course::Preferences prefs = in.session->progress().prefs;
    ImGui::PushFont(fonts().h3);
    ImGui::TextUnformatted("Settings");
    ImGui::PopFont();
    ImGui::TextColored(col(palette().text_muted), "Theme");
    int theme = int(prefs.theme);
    bool changed = false;
    const char* themes[] = {"System", "Light", "Dark"};
    for (int t = 0; t < 3; ++t) {
      if (t > 0) ImGui::SameLine();
      changed |= ImGui::RadioButton(themes[t], &theme, t);
      annotate(Role::radio, std::string("Theme: ") + themes[t], theme == t);
    }
    ImGui::TextColored(col(palette().text_muted), "Text size");
    int scale = prefs.text_scale_percent;
    for (int v : {90, 100, 115, 130}) {
      char label[16];
      std::snprintf(label, sizeof label, "%d%%", v);
      changed |= ImGui::RadioButton(label, &scale, v);
      annotate(Role::radio, std::string("Text size: ") + label, scale == v);
      if (v != 130) ImGui::SameLine();
    }
    bool reduced = prefs.reduced_motion;
    changed |= ImGui::Checkbox("Reduce motion", &reduced);
    if (changed) {
      prefs.theme = course::Theme(theme);
      prefs.text_scale_percent = scale;
      prefs.reduced_motion = reduced;
      out.commands.push_back(course::cmd::SetPreferences{prefs});
    }
    ImGui::Separator();
    if (button("Progress code", ButtonKind::secondary)) { open_code_ = true; ImGui::CloseCurrentPopup(); }
    ImGui::SameLine();
    if (button("Reset progress", ButtonKind::secondary)) { open_reset_ = true; ImGui::CloseCurrentPopup(); }
    ImGui::EndPopup();
  }
  ImGui::PopStyleVar();
}

void CourseShell::progress_code_popup(const ShellInput& in, ShellOutput& out) {
  if (open_code_) { ImGui::OpenPopup("Progress code"); open_code_ = false; import_message_.clear(); import_text_.clear(); }
  ImGui::SetNextWindowSize(ImVec2(std::min(ImGui::GetIO().DisplaySize.x - 24, 520.0f), 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24, 20));
  if (ImGui::BeginPopupModal("Progress code", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings)) {
    float w = ImGui::GetContentRegionAvail().x;
    rich_text("Your progress as a code. Copy it somewhere safe; paste it here on another device or browser to continue where you left off.",
              w, ui_style(palette().text));
    ImGui::PushFont(fonts().mono);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w);
    ImGui::TextUnformatted(in.progress_code.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    if (button("Copy code")) ImGui::SetClipboardText(in.progress_code.c_str());
    ImGui::Dummy(ImVec2(1, 6));
    ImGui::TextColored(col(palette().text_muted), "Restore from a code");
    char buf[1024];
    std::snprintf(buf, sizeof buf, "%s", import_text_.c_str());
    ImGui::SetNextItemWidth(w);
    if (ImGui::InputTextWithHint("##import", "DBC1....", buf, sizeof buf)) import_text_ = buf;
    if (!import_message_.empty()) ImGui::TextColored(col(palette().danger), "%s", import_message_.c_str());
    if (button("Restore", ButtonKind::primary)) {
      course::ProgressImport probe = course::import_code(import_text_, in.session->course());
      if (probe.error.empty()) {
        out.commands.push_back(course::cmd::ImportProgress{import_text_});
        ImGui::CloseCurrentPopup();
      } else {
        import_message_ = probe.error;
      }
    }
    ImGui::SameLine();
    if (button("Close", ButtonKind::secondary)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::PopStyleVar();
}

void CourseShell::reset_popup(ShellOutput& out) {
  if (open_reset_) { ImGui::OpenPopup("Reset progress?"); open_reset_ = false; }
  ImGui::SetNextWindowSize(ImVec2(std::min(ImGui::GetIO().DisplaySize.x - 24, 440.0f), 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24, 20));
  if (ImGui::BeginPopupModal("Reset progress?", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings)) {
    rich_text("This forgets every passed quiz and locks lessons 2 to 6 again. Your settings stay. This cannot be undone, "
              "so copy your progress code first if you may want it back.",
              ImGui::GetContentRegionAvail().x, ui_style(palette().text));
    ImGui::Dummy(ImVec2(1, 6));
    if (button("Reset progress", ButtonKind::danger)) {
      out.commands.push_back(course::cmd::ResetProgress{});
      out.commands.push_back(course::cmd::OpenLesson{0});
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (button("Keep my progress", ButtonKind::secondary)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::PopStyleVar();
}

void CourseShell::completion(const ShellInput& in, ShellOutput& out) {
  const course::CourseSession& s = *in.session;
  const course::Course& c = s.course();
  const Palette& p = palette();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float width = std::min(kReaderMaxWidth, avail - 40);
  ImGui::SetCursorPosX((avail - width) * 0.5f);
  ImGui::BeginGroup();
  ImGui::Dummy(ImVec2(1, 56));
  ImVec2 m = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddCircleFilled(ImVec2(m.x + 32, m.y + 32), 32, p.success, 48);
  draw_check(dl, ImVec2(m.x + 32, m.y + 32), 30, p.on_accent);
  ImGui::Dummy(ImVec2(64, 76));
  ImGui::PushFont(fonts().h1);
  ImGui::TextColored(col(p.heading), "Course complete");
  ImGui::PopFont();
  rich_text("You passed all " + std::to_string(c.lessons.size()) + " quizzes of *" + c.title +
                "*. You can reopen any lesson to review it or to keep breaking its labs.",
            width, body_style());
  ImGui::Dummy(ImVec2(1, 12));
  if (ImGui::BeginTable("summary", 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp, ImVec2(width, 0))) {
    ImGui::TableSetupColumn("Lesson", ImGuiTableColumnFlags_WidthStretch, 5);
    ImGui::TableSetupColumn("Best score", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableSetupColumn("Attempts", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::PushFont(fonts().ui_bold);
    ImGui::TableHeadersRow();
    ImGui::PopFont();
    for (int i = 0; i < int(c.lessons.size()); ++i) {
      auto it = s.progress().lessons.find(c.lessons[size_t(i)].id);
      course::LessonProgress lp = it == s.progress().lessons.end() ? course::LessonProgress{} : it->second;
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::Text("%d. %s", i + 1, c.lessons[size_t(i)].title.c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::Text("%d of %d", lp.best_score, c.pass_rule.questions_per_attempt);
      ImGui::TableSetColumnIndex(2);
      ImGui::Text("%d", lp.attempts);
    }
    ImGui::EndTable();
  }
  ImGui::Dummy(ImVec2(1, 16));
  if (button("Review lesson 1")) out.commands.push_back(course::cmd::OpenLesson{0});
  ImGui::SameLine();
  if (button("Back to the last lesson", ButtonKind::secondary)) out.commands.push_back(course::cmd::OpenLesson{int(c.lessons.size()) - 1});
  ImGui::EndGroup();
}

}  // namespace ui
