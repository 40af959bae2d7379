// Small drawing helpers shared by the course panels: styled buttons, pills and cards.
#pragma once
#include <imgui.h>

namespace ui {

enum class ButtonKind { primary, secondary, quiet, danger };

// A button with the course's look. `width` 0 = fit the label.
bool button(const char* label, ButtonKind kind = ButtonKind::primary, float width = 0);
// A small rounded label ("Passed", "Locked").
void pill(const char* text, ImU32 fg, ImU32 bg);
// Fills a rectangle like ImDrawList::AddRectFilled. A large opaque one is drawn as clears of its
// region (see opaque_fill) and only its rounded corners as triangles: a software GPU (SwiftShader,
// which headless and GPU-less browsers use) blends triangles at about 15 ms per million pixels
// but clears at memory speed, and the page's regions, cards and panels are most of a frame.
void fill_rect(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 color, float rounding = 0);
// The draw-list callback fill_rect() emits. The command's ClipRect is the region to fill and its
// UserCallbackData the colour (an ImU32); the renderer clears that region (app/webgl_renderer).
// Called as a function it draws nothing.
void opaque_fill(const ImDrawList* list, const ImDrawCmd* cmd);
// Fills a rounded rectangle behind the region [top-left, top-left + size] on the current window.
void card_background(ImVec2 min, ImVec2 max, ImU32 fill, ImU32 border, float rounding);
// Draws `text` horizontally centred in the given width at the cursor, in `font`.
void centered_text(const char* text, ImFont* font, ImU32 color, float width);

}  // namespace ui
