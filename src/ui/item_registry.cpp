#include "ui/item_registry.h"

#include <imgui_internal.h>

#include <cstdio>
#include <cstring>

namespace ui {

ItemRegistry& items() {
  static ItemRegistry r;
  return r;
}

Item* ItemRegistry::find(ImGuiID id) {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it)
    if (it->id == id) return &*it;
  return nullptr;
}

const Item* ItemRegistry::find_item(ImGuiID id) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it)
    if (it->id == id) return &*it;
  return nullptr;
}

void ItemRegistry::mark_focus(ImGuiID nav_id) {
  for (Item& it : items_) it.focused = nav_id != 0 && it.id == nav_id;
}

Activator& activator() {
  static Activator a;
  return a;
}

void Activator::before_frame() {
  ImGuiIO& io = ImGui::GetIO();
  switch (step_) {
    case Step::idle: return;
    case Step::press: io.AddMouseButtonEvent(0, true); step_ = Step::release; return;
    case Step::release: io.AddMouseButtonEvent(0, false); step_ = Step::idle; return;
    case Step::locate: break;
  }
  const Item* item = items().find_item(pending_);
  if (!item || --frames_left_ < 0) {
    step_ = Step::idle;
    return;
  }
  ImGuiWindow* window = ImGui::FindWindowByID(item->window);
  const float cy = (item->min.y + item->max.y) * 0.5f;
  const bool on_screen = item->visible && window && cy > window->InnerClipRect.Min.y && cy < window->InnerClipRect.Max.y;
  if (!on_screen && window) {
    // Bring it to the middle of its window; the click follows once it has stopped moving.
    ImGui::SetScrollY(window, window->Scroll.y + cy - (window->InnerClipRect.Min.y + window->InnerClipRect.Max.y) * 0.5f);
    last_min_ = ImVec2(-1, -1);
    return;
  }
  if (item->min.x != last_min_.x || item->min.y != last_min_.y) {
    last_min_ = item->min;
    return;
  }
  io.AddMousePosEvent((item->min.x + item->max.x) * 0.5f, cy);  // hover first, press next frame
  step_ = Step::press;
}

void ItemRegistry::add(ImGuiID id, ImVec2 min, ImVec2 max, bool visible, bool disabled, ImGuiID window) {
  if (Item* existing = find(id)) {  // the same id submitted twice in a frame: keep the latest
    existing->min = min;
    existing->max = max;
    existing->visible = visible;
    return;
  }
  Item item;
  item.id = id;
  item.min = min;
  item.max = max;
  item.visible = visible;
  item.disabled = disabled;
  item.window = window;
  items_.push_back(item);
}

void ItemRegistry::info(ImGuiID id, const char* label, int flags) {
  Item* item = find(id);
  if (!item || !label) return;
  // "Visible label##hidden id": only the visible part is the accessible name.
  const char* end = std::strstr(label, "##");
  item->label.assign(label, end ? size_t(end - label) : std::strlen(label));
  if (item->role == Role::none) {
    if (flags & ImGuiItemStatusFlags_Checkable) item->role = Role::checkbox;
    else if (flags & ImGuiItemStatusFlags_Inputable) item->role = Role::textbox;
    else item->role = Role::button;
  }
  item->checked = (flags & ImGuiItemStatusFlags_Checked) != 0;
}

void ItemRegistry::annotate_last(Role role, const std::string& label, bool checked, float value) {
  ImGuiContext& g = *GImGui;
  Item* item = find(g.LastItemData.ID);
  if (!item) return;
  item->role = role;
  item->label = label;
  item->checked = checked;
  item->value = value;
}

namespace {
const char* role_name(Role r) {
  switch (r) {
    case Role::button: return "button";
    case Role::link: return "link";
    case Role::radio: return "radio";
    case Role::checkbox: return "checkbox";
    case Role::slider: return "slider";
    case Role::tab: return "tab";
    case Role::textbox: return "textbox";
    case Role::progressbar: return "progressbar";
    case Role::status: return "status";
    default: return "";
  }
}

void append_json_string(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += char(c); }
    else if (c < 0x20) { char buf[8]; std::snprintf(buf, sizeof buf, "\\u%04x", c); out += buf; }
    else out += char(c);
  }
  out += '"';
}
}  // namespace

std::string ItemRegistry::to_json() const {
  std::string out = "[";
  char buf[200];
  for (const Item& it : items_) {
    if (it.label.empty() || it.role == Role::none) continue;
    if (out.size() > 1) out += ',';
    std::snprintf(buf, sizeof buf, "{\"id\":%u,\"x\":%.1f,\"y\":%.1f,\"w\":%.1f,\"h\":%.1f,\"visible\":%d,\"disabled\":%d,\"checked\":%d,\"focused\":%d,\"value\":%.3f,\"role\":",
                  it.id, it.min.x, it.min.y, it.max.x - it.min.x, it.max.y - it.min.y, it.visible, it.disabled, it.checked, it.focused, it.value);
    out += buf;
    append_json_string(out, role_name(it.role));
    out += ",\"label\":";
    append_json_string(out, it.label);
    out += '}';
  }
  return out + "]";
}

void annotate(Role role, const std::string& label, bool checked, float value) { items().annotate_last(role, label, checked, value); }

}  // namespace ui

// ---- Dear ImGui's item hooks (declared in imgui_internal.h under IMGUI_ENABLE_TEST_ENGINE) ----
void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, ImGuiID id, const ImRect& bb, const ImGuiLastItemData* data) {
  ImGuiWindow* w = ctx->CurrentWindow;
  bool visible = w && bb.Overlaps(w->ClipRect) && !w->SkipItems;
  bool disabled = data && (data->InFlags & ImGuiItemFlags_Disabled);
  if (!data) return;  // windows themselves are not widgets
  ui::items().add(id, bb.Min, bb.Max, visible, disabled, w ? w->ID : 0);
}
void ImGuiTestEngineHook_ItemInfo(ImGuiContext*, ImGuiID id, const char* label, ImGuiItemStatusFlags flags) {
  ui::items().info(id, label, flags);
}
void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}
const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
