#include "ui/fonts.h"

namespace ui {

namespace {
FontSet g_fonts;

// The characters of assets/fonts/glyphs.txt, the same the subset fonts hold (CMakeLists.txt).
const unsigned char kGlyphsUtf8[] = {
#include "glyphs_utf8.inc"
};

// Glyph ranges for the atlas, built once: exactly the listed characters, so the atlas builder
// looks up no code point the fonts cannot have.
const ImWchar* glyph_ranges() {
  static ImVector<ImWchar> ranges;
  if (ranges.empty()) {
    ImFontGlyphRangesBuilder builder;
    builder.AddText(reinterpret_cast<const char*>(kGlyphsUtf8));
    builder.BuildRanges(&ranges);
  }
  return ranges.Data;
}

ImFont* add(ImFontAtlas* atlas, const std::string& data, float size_px, float density) {
  ImFontConfig cfg;
  cfg.FontDataOwnedByAtlas = false;  // the app keeps the bytes alive across rebuilds
  cfg.RasterizerDensity = density;
  // Horizontal oversampling keeps small text crisp at fractional positions; at heading sizes,
  // and at any size on a screen of 2 device pixels per CSS pixel or more, the glyphs are wide
  // enough without it, and it would double their rasterising at start-up.
  cfg.OversampleH = size_px * density < 20 ? 2 : 1;
  cfg.OversampleV = 1;
  cfg.PixelSnapH = false;
  if (data.empty()) {
    cfg.SizePixels = size_px;
    return atlas->AddFontDefault(&cfg);
  }
  return atlas->AddFontFromMemoryTTF(const_cast<char*>(data.data()), int(data.size()), size_px, &cfg, glyph_ranges());
}
}  // namespace

const FontSet& fonts() { return g_fonts; }

void build_fonts(ImFontAtlas* atlas, const FontFiles& f, float pixel_ratio, float text_scale) {
  atlas->Clear();
  // The texture's width is left to ImGui (about the square root of the glyphs' area): packing
  // into a 4096-wide strip cost a third more work at start-up (the skyline packer scans its
  // whole width for every glyph), and a squarish atlas stays within texture limits at any
  // pixel ratio.
  const float s = text_scale, d = pixel_ratio;
  g_fonts.ui = add(atlas, f.regular, 15 * s, d);  // first font = ImGui's default
  g_fonts.body = add(atlas, f.regular, 17.5f * s, d);
  g_fonts.body_italic = add(atlas, f.italic, 17.5f * s, d);
  g_fonts.body_bold = add(atlas, f.semibold, 17.5f * s, d);
  g_fonts.h1 = add(atlas, f.semibold, 36 * s, d);
  g_fonts.h2 = add(atlas, f.semibold, 25 * s, d);
  g_fonts.h3 = add(atlas, f.semibold, 20 * s, d);
  g_fonts.mono = add(atlas, f.mono, 14.5f * s, d);
  g_fonts.ui_bold = add(atlas, f.semibold, 15 * s, d);
  g_fonts.small = add(atlas, f.regular, 13 * s, d);
  g_fonts.line_height = 17.5f * s * 1.6f;
  atlas->Build();
}

}  // namespace ui
