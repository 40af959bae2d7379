// LabSlots: how the lesson reader asks the lab framework to draw a lab inside a lesson.
// The reader owns the card around the slot; the implementation draws the lab itself.
#pragma once
#include <string>

namespace ui {

class LabSlots {
 public:
  virtual ~LabSlots() = default;
  // Draws lab `id` at the cursor, `width` wide. Returns false if this build has no such lab
  // (the reader then shows the slot's description and a "coming soon" note).
  virtual bool draw(const std::string& id, float width) = 0;
};

}  // namespace ui
