// Small drawing helpers shared by the course panels: styled buttons, pills and cards.
#pragma once
#include <imgui.h>

namespace ui {

enum class ButtonKind { primary, secondary, quiet, danger };

// A button with the course's look. `width` 0 = fit the label.
bool button(const char* label, ButtonKind kind = ButtonKind::primary, float width = 0);
// A small rounded label ("Passed", "Locked").
void pill(const char* text, ImU32 fg, ImU32 bg);
// Fills a rounded rectangle behind the region [top-left, top-left + size] on the current window.
void card_background(ImVec2 min, ImVec2 max, ImU32 fill, ImU32 border, float rounding);
// Draws `text` horizontally centred in the given width at the cursor, in `font`.
void centered_text(const char* text, ImFont* font, ImU32 color, float width);

}  // namespace ui
