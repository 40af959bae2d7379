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

enum class Role { none, button, link, radio, checkbox, slider, tab, textbox, progressbar, status };

struct Item {
  ImGuiID id = 0;
  std::string label;
  Role role = Role::none;
  ImVec2 min, max;          // screen rectangle, CSS pixels
  bool visible = false;     // inside its window's clip rectangle
  bool focused = false;     // ImGui's keyboard navigation is on it
  ImGuiID window = 0;       // the window it scrolls with
  bool disabled = false;
  bool checked = false;
  float value = 0;          // progressbar / slider
};

class ItemRegistry {
 public:
  void begin_frame() { items_.clear(); }
  void add(ImGuiID id, ImVec2 min, ImVec2 max, bool visible, bool disabled, ImGuiID window);
  void info(ImGuiID id, const char* label, int status_flags);
  void annotate_last(Role role, const std::string& label, bool checked, float value);
  const std::vector<Item>& all() const { return items_; }
  const Item* find_item(ImGuiID id) const;
  // Marks the item ImGui's keyboard navigation is on (called after drawing).
  void mark_focus(ImGuiID nav_id);
  std::string to_json() const;

 private:
  Item* find(ImGuiID id);
  std::vector<Item> items_;
};

ItemRegistry& items();
// Activates a widget on behalf of assistive technology or a test (a mirror element's click()):
// scrolls it into view if needed, then clicks its centre through ImGui's input queue, so it
// behaves exactly like a pointer click. Call once per frame before ImGui::NewFrame.
class Activator {
 public:
  void request(ImGuiID id) { pending_ = id; frames_left_ = 12; step_ = Step::locate; }
  void before_frame();  // uses last frame's registry
  bool busy() const { return step_ != Step::idle; }

 private:
  // locate (scroll into view, wait until it stops moving) -> hover -> press -> release
  enum class Step { idle, locate, press, release };
  ImGuiID pending_ = 0;
  int frames_left_ = 0;
  Step step_ = Step::idle;
  ImVec2 last_min_{-1, -1};
};
Activator& activator();

// Gives the last submitted widget a role and an accessible name (custom widgets built from
// InvisibleButton need this; standard widgets get their label automatically).
void annotate(Role role, const std::string& label, bool checked = false, float value = 0);

}  // namespace ui
