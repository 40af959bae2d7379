#include "ui/quiz_view.h"

#include <string>

#include "course/inline_markup.h"
#include "ui/fonts.h"
#include "ui/item_registry.h"
#include "ui/rich_text.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace ui {

namespace {

// One option as a full-width card with a radio mark; after grading it shows right/wrong colours.
bool option_card(const course::Option& o, bool selected, bool graded, float width, int id) {
  const Palette& p = palette();
  const float pad = 14, mark = 20;
  TextStyle s = ui_style(p.text);
  s.line_height = fonts().ui->FontSize * 1.5f;
  float text_w = width - 2 * pad - mark - 12;
  float h = std::max(measure_rich_text(o.text, text_w, s), s.line_height) + 2 * pad;
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::PushID(id);
  bool pressed = ImGui::InvisibleButton("option", ImVec2(width, h));
  bool hovered = ImGui::IsItemHovered() && !graded;
  annotate(Role::radio, course::plain_text(o.text), selected);
  ImGui::PopID();

  ImU32 fill = p.surface, border = p.border;
  if (selected) { fill = p.accent_soft; border = p.accent; }
  if (hovered && !selected) fill = p.accent_soft;
  if (graded && o.correct) { fill = p.success_soft; border = p.success; }
  else if (graded && selected) { fill = p.danger_soft; border = p.danger; }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  fill_rect(dl, pos, ImVec2(pos.x + width, pos.y + h), fill, kRadius);
  dl->AddRect(pos, ImVec2(pos.x + width, pos.y + h), border, kRadius, 0, selected || (graded && o.correct) ? 2.0f : 1.0f);
  ImVec2 c(pos.x + pad + mark * 0.5f, pos.y + pad + s.line_height * 0.5f);
  ImU32 ring = graded && o.correct ? p.success : graded && selected ? p.danger : selected ? p.accent : p.text_muted;
  dl->AddCircle(c, mark * 0.5f - 1, ring, 24, 1.5f);
  if (selected) dl->AddCircleFilled(c, mark * 0.5f - 5, ring, 24);
  ImVec2 after = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(ImVec2(pos.x + pad + mark + 12, pos.y + pad));
  rich_text(o.text, text_w, s);
  ImGui::SetCursorScreenPos(after);
  return pressed && !graded;
}

void explanation(const char* verdict, ImU32 color, const std::string& why, float width) {
  const float right_edge = ImGui::GetCursorScreenPos().x + width;
  ImGui::PushFont(fonts().ui_bold);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color), "%s", verdict);
  ImGui::PopFont();
  ImGui::SameLine(0, 6);
  rich_text(why, right_edge - ImGui::GetCursorScreenPos().x, ui_style(palette().text));
}

void result_banner(const course::QuizResult& r, const course::Course& c, int lesson, float width) {
  const Palette& p = palette();
  bool last = lesson + 1 >= int(c.lessons.size());
  std::string title = std::to_string(r.correct) + " of " + std::to_string(r.total) + " correct";
  std::string body = r.passed ? (last ? "Passed. That was the final quiz: the course is complete."
                                      : "Passed. \"" + c.lessons[size_t(lesson + 1)].title + "\" is now unlocked.")
                              : "Not yet: you need " + std::to_string(c.pass_rule.correct_to_pass) +
                                    ". Read the explanations below, then retry with a fresh set of questions.";
  ImVec2 pos = ImGui::GetCursorScreenPos();
  float h = 88;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  fill_rect(dl, pos, ImVec2(pos.x + width, pos.y + h), r.passed ? p.success_soft : p.warning_soft, kRadius);
  dl->AddText(fonts().h3, fonts().h3->FontSize, ImVec2(pos.x + 20, pos.y + 16), r.passed ? p.success : p.warning, title.c_str());
  ImGui::SetCursorScreenPos(ImVec2(pos.x + 20, pos.y + 48));
  rich_text(body, width - 40, ui_style(p.text));
  ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + h + 16));
}

}  // namespace

void QuizView::draw(const course::CourseSession& s, int lesson, const course::Quiz& quiz, float width,
                    std::vector<course::Command>& out) {
  const course::QuizState* st = s.quiz_state(lesson);
  if (!st) return;
  const course::Course& c = s.course();
  const Palette& p = palette();
  const bool graded = st->result.has_value();

  ImGui::PushFont(fonts().h2);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(p.heading), "Check your understanding");
  ImGui::PopFont();
  std::string rule = "Answer " + std::to_string(c.pass_rule.correct_to_pass) + " of " +
                     std::to_string(c.pass_rule.questions_per_attempt) + " questions correctly to pass" +
                     (lesson + 1 < int(c.lessons.size()) ? " and unlock the next lesson." : " and complete the course.");
  auto it = s.progress().lessons.find(c.lessons[size_t(lesson)].id);
  if (it != s.progress().lessons.end() && it->second.attempts > 0)
    rule += " Attempt " + std::to_string(st->attempt_number + (graded ? 0 : 1)) + "; best so far " +
            std::to_string(it->second.best_score) + " of " + std::to_string(c.pass_rule.questions_per_attempt) + ".";
  rich_text(rule, width, ui_style(p.text_muted));
  ImGui::Dummy(ImVec2(1, 8));
  if (graded) result_banner(*st->result, c, lesson, width);

  for (size_t i = 0; i < st->attempt.questions.size(); ++i) {
    const course::DrawnQuestion& d = st->attempt.questions[i];
    const course::Question& q = quiz.questions[size_t(d.question)];
    ImGui::PushID(int(i));
    ImGui::PushFont(fonts().ui_bold);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(p.text_muted), "QUESTION %d", int(i) + 1);
    ImGui::PopFont();
    TextStyle prompt = body_style();
    prompt.regular = fonts().body_bold;
    rich_text(q.prompt, width, prompt);
    ImGui::Dummy(ImVec2(1, 2));
    int chosen = st->attempt.answers[i];
    for (int o = 0; o < course::kOptionsPerQuestion; ++o) {
      const course::Option& opt = q.options[size_t(d.order[size_t(o)])];
      if (option_card(opt, chosen == o, graded, width, o)) out.push_back(course::cmd::SelectAnswer{int(i), o});
      if (graded && (chosen == o || opt.correct)) {
        ImGui::Indent(16);
        explanation(opt.correct ? (chosen == o ? "Correct." : "The right answer.") : "Not quite.",
                    opt.correct ? p.success : p.danger, opt.why, width - 16);
        ImGui::Unindent(16);
      }
      ImGui::Dummy(ImVec2(1, 0));
    }
    ImGui::Dummy(ImVec2(1, 14));
    ImGui::PopID();
  }

  if (!graded) {
    bool ready = course::all_answered(st->attempt);
    ImGui::BeginDisabled(!ready);
    if (button("Submit answers")) out.push_back(course::cmd::SubmitQuiz{});
    ImGui::EndDisabled();
    if (!ready) {
      ImGui::SameLine(0, 14);
      ImGui::PushFont(fonts().small);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(p.text_muted), "Choose an answer for each question.");
      ImGui::PopFont();
    }
  } else if (button(st->result->passed ? "Try a new set of questions" : "Retry with new questions",
                    st->result->passed ? ButtonKind::secondary : ButtonKind::primary)) {
    out.push_back(course::cmd::RetryQuiz{});
  }
}

}  // namespace ui
