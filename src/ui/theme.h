// Theme: the course's colours and spacing, light and dark, applied to ImGui's style. Panels take
// colours from `palette()` instead of hard-coding them, so both themes stay consistent.
//
//   ui::apply_theme(dark);            // after a preference or prefers-color-scheme change
//   ImU32 c = ui::palette().accent;   // in a panel
#pragma once
#include <imgui.h>

namespace ui {

struct Palette {
  bool dark = false;
  ImU32 page, surface, sidebar, border, text, text_muted, heading, accent, accent_soft, accent_text, on_accent;
  ImU32 success, success_soft, danger, danger_soft, warning, warning_soft, tip, tip_soft, note, note_soft;
  ImU32 code_bg, code_text, inline_code_bg, lock;
};

const Palette& palette();
void apply_theme(bool dark);

// Spacing in CSS pixels.
constexpr float kReaderMaxWidth = 720.0f;
constexpr float kSidebarWidth = 300.0f;
constexpr float kTopBarHeight = 60.0f;
constexpr float kParagraphGap = 18.0f;
constexpr float kRadius = 8.0f;

}  // namespace ui
