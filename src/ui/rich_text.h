// Rich text: lays out one string of inline markup (**bold**, *italic*, `code`) word by word
// across the regular, italic, bold and mono fonts, wrapped to a width, with a real line height.
// ImGui's own wrapping handles one font per call, which is not enough for typeset prose.
//
//   ui::TextStyle s = ui::body_style();
//   float h = ui::rich_text("A **shard** is a *horizontal* slice.", width, s);   // draws, advances cursor
//   float h2 = ui::measure_rich_text(text, width, s);                              // height only
#pragma once
#include <imgui.h>

#include <string>

namespace ui {

struct TextStyle {
  ImFont* regular = nullptr;
  ImFont* italic = nullptr;
  ImFont* bold = nullptr;
  ImFont* code = nullptr;
  float line_height = 27;
  ImU32 color = 0, bold_color = 0, code_bg = 0;
};

TextStyle body_style();                   // lesson prose
TextStyle ui_style(ImU32 color);          // smaller interface text (quiz explanations, cards)

float rich_text(const std::string& text, float width, const TextStyle& style);
float measure_rich_text(const std::string& text, float width, const TextStyle& style);

}  // namespace ui
