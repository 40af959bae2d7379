// Small pieces every lab panel uses: intents, colours, section labels, segmented choices.
#pragma once
#include <imgui.h>

#include <string>

#include "sim/figure.h"
#include "ui/lab_host.h"

namespace ui {

constexpr float kPi = 3.14159265f;

inline ImVec4 col(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

inline LabIntent intent(LabIntent::Kind kind) {
  LabIntent i;
  i.kind = kind;
  return i;
}

inline LabIntent issue(sim::Verb verb, sim::NodeId a = sim::kNoNode, int32_t b = -1, int64_t value = 0) {
  LabIntent i = intent(LabIntent::Kind::issue);
  i.command.verb = verb;
  i.command.a = a;
  i.command.b = b;
  i.command.value = value;
  return i;
}

/// "1.204 s" with millisecond precision.
std::string seconds(sim::TimeUs t);
/// A small muted capital heading over a panel.
void section_label(const char* text);
/// A row of small toggle buttons (radio items named "<id>: <name>"); the clicked index or -1.
int segmented(const char* id, const char* const* names, int count, int current);
/// Text colour for a figure's tone.
ImU32 tone_color(sim::Tone tone);
/// One of ten categorical colours that read on both themes (ring owners, shards).
ImU32 category_color(int index);
/// An action's value as shown to the learner ("us-east", "14.5 s", "3").
std::string action_value_text(const sim::ActionSpec& action, int64_t value);

}  // namespace ui
