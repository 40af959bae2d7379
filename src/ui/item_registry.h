// ItemRegistry: what is on screen this frame, widget by widget (label, role, rectangle, state),
// collected through Dear ImGui's item hooks. The web shell publishes it to the page, where the
// accessibility mirror and the browser tests read it.
//
//   ui::items().begin_frame();           // before ImGui::NewFrame
//   ... draw panels; after a custom widget: ui::annotate(ui::Role::radio, "Option text", checked);
//   std::string json = ui::items().to_json();
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

namespace ui {

enum class Role { none, button, link, radio, checkbox, slider, tab, textbox, progressbar };

struct Item {
  ImGuiID id = 0;
  std::string label;
  Role role = Role::none;
  ImVec2 min, max;          // screen rectangle, CSS pixels
  bool visible = false;     // inside its window's clip rectangle
  bool disabled = false;
  bool checked = false;
  float value = 0;          // progressbar / slider
};

class ItemRegistry {
 public:
  void begin_frame() { items_.clear(); }
  void add(ImGuiID id, ImVec2 min, ImVec2 max, bool visible, bool disabled);
  void info(ImGuiID id, const char* label, int status_flags);
  void annotate_last(Role role, const std::string& label, bool checked, float value);
  const std::vector<Item>& all() const { return items_; }
  std::string to_json() const;

 private:
  Item* find(ImGuiID id);
  std::vector<Item> items_;
};

ItemRegistry& items();
// Gives the last submitted widget a role and an accessible name (custom widgets built from
// InvisibleButton need this; standard widgets get their label automatically).
void annotate(Role role, const std::string& label, bool checked = false, float value = 0);

}  // namespace ui
