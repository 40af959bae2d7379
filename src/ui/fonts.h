// Fonts: Inter (text) and JetBrains Mono (code), subset at build time, rasterised at the
// device pixel ratio (ImFontConfig::RasterizerDensity) so text is crisp at DPR 1, 2 and 3 while
// layout stays in CSS pixels.
//
//   ui::FontFiles files{regular, italic, semibold, mono};   // bytes, owned by the caller
//   ui::build_fonts(ImGui::GetIO().Fonts, files, dpr, text_scale);
//   ImGui::PushFont(ui::fonts().h2);
#pragma once
#include <imgui.h>

#include <string>

namespace ui {

struct FontFiles {
  std::string regular, italic, semibold, mono;
  bool complete() const { return !regular.empty() && !italic.empty() && !semibold.empty() && !mono.empty(); }
};

struct FontSet {
  ImFont* body = nullptr;
  ImFont* body_italic = nullptr;
  ImFont* body_bold = nullptr;
  ImFont* h1 = nullptr;
  ImFont* h2 = nullptr;
  ImFont* h3 = nullptr;
  ImFont* mono = nullptr;
  ImFont* ui = nullptr;
  ImFont* ui_bold = nullptr;
  ImFont* small = nullptr;
  float line_height = 27.0f;  // body line height (1.6 × body size), CSS px
};

const FontSet& fonts();
// Rebuilds the atlas (the caller re-uploads the texture). Files without data fall back to
// ImGui's built-in font so that a missing font never blanks the page.
void build_fonts(ImFontAtlas* atlas, const FontFiles& files, float pixel_ratio, float text_scale);

}  // namespace ui
