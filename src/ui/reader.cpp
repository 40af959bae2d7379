#include "ui/reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "ui/fonts.h"
#include "ui/rich_text.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace ui {

namespace {

void vspace(float px) { ImGui::Dummy(ImVec2(1, px)); }

void heading(const std::string& text, ImFont* font, float width, float above, float below) {
  vspace(above);
  ImGui::PushFont(font);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().heading));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::PopFont();
  vspace(below);
}

void list(const course::Block& b, float width) {
  TextStyle s = body_style();
  const float indent = 30;
  for (size_t i = 0; i < b.items.size(); ++i) {
    ImVec2 pos = ImGui::GetCursorScreenPos();
    std::string marker = b.ordered ? std::to_string(i + 1) + "." : "\xE2\x80\xA2";  // •
    ImFont* f = b.ordered ? fonts().body_bold : fonts().body;
    float mw = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, marker.c_str()).x;
    float y = pos.y + (s.line_height - f->FontSize) * 0.5f;
    ImGui::GetWindowDrawList()->AddText(f, f->FontSize, ImVec2(pos.x + indent - 12 - mw, y), palette().text_muted, marker.c_str());
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + indent);
    rich_text(b.items[i], width - indent, s);
    if (i + 1 < b.items.size()) vspace(2);
  }
}

void table(const course::Block& b, float width) {
  const int cols = int(b.header.size());
  if (cols == 0) return;
  ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersOuterH | ImGuiTableFlags_RowBg |
                          ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_PadOuterX;
  ImGui::PushID(&b);
  if (ImGui::BeginTable("table", cols, flags, ImVec2(width, 0))) {
    // Weight columns by their longest cell so short labels do not get half the table.
    for (int c = 0; c < cols; ++c) {
      size_t longest = b.header[size_t(c)].size();
      for (const auto& row : b.rows) if (size_t(c) < row.size()) longest = std::max(longest, row[size_t(c)].size());
      ImGui::TableSetupColumn(nullptr, ImGuiTableColumnFlags_WidthStretch, float(std::min<size_t>(std::max<size_t>(longest, 8), 60)));
    }
    TextStyle head = ui_style(palette().heading);
    head.regular = head.italic = fonts().ui_bold;
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int c = 0; c < cols; ++c) {
      ImGui::TableSetColumnIndex(c);
      ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, palette().sidebar);
      rich_text(b.header[size_t(c)], ImGui::GetContentRegionAvail().x, head);
    }
    TextStyle cell = ui_style(palette().text);
    cell.line_height = fonts().ui->FontSize * 1.55f;
    for (const auto& row : b.rows) {
      ImGui::TableNextRow();
      for (int c = 0; c < cols && c < int(row.size()); ++c) {
        ImGui::TableSetColumnIndex(c);
        rich_text(row[size_t(c)], ImGui::GetContentRegionAvail().x, cell);
      }
    }
    ImGui::EndTable();
  }
  if (!b.caption.empty()) {
    ImGui::PushFont(fonts().small);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().text_muted));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted(b.caption.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
  }
  ImGui::PopID();
}

void code(const course::Block& b, float width) {
  const Palette& p = palette();
  ImFont* mono = fonts().mono;
  const float pad = 16, line_h = std::round(mono->FontSize * 1.55f);
  int lines = 1 + int(std::count(b.text.begin(), b.text.end(), '\n'));
  float header_h = 34;
  float height = header_h + lines * line_h + pad;
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  fill_rect(dl, pos, ImVec2(pos.x + width, pos.y + height), p.code_bg, kRadius);
  // Header: language (or caption) on the left, the copy button on the right.
  std::string label = b.caption.empty() ? b.language : b.caption;
  dl->AddText(fonts().small, fonts().small->FontSize, ImVec2(pos.x + pad, pos.y + 10), IM_COL32(160, 170, 185, 255), label.c_str());
  ImGui::PushID(&b);
  ImGui::SetCursorScreenPos(ImVec2(pos.x + width - 76, pos.y + 5));
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1, 1, 1, 0.08f));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(1, 1, 1, 0.18f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(1, 1, 1, 0.25f));
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(p.code_text));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(10, 4));
  ImGui::PushFont(fonts().small);
  static const void* copied_block = nullptr;
  static double copied_at = -10;
  bool recently = copied_block == &b && ImGui::GetTime() - copied_at < 1.5;
  if (ImGui::Button(recently ? "Copied" : "Copy", ImVec2(64, 0))) {
    ImGui::SetClipboardText(b.text.c_str());
    copied_block = &b;
    copied_at = ImGui::GetTime();
  }
  ImGui::PopFont();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(4);
  // Body: clipped to the block; long lines scroll horizontally in a child region.
  ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + header_h));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
  ImGui::BeginChild("code", ImVec2(width, height - header_h), false, ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::SetCursorPos(ImVec2(pad, 0));
  ImGui::PushFont(mono);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(p.code_text));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, line_h - mono->FontSize));
  const char* s = b.text.c_str();
  while (true) {
    const char* e = std::strchr(s, '\n');
    ImGui::SetCursorPosX(pad);
    ImGui::TextUnformatted(s, e ? e : s + std::strlen(s));
    if (!e) break;
    s = e + 1;
  }
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
  ImGui::PopFont();
  ImGui::EndChild();
  ImGui::PopStyleColor();
  ImGui::PopID();
  ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + height));
  ImGui::Dummy(ImVec2(width, 0));
}

void callout(const course::Block& b, float width) {
  const Palette& p = palette();
  ImU32 accent = p.note, soft = p.note_soft;
  const char* label = "Note";
  switch (b.style) {
    case course::CalloutStyle::tip: accent = p.tip; soft = p.tip_soft; label = "Tip"; break;
    case course::CalloutStyle::warning: accent = p.warning; soft = p.warning_soft; label = "Warning"; break;
    case course::CalloutStyle::example: accent = p.accent; soft = p.accent_soft; label = "Real-world example"; break;
    case course::CalloutStyle::note: label = "Correction"; break;
  }
  const float pad = 18, bar = 4;
  TextStyle s = body_style();
  float inner = width - 2 * pad - bar;
  std::string title = b.title.empty() ? std::string(label) : std::string(label) + " \xC2\xB7 " + b.title;  // ·
  float title_h = fonts().ui_bold->FontSize + 8;
  float h = pad + title_h + measure_rich_text(b.text, inner, s) + pad;
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  fill_rect(dl, pos, ImVec2(pos.x + width, pos.y + h), soft, kRadius);
  dl->AddRectFilled(pos, ImVec2(pos.x + bar, pos.y + h), accent, kRadius, ImDrawFlags_RoundCornersLeft);
  dl->AddText(fonts().ui_bold, fonts().ui_bold->FontSize, ImVec2(pos.x + bar + pad, pos.y + pad), accent, title.c_str());
  ImGui::SetCursorScreenPos(ImVec2(pos.x + bar + pad, pos.y + pad + title_h));
  rich_text(b.text, inner, s);
  ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + h));
  ImGui::Dummy(ImVec2(width, 0));
}

// A stand-in for a block not laid out yet (see LessonReader::draw): its text as lines of body
// text, a lab as a typical lab card. It only sizes the scroll range until the next frame.
constexpr float kLabEstimate = 640, kQuizEstimate = 900;
float estimated_height(const course::Block& b, float width) {
  if (b.type == course::BlockType::lab) return kLabEstimate;
  size_t chars = b.text.size();
  for (const std::string& item : b.items) chars += item.size();
  for (const std::vector<std::string>& row : b.rows)
    for (const std::string& cell : row) chars += cell.size();
  const float chars_per_line = std::max(1.0f, width / (fonts().body->FontSize * 0.5f));
  return fonts().line_height * std::ceil((float(chars) + 1) / chars_per_line);
}

void lab_card(const course::Block& b, const course::Course& c, float width, LabSlots* labs) {
  const Palette& p = palette();
  ImVec2 top = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->ChannelsSplit(2);
  dl->ChannelsSetCurrent(1);
  const float pad = 20;
  ImGui::SetCursorScreenPos(ImVec2(top.x + pad, top.y + pad));
  ImGui::BeginGroup();
  pill("INTERACTIVE LAB", p.on_accent, p.accent);
  ImGui::Dummy(ImVec2(1, 2));
  ImGui::PushFont(fonts().h3);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - 2 * pad);
  ImGui::TextUnformatted(b.title.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  rich_text(b.text, width - 2 * pad, body_style());
  const course::LabRef* ref = c.lab(b.lab);
  bool drawn = labs && labs->draw(b.lab, width - 2 * pad);
  if (!drawn) {
    ImGui::Dummy(ImVec2(1, 4));
    std::string soon = "The " + (ref ? ref->title : b.lab) + " arrives in a coming release; this is its place in the lesson.";
    rich_text(soon, width - 2 * pad, ui_style(p.text_muted));
  }
  ImGui::EndGroup();
  ImVec2 bottom(top.x + width, ImGui::GetItemRectMax().y + pad);
  dl->ChannelsSetCurrent(0);
  fill_rect(dl, top, bottom, p.surface, kRadius);
  dl->AddRect(top, bottom, p.accent, kRadius, 0, 1.5f);
  dl->ChannelsMerge();
  ImGui::SetCursorScreenPos(ImVec2(top.x, bottom.y));
  ImGui::Dummy(ImVec2(width, 0));
}

}  // namespace

void LessonReader::draw_block(const course::Block& b, const course::Course& c, float width, LabSlots* labs) {
  switch (b.type) {
    case course::BlockType::heading:
      heading(b.text, b.level == 2 ? fonts().h2 : fonts().h3, width, b.level == 2 ? 22 : 10, 0);
      break;
    case course::BlockType::paragraph: rich_text(b.text, width, body_style()); break;
    case course::BlockType::list: list(b, width); break;
    case course::BlockType::table: table(b, width); break;
    case course::BlockType::code: code(b, width); break;
    case course::BlockType::callout: callout(b, width); break;
    case course::BlockType::lab: lab_card(b, c, width, labs); break;
  }
}

bool LessonReader::draw(const course::CourseSession& s, std::vector<course::Command>& out, LabSlots* labs) {
  const int k = s.current_lesson();
  const course::Course& c = s.course();
  const float avail = ImGui::GetContentRegionMax().x;  // from the window's left edge, whatever came before
  const float side = avail > 640 ? 48.0f : 20.0f;
  const float width = std::min(kReaderMaxWidth * fonts().body->FontSize / 17.5f, avail - 2 * side);
  const float left = std::floor((avail - width) * 0.5f);
  const course::Lesson* lesson = s.lesson(k);

  const size_t blocks = lesson ? lesson->blocks.size() : 0;
  const bool fresh_layout = k != shown_lesson_ || width != layout_width_ || block_heights_.size() != blocks;
  if (fresh_layout) {
    if (k != shown_lesson_) ImGui::SetScrollY(0);
    shown_lesson_ = k;
    layout_width_ = width;
    block_heights_.assign(blocks, -1.0f);
  }
  // The first frame of a layout lays out only what the reader sees: blocks below the view get
  // an estimated height and are measured in the next frame. A new lesson's first frame then costs
  // what it shows; labs below the view (their simulation, their views) are most of the rest, and
  // in the browser most of that is compiling their code on first use. Not while a saved place is
  // waiting to be restored: that needs every height above it.
  const bool defer_below = fresh_layout && pending_lesson_ != k;
  bool deferred = false;

  ImGui::SetCursorPosX(left);
  ImGui::BeginGroup();
  vspace(40);
  ImGui::PushFont(fonts().ui_bold);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().accent_text));
  ImGui::Text("LESSON %d OF %d", k + 1, int(c.lessons.size()));
  ImGui::PopStyleColor();
  ImGui::PopFont();
  heading(c.lessons[size_t(k)].title, fonts().h1, width, 2, 6);
  if (!lesson) {
    rich_text("Loading the lesson\xE2\x80\xA6", width, ui_style(palette().text_muted));
    ImGui::EndGroup();
    return false;
  }
  rich_text(lesson->summary, width, ui_style(palette().text_muted));
  ImGui::PushFont(fonts().small);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().text_muted), "About %d minutes of reading, plus the labs", lesson->minutes);
  ImGui::PopFont();
  vspace(12);

  // Blocks outside the visible region are replaced by their cached height, so long lessons cost
  // little per frame.
  const float view_top = ImGui::GetScrollY() - 200, view_bottom = ImGui::GetScrollY() + ImGui::GetWindowHeight() + 200;
  for (size_t i = 0; i < lesson->blocks.size(); ++i) {
    float y = ImGui::GetCursorPosY();
    float& cached = block_heights_[i];
    if (cached >= 0 && (y + cached < view_top || y > view_bottom)) {
      ImGui::Dummy(ImVec2(width, cached));
    } else if (defer_below && y > view_bottom) {
      ImGui::Dummy(ImVec2(width, estimated_height(lesson->blocks[i], width)));
      deferred = true;
    } else {
      ImGui::PushID(int(i));
      draw_block(lesson->blocks[i], c, width, labs);
      ImGui::PopID();
      cached = ImGui::GetCursorPosY() - y - ImGui::GetStyle().ItemSpacing.y;
    }
    vspace(kParagraphGap - ImGui::GetStyle().ItemSpacing.y * 2 + 6);
  }

  vspace(24);
  if (defer_below && ImGui::GetCursorPosY() > view_bottom) {
    ImGui::Dummy(ImVec2(width, kQuizEstimate));
    deferred = true;
  } else {
    if (const course::Quiz* q = s.quiz(k)) quiz_.draw(s, k, *q, width, out);
    draw_navigation(s, k, width, out);
  }
  vspace(80);
  ImGui::EndGroup();

  // Restore a saved reading place once the lesson has been laid out.
  if (pending_lesson_ == k) {
    ImGui::SetScrollY(pending_scroll_);
    pending_lesson_ = -1;
  }
  float scroll = ImGui::GetScrollY();
  if (std::fabs(scroll - last_scroll_) >= 1) {
    last_scroll_ = scroll;
    out.push_back(course::cmd::SetScroll{int(scroll)});
  }
  return deferred;
}

void LessonReader::draw_navigation(const course::CourseSession& s, int k, float width, std::vector<course::Command>& out) {
  const course::Course& c = s.course();
  vspace(28);
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddLine(pos, ImVec2(pos.x + width, pos.y), palette().border);
  vspace(20);
  if (k > 0) {
    std::string label = "\xE2\x86\x90  " + c.lessons[size_t(k - 1)].title;  // ←
    if (button(label.c_str(), ButtonKind::secondary)) out.push_back(course::cmd::OpenLesson{k - 1});
    ImGui::SameLine();
  }
  if (k + 1 < int(c.lessons.size())) {
    std::string label = c.lessons[size_t(k + 1)].title + "  \xE2\x86\x92";  // →
    ImFont* f = fonts().ui_bold;
    float w = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, label.c_str()).x + 32;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, width - w - (ImGui::GetCursorScreenPos().x - pos.x)));
    bool unlocked = course::lesson_unlocked(c, s.progress(), k + 1);
    ImGui::BeginDisabled(!unlocked);
    if (button(label.c_str(), ButtonKind::primary)) out.push_back(course::cmd::OpenLesson{k + 1});
    ImGui::EndDisabled();
    if (!unlocked) {
      ImGui::PushFont(fonts().small);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().text_muted), "Pass this lesson's quiz (%d of %d correct) to unlock the next lesson.",
                         c.pass_rule.correct_to_pass, c.pass_rule.questions_per_attempt);
      ImGui::PopFont();
    }
  }
}

}  // namespace ui
