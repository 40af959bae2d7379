#include "ui/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "ui/fonts.h"
#include "ui/item_registry.h"
#include "ui/theme.h"

namespace ui {

bool button(const char* label, ButtonKind kind, float width) {
  const Palette& p = palette();
  ImU32 bg = p.accent, hover = p.accent_text, fg = p.on_accent, border = 0;
  if (kind == ButtonKind::secondary) { bg = p.surface; hover = p.accent_soft; fg = p.accent_text; border = p.border; }
  if (kind == ButtonKind::quiet) { bg = IM_COL32(0, 0, 0, 0); hover = p.accent_soft; fg = p.accent_text; }
  if (kind == ButtonKind::danger) { bg = p.danger; hover = p.danger; fg = p.on_accent; }
  ImGui::PushFont(fonts().ui_bold);
  ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(bg));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::ColorConvertU32ToFloat4(hover));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::ColorConvertU32ToFloat4(hover));
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(fg));
  ImGui::PushStyleColor(ImGuiCol_Border, ImGui::ColorConvertU32ToFloat4(border));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, border ? 1.0f : 0.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(16, 9));
  bool pressed = ImGui::Button(label, ImVec2(width, 0));
  // ImGui reports labels only for items on screen; ours are named even when scrolled away.
  const char* hidden = std::strstr(label, "##");
  annotate(Role::button, hidden ? std::string(label, size_t(hidden - label)) : std::string(label));
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor(5);
  ImGui::PopFont();
  return pressed;
}

void pill(const char* text, ImU32 fg, ImU32 bg) {
  ImFont* f = fonts().small;
  ImVec2 size = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, text);
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImVec2 pad(8, 3);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x + 2 * pad.x, pos.y + size.y + 2 * pad.y), bg, 999);
  dl->AddText(f, f->FontSize, ImVec2(pos.x + pad.x, pos.y + pad.y), fg, text);
  ImGui::Dummy(ImVec2(size.x + 2 * pad.x, size.y + 2 * pad.y));
}

namespace {

// Below this a clear saves less than the extra draw call costs.
constexpr float kClearMinArea = 160 * 160;

void clear_region(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 color) {
  if (max.x <= min.x || max.y <= min.y) return;
  dl->PushClipRect(min, max, true);
  dl->AddCallback(opaque_fill, reinterpret_cast<void*>(static_cast<uintptr_t>(color)));
  dl->PopClipRect();
}

}  // namespace

void opaque_fill(const ImDrawList*, const ImDrawCmd*) {}

void fill_rect(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 color, float rounding) {
  const bool opaque = (color & IM_COL32_A_MASK) == IM_COL32_A_MASK;
  if (!opaque || (max.x - min.x) * (max.y - min.y) < kClearMinArea) {
    dl->AddRectFilled(min, max, color, rounding);
    return;
  }
  // Whole pixels, so the clears and the corner triangles meet exactly.
  min = ImVec2(std::round(min.x), std::round(min.y));
  max = ImVec2(std::round(max.x), std::round(max.y));
  // ImGui's own limit for a rounding, whole.
  const float r = std::max(0.0f, std::floor(std::min(rounding, std::min(max.x - min.x, max.y - min.y) * 0.5f - 1)));
  clear_region(dl, ImVec2(min.x + r, min.y), ImVec2(max.x - r, max.y), color);
  if (r <= 0) return;
  clear_region(dl, ImVec2(min.x, min.y + r), ImVec2(min.x + r, max.y - r), color);
  clear_region(dl, ImVec2(max.x - r, min.y + r), ImVec2(max.x, max.y - r), color);
  dl->AddRectFilled(min, ImVec2(min.x + r, min.y + r), color, r, ImDrawFlags_RoundCornersTopLeft);
  dl->AddRectFilled(ImVec2(max.x - r, min.y), ImVec2(max.x, min.y + r), color, r, ImDrawFlags_RoundCornersTopRight);
  dl->AddRectFilled(ImVec2(min.x, max.y - r), ImVec2(min.x + r, max.y), color, r, ImDrawFlags_RoundCornersBottomLeft);
  dl->AddRectFilled(ImVec2(max.x - r, max.y - r), max, color, r, ImDrawFlags_RoundCornersBottomRight);
}

void card_background(ImVec2 min, ImVec2 max, ImU32 fill, ImU32 border, float rounding) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  fill_rect(dl, min, max, fill, rounding);
  if (border) dl->AddRect(min, max, border, rounding);
}

void centered_text(const char* text, ImFont* font, ImU32 color, float width) {
  ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text);
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddText(font, font->FontSize, ImVec2(pos.x + (width - size.x) * 0.5f, pos.y), color, text);
  ImGui::Dummy(ImVec2(width, size.y));
}

}  // namespace ui
