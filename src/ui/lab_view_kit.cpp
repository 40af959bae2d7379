#include "ui/lab_view_kit.h"

#include <cstdio>

#include "ui/fonts.h"
#include "ui/item_registry.h"
#include "ui/theme.h"

namespace ui {

std::string seconds(sim::TimeUs t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", double(t) / 1e6);
  return buf;
}

void section_label(const char* text) {
  ImGui::PushFont(fonts().small);
  ImGui::TextColored(col(palette().text_muted), "%s", text);
  ImGui::PopFont();
}

int segmented(const char* id, const char* const* names, int count, int current) {
  const Palette& p = palette();
  int clicked = -1;
  ImGui::PushID(id);
  ImGui::PushFont(fonts().small);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(10, 5));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(2, 6));
  for (int i = 0; i < count; ++i) {
    bool on = i == current;
    ImGui::PushStyleColor(ImGuiCol_Button, col(on ? p.accent : p.surface));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, col(on ? p.accent_text : p.accent_soft));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, col(p.accent_text));
    ImGui::PushStyleColor(ImGuiCol_Text, col(on ? p.on_accent : p.text));
    if (i > 0) ImGui::SameLine();
    if (ImGui::Button(names[i])) clicked = i;
    annotate(Role::radio, std::string(id) + ": " + names[i], on);
    ImGui::PopStyleColor(4);
  }
  ImGui::PopStyleVar(2);
  ImGui::PopFont();
  ImGui::PopID();
  return clicked;
}

ImU32 tone_color(sim::Tone tone) {
  const Palette& p = palette();
  switch (tone) {
    case sim::Tone::Good: return p.success;
    case sim::Tone::Warn: return p.warning;
    case sim::Tone::Bad: return p.danger;
    case sim::Tone::Accent: return p.accent_text;
    default: return p.text;
  }
}

ImU32 category_color(int index) {
  // Tableau 10: distinct hues of similar weight, legible on light and dark surfaces.
  static const ImU32 kColors[] = {
      IM_COL32(78, 121, 167, 255), IM_COL32(242, 142, 43, 255), IM_COL32(89, 161, 79, 255),
      IM_COL32(225, 87, 89, 255),  IM_COL32(118, 183, 178, 255), IM_COL32(237, 201, 72, 255),
      IM_COL32(176, 122, 161, 255), IM_COL32(255, 157, 167, 255), IM_COL32(156, 117, 95, 255),
      IM_COL32(186, 176, 172, 255)};
  return kColors[(index % 10 + 10) % 10];
}

std::string action_value_text(const sim::ActionSpec& action, int64_t value) {
  if (action.value_names != nullptr && value >= action.value_min && value <= action.value_max)
    return action.value_names[value - action.value_min];
  char buf[48];
  if (action.value_scale > 1 && value % action.value_scale != 0)
    std::snprintf(buf, sizeof buf, "%.1f", double(value) / double(action.value_scale));
  else
    std::snprintf(buf, sizeof buf, "%lld", (long long)(value / std::max<int64_t>(1, action.value_scale)));
  std::string out = buf;
  if (action.value_unit[0] != '\0') out += std::string(" ") + action.value_unit;
  return out;
}

}  // namespace ui
