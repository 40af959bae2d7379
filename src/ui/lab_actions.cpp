// Panels for what a lab offers beyond faults: its scenario actions (add a server, take a backup,
// switch reads to the new store) and its "predict, then run" questions. Like every lab panel,
// they read the session and append intents.
#include <algorithm>
#include <string>

#include "sim/fixture.h"
#include "ui/fonts.h"
#include "ui/item_registry.h"
#include "ui/lab_host.h"
#include "ui/lab_view_kit.h"
#include "ui/rich_text.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace ui {

namespace {

using K = LabIntent::Kind;

bool takes(const sim::ActionSpec& a, char arg) { return std::string(a.args).find(arg) != std::string::npos; }

LabIntent act(int action, sim::NodeId node, int64_t value) { return issue(sim::Verb::Act, node, action, value); }

// A value-taking action without a node: its value chooser, then its button.
void value_action(const LabSession& s, int index, const sim::ActionSpec& a, float width, std::vector<LabIntent>& out) {
  const int64_t value = action_value(s, index);
  if (a.value_names != nullptr && a.value_max - a.value_min < 12) {
    // Named values (regions, copies): one button per value.
    ImGui::TextUnformatted(a.label);
    ImGui::SameLine();
    for (int64_t v = a.value_min; v <= a.value_max; ++v) {
      ImGui::PushID(int(v));
      if (button(a.value_names[v - a.value_min], ButtonKind::secondary)) out.push_back(act(index, sim::kNoNode, v));
      annotate(Role::button, std::string(a.label) + ": " + a.value_names[v - a.value_min]);
      ImGui::PopID();
      if (v < a.value_max) ImGui::SameLine();
    }
    return;
  }
  ImGui::SetNextItemWidth(std::min(240.0f, width * 0.4f));
  const double scale = double(std::max<int64_t>(1, a.value_scale));
  float shown = float(double(value) / scale);
  const float lo = float(double(a.value_min) / scale), hi = float(double(a.value_max) / scale);
  std::string format = std::string(scale > 1 ? "%.1f" : "%.0f") + (a.value_unit[0] ? std::string(" ") + a.value_unit : "");
  if (ImGui::SliderFloat("##value", &shown, lo, hi, format.c_str(), ImGuiSliderFlags_AlwaysClamp)) {
    LabIntent v = intent(K::action_value);
    v.index = index;
    v.value = std::clamp<int64_t>(int64_t(double(shown) * scale + 0.5), a.value_min, a.value_max);
    out.push_back(v);
  }
  annotate(Role::slider, std::string(a.label) + " value", false, shown);
  ImGui::SameLine();
  if (button(a.label, ButtonKind::secondary)) out.push_back(act(index, sim::kNoNode, value));
}

}  // namespace

int64_t action_value(const LabSession& s, int action) {
  const std::vector<sim::ActionSpec>& actions = s.lab->actions();
  auto it = s.action_values.find(action);
  if (it != s.action_values.end()) return it->second;
  return action >= 0 && size_t(action) < actions.size() ? actions[size_t(action)].value_min : 0;
}

void draw_lab_actions(const LabSession& s, float width, std::vector<LabIntent>& out) {
  const std::vector<sim::ActionSpec>& actions = s.lab->actions();
  bool any = false;
  for (const sim::ActionSpec& a : actions) any = any || !takes(a, 'n');
  if (!any) return;
  ImGui::Dummy(ImVec2(1, 4));
  section_label("ACTIONS");
  float line_x = 0;
  for (size_t i = 0; i < actions.size(); ++i) {
    const sim::ActionSpec& a = actions[i];
    if (takes(a, 'n')) continue;
    ImGui::PushID(int(i));
    if (takes(a, 'v')) {
      if (line_x > 0) ImGui::NewLine();
      value_action(s, int(i), a, width, out);
      line_x = 0;
    } else {
      const float w = ImGui::CalcTextSize(a.label).x + 32;
      if (line_x > 0 && line_x + w < width) ImGui::SameLine();
      else line_x = 0;
      const bool accepted = s.lab->accepts(issue(sim::Verb::Act, sim::kNoNode, int32_t(i)).command);
      ImGui::BeginDisabled(!accepted);
      if (button(a.label, ButtonKind::secondary)) out.push_back(act(int(i), sim::kNoNode, 0));
      ImGui::EndDisabled();
      line_x += w + 8;
    }
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", a.doc);
    ImGui::PopID();
  }
}

void draw_node_actions(const LabSession& s, const sim::NodeView& node, std::vector<LabIntent>& out) {
  const std::vector<sim::ActionSpec>& actions = s.lab->actions();
  for (size_t i = 0; i < actions.size(); ++i) {
    const sim::ActionSpec& a = actions[i];
    if (!takes(a, 'n')) continue;
    const int index = int(i);
    if (!takes(a, 'v')) {
      LabIntent in = act(index, node.id, 0);
      if (s.lab->accepts(in.command) && ImGui::MenuItem(a.label)) out.push_back(in);
    } else if (a.value_names != nullptr) {
      if (!ImGui::BeginMenu(a.label)) continue;
      for (int64_t v = a.value_min; v <= a.value_max; ++v)
        if (ImGui::MenuItem(a.value_names[v - a.value_min])) out.push_back(act(index, node.id, v));
      ImGui::EndMenu();
    } else {
      const int64_t v = action_value(s, index);
      const std::string label = std::string(a.label) + " (" + action_value_text(a, v) + ")";
      LabIntent in = act(index, node.id, v);
      if (s.lab->accepts(in.command) && ImGui::MenuItem(label.c_str())) out.push_back(in);
    }
  }
}

void draw_predictions(const LabSession& s, float width, std::vector<LabIntent>& out) {
  const std::vector<sim::PredictSpec>& predictions = s.lab->info().predictions;
  if (predictions.empty()) return;
  const Palette& p = palette();
  for (size_t q = 0; q < predictions.size(); ++q) {
    const sim::PredictSpec& spec = predictions[q];
    const int chosen = q < s.predict_choice.size() ? s.predict_choice[q] : -1;
    ImGui::PushID(spec.id);
    ImGui::Dummy(ImVec2(1, 8));
    const ImVec2 top = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // Background behind content of unknown height: draw the content first on channel 1. Our own
    // splitter, because the reader's lab card already splits the window's draw list.
    ImDrawListSplitter splitter;
    splitter.Split(dl, 2);
    splitter.SetCurrentChannel(dl, 1);
    ImGui::SetCursorScreenPos(ImVec2(top.x + 14, top.y + 12));
    ImGui::BeginGroup();
    section_label("PREDICT, THEN RUN");
    TextStyle question = ui_style(p.heading);
    question.regular = fonts().ui_bold;
    rich_text(spec.question, width - 28, question);
    ImGui::Dummy(ImVec2(1, 2));
    // Radio circles with a visible edge on the tinted panel.
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 1.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(3, 3));  // circles the size of the text
    ImGui::PushStyleColor(ImGuiCol_FrameBg, col(p.surface));
    ImGui::PushStyleColor(ImGuiCol_Border, col(p.text_muted));
    for (size_t c = 0; c < spec.choices.size(); ++c) {
      ImGui::PushID(int(c));
      if (ImGui::RadioButton(spec.choices[c], chosen == int(c))) {
        LabIntent pick = intent(K::predict_choose);
        pick.index = int(q);
        pick.value = int64_t(c);
        out.push_back(pick);
      }
      annotate(Role::radio, spec.choices[c], chosen == int(c));
      ImGui::PopID();
    }
    ImGui::PopStyleColor(2);
    ImGui::PopStyleVar(2);
    ImGui::Dummy(ImVec2(1, 2));
    ImGui::BeginDisabled(chosen < 0);
    if (button("Commit and run", ButtonKind::primary)) {
      LabIntent run = intent(K::predict_run);
      run.index = int(q);
      out.push_back(run);
    }
    ImGui::EndDisabled();
    const PredictionVerdict& v = s.verdict;
    if (v.prediction == int(q)) {
      const bool held = v.chosen == v.outcome;
      const std::string head = held ? "Prediction held: " : "Prediction did not hold: ";
      const std::string answer = v.outcome >= 0 && size_t(v.outcome) < spec.choices.size()
                                     ? std::string("the run says \"") + spec.choices[size_t(v.outcome)] + "\". "
                                     : std::string();
      ImGui::Dummy(ImVec2(1, 4));
      const ImVec2 at = ImGui::GetCursorScreenPos();
      TextStyle verdict = ui_style(held ? p.success : p.danger);
      verdict.regular = fonts().ui_bold;
      const float h = rich_text(head + answer, width - 28, verdict);
      const float h2 = rich_text(v.explanation, width - 28, ui_style(p.text));
      const ImVec2 end = ImGui::GetCursorScreenPos();
      // An item over the verdict so assistive technology announces it (role status).
      ImGui::SetCursorScreenPos(at);
      ImGui::InvisibleButton("verdict", ImVec2(width - 28, std::max(1.0f, h + h2)));
      annotate(Role::status, head + answer + v.explanation);
      ImGui::SetCursorScreenPos(end);
    }
    ImGui::EndGroup();
    const ImVec2 bottom(top.x + width, ImGui::GetItemRectMax().y + 12);
    splitter.SetCurrentChannel(dl, 0);
    fill_rect(dl, top, bottom, p.note_soft, kRadius);
    dl->AddRectFilled(top, ImVec2(top.x + 4, bottom.y), p.note, kRadius, ImDrawFlags_RoundCornersLeft);
    splitter.Merge(dl);
    ImGui::SetCursorScreenPos(ImVec2(top.x, bottom.y));
    ImGui::Dummy(ImVec2(width, 1));
    ImGui::PopID();
  }
}

}  // namespace ui
