#include "ui/theme.h"

namespace ui {

namespace {
constexpr ImU32 rgb(unsigned hex, unsigned alpha = 255) {
  return IM_COL32((hex >> 16) & 255, (hex >> 8) & 255, hex & 255, alpha);
}

// Warm paper with ink-blue accents; contrast of text on page is above WCAG AA (7:1 for body).
const Palette kLight = {
    false,
    rgb(0xFBFAF7), rgb(0xFFFFFF), rgb(0xF3F1EC), rgb(0xE2DED6), rgb(0x1F2328), rgb(0x5A6270), rgb(0x111418),
    rgb(0x2457C5), rgb(0xE6EDFB), rgb(0x1D4AA8), rgb(0xFFFFFF),
    rgb(0x1A7F4B), rgb(0xE3F4EA), rgb(0xB42318), rgb(0xFCE9E7), rgb(0x9A5B00), rgb(0xFDF3E1), rgb(0x1A7F4B),
    rgb(0xE8F5EE), rgb(0x6B4FBB), rgb(0xF0ECFA),
    rgb(0x1E2430), rgb(0xE6E9EF), rgb(0xEEEAE2), rgb(0x9AA1AC)};

const Palette kDark = {
    true,
    rgb(0x15171B), rgb(0x1C1F25), rgb(0x1A1C21), rgb(0x2E323A), rgb(0xE4E6EA), rgb(0xA2A9B4), rgb(0xF5F6F8),
    rgb(0x7AA5FF), rgb(0x22314F), rgb(0x9DBBFF), rgb(0x0E1320),
    rgb(0x4CC38A), rgb(0x17342A), rgb(0xFF7B72), rgb(0x3D1D1C), rgb(0xE3A93B), rgb(0x3A2E16), rgb(0x4CC38A),
    rgb(0x17342A), rgb(0xB39DFF), rgb(0x2A2440),
    rgb(0x0F1115), rgb(0xDCE1E8), rgb(0x2A2E36), rgb(0x6B7280)};

const Palette* current = &kLight;

ImVec4 v4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }
ImVec4 with_alpha(ImU32 c, float a) {
  ImVec4 v = v4(c);
  v.w = a;
  return v;
}
}  // namespace

const Palette& palette() { return *current; }

void apply_theme(bool dark) {
  current = dark ? &kDark : &kLight;
  const Palette& p = *current;
  ImGuiStyle& s = ImGui::GetStyle();
  s = ImGuiStyle();
  s.WindowPadding = ImVec2(0, 0);
  s.FramePadding = ImVec2(14, 8);
  s.ItemSpacing = ImVec2(10, 10);
  s.ItemInnerSpacing = ImVec2(10, 6);
  s.ScrollbarSize = 12;
  s.GrabMinSize = 24;
  s.WindowBorderSize = 0;
  s.ChildBorderSize = 0;
  s.PopupBorderSize = 1;
  s.FrameBorderSize = 0;
  s.WindowRounding = kRadius;
  s.ChildRounding = kRadius;
  s.FrameRounding = 6;
  s.PopupRounding = kRadius;
  s.ScrollbarRounding = 6;
  s.GrabRounding = 6;
  s.TabRounding = 6;
  s.CellPadding = ImVec2(12, 8);
  s.SelectableTextAlign = ImVec2(0, 0.5f);

  ImVec4* c = s.Colors;
  c[ImGuiCol_Text] = v4(p.text);
  c[ImGuiCol_TextDisabled] = v4(p.text_muted);
  c[ImGuiCol_WindowBg] = v4(p.page);
  c[ImGuiCol_ChildBg] = with_alpha(p.page, 0);
  c[ImGuiCol_PopupBg] = v4(p.surface);
  c[ImGuiCol_Border] = v4(p.border);
  c[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_FrameBg] = v4(p.sidebar);
  c[ImGuiCol_FrameBgHovered] = v4(p.accent_soft);
  c[ImGuiCol_FrameBgActive] = v4(p.accent_soft);
  c[ImGuiCol_TitleBg] = v4(p.sidebar);
  c[ImGuiCol_TitleBgActive] = v4(p.sidebar);
  c[ImGuiCol_MenuBarBg] = v4(p.sidebar);
  c[ImGuiCol_ScrollbarBg] = with_alpha(p.page, 0);
  c[ImGuiCol_ScrollbarGrab] = with_alpha(p.text_muted, 0.35f);
  c[ImGuiCol_ScrollbarGrabHovered] = with_alpha(p.text_muted, 0.55f);
  c[ImGuiCol_ScrollbarGrabActive] = with_alpha(p.text_muted, 0.75f);
  c[ImGuiCol_CheckMark] = v4(p.accent);
  c[ImGuiCol_SliderGrab] = v4(p.accent);
  c[ImGuiCol_SliderGrabActive] = v4(p.accent_text);
  c[ImGuiCol_Button] = v4(p.accent);
  c[ImGuiCol_ButtonHovered] = v4(p.accent_text);
  c[ImGuiCol_ButtonActive] = v4(p.accent_text);
  c[ImGuiCol_Header] = v4(p.accent_soft);
  c[ImGuiCol_HeaderHovered] = v4(p.accent_soft);
  c[ImGuiCol_HeaderActive] = v4(p.accent_soft);
  c[ImGuiCol_Separator] = v4(p.border);
  c[ImGuiCol_Tab] = v4(p.sidebar);
  c[ImGuiCol_TabHovered] = v4(p.accent_soft);
  c[ImGuiCol_TabActive] = v4(p.surface);
  c[ImGuiCol_TableHeaderBg] = v4(p.sidebar);
  c[ImGuiCol_TableBorderStrong] = v4(p.border);
  c[ImGuiCol_TableBorderLight] = v4(p.border);
  c[ImGuiCol_TableRowBg] = with_alpha(p.surface, 0);
  c[ImGuiCol_TableRowBgAlt] = with_alpha(p.sidebar, 0.5f);
  c[ImGuiCol_TextSelectedBg] = with_alpha(p.accent, 0.3f);
  c[ImGuiCol_NavHighlight] = v4(p.accent);
  c[ImGuiCol_ModalWindowDimBg] = ImVec4(0.05f, 0.06f, 0.08f, 0.45f);
  c[ImGuiCol_PlotLines] = v4(p.accent);
  c[ImGuiCol_PlotHistogram] = v4(p.accent);
}

}  // namespace ui
