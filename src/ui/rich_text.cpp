#include "ui/rich_text.h"

#include <vector>

#include "course/inline_markup.h"
#include "ui/fonts.h"
#include "ui/theme.h"

namespace ui {

namespace {

struct Word {
  const char* begin;
  const char* end;       // excludes the trailing space
  bool space_after;
  course::SpanStyle style;
};

ImFont* font_for(const TextStyle& s, course::SpanStyle st) {
  switch (st) {
    case course::SpanStyle::bold: return s.bold;
    case course::SpanStyle::italic: return s.italic;
    case course::SpanStyle::code: return s.code;
    default: return s.regular;
  }
}

float width_of(ImFont* f, const char* b, const char* e) { return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, b, e).x; }

// One pass serves both measuring and drawing so the two can never disagree.
float layout(const std::string& text, float width, const TextStyle& s, ImDrawList* dl, ImVec2 origin) {
  course::InlineParse parsed = course::parse_inline(text);
  std::vector<Word> words;
  for (const course::Span& span : parsed.spans) {
    const char* p = span.text.data();
    const char* end = p + span.text.size();
    while (p < end) {
      const char* w = p;
      while (p < end && *p != ' ' && *p != '\n') ++p;
      bool space = p < end;
      if (p > w || space) words.push_back({w, p, space, span.style});
      if (p < end) ++p;
    }
  }
  const char* space = " ";
  const float space_w = width_of(s.regular, space, space + 1);
  const float pad = 3.0f;  // inline code background padding
  float x = 0, y = 0;
  bool line_empty = true;
  for (const Word& w : words) {
    ImFont* f = font_for(s, w.style);
    float ww = width_of(f, w.begin, w.end) + (w.style == course::SpanStyle::code ? 2 * pad : 0);
    if (!line_empty && x + ww > width) {
      x = 0;
      y += s.line_height;
      line_empty = true;
    }
    if (dl && w.end > w.begin) {
      float baseline = origin.y + y + (s.line_height - s.regular->FontSize) * 0.5f + s.regular->Ascent;
      ImVec2 pos(origin.x + x, baseline - f->Ascent);
      if (w.style == course::SpanStyle::code) {
        dl->AddRectFilled(ImVec2(pos.x, origin.y + y + 3), ImVec2(pos.x + ww, origin.y + y + s.line_height - 3), s.code_bg, 4);
        pos.x += pad;
      }
      ImU32 col = w.style == course::SpanStyle::bold ? s.bold_color : s.color;
      dl->AddText(f, f->FontSize, pos, col, w.begin, w.end);
    }
    x += ww + (w.space_after ? space_w : 0);
    line_empty = false;
  }
  return words.empty() ? 0 : y + s.line_height;
}

}  // namespace

TextStyle body_style() {
  const FontSet& f = fonts();
  const Palette& p = palette();
  return {f.body, f.body_italic, f.body_bold, f.mono, f.line_height, p.text, p.heading, p.inline_code_bg};
}

TextStyle ui_style(ImU32 color) {
  const FontSet& f = fonts();
  const Palette& p = palette();
  return {f.ui, f.ui, f.ui_bold, f.mono, f.ui->FontSize * 1.5f, color, color, p.inline_code_bg};
}

float rich_text(const std::string& text, float width, const TextStyle& style) {
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float h = layout(text, width, style, ImGui::GetWindowDrawList(), origin);
  ImGui::Dummy(ImVec2(width, h));
  return h;
}

float measure_rich_text(const std::string& text, float width, const TextStyle& style) {
  return layout(text, width, style, nullptr, ImVec2(0, 0));
}

}  // namespace ui
