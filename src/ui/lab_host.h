// LabHost: every interactive lab in the lessons, on the simulation engine (src/sim). It owns
// one session per lab (the sim::Lab, play state, speed, view state), draws a lab when the reader
// reaches its slot, and turns the panels' intents into sim commands. Panels never touch a
// sim::Lab directly: they read it and push LabIntents, applied after drawing. Rewind and scrub
// re-run the lab from its command log (sim::Lab is deterministic), so "the past" is exact.
//
//   ui::LabHost labs;
//   labs.tick(wall_dt_ms);                 // before drawing: advance playing labs
//   reader.draw(session, commands, &labs); // lab slots call labs.draw(id, width)
//   if (labs.animating()) keep drawing frames;
//   if (auto link = labs.take_share_request()) copy and put in the URL;
#pragma once
#include <imgui.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/lab.h"
#include "ui/lab_slot.h"

namespace ui {

// What a panel asks of a lab session.
struct LabIntent {
  enum class Kind {
    issue, play, pause, step, speed, seek, reset, reseed, setting, share, demo, select, select_link, zoom,
    predict_choose,  // index = prediction, value = choice
    predict_run,     // index = prediction: run it from its settings and judge the learner's choice
    action_value,    // index = action, value = the value its next use will carry
  };
  Kind kind = Kind::play;
  sim::Command command;   // issue
  double number = 0;      // speed factor, seek time (µs), new seed, timeline span (s)
  int index = -1;         // setting index, goal index, selected node
  int64_t value = 0;      // setting value
};

// The learner's answer to a "predict, then run" question and what the run said.
struct PredictionVerdict {
  int prediction = -1;  // index into LabInfo::predictions; -1 = none run yet
  int chosen = -1;
  int outcome = -1;
  std::string explanation;
};

struct LabSession {
  std::unique_ptr<sim::Lab> lab;
  bool playing = false;
  double speed = 1.0;            // simulated seconds per wall second
  sim::TimeUs horizon_us = 0;    // furthest time reached (the scrubber's end)
  float timeline_window_s = 1;   // how much simulated time the timeline shows
  int selected = -1;             // node whose menu is open
  int link_a = -1, link_b = -1;  // link whose menu is open
  std::string message;           // last refusal or error, shown under the controls
  bool drawn = false;            // drawn this frame (only visible labs advance)
  bool reduced_motion = false;   // copied from the host before drawing
  std::vector<int> predict_choice;          // per prediction: the choice picked, -1 = none
  PredictionVerdict verdict;
  std::map<int, int64_t> action_values;     // per value-taking action: the value picked
};

class LabHost : public LabSlots {
 public:
  bool draw(const std::string& id, float width) override;
  void tick(double wall_dt_ms);
  bool animating() const;
  // Loads a shared run (the URL fragment); returns an error sentence or "" (then `lab_id` is set).
  std::string load_shared(const std::string& fragment, std::string* lab_id);
  std::optional<std::string> take_share_request();
  // Reduced motion: messages in flight are shown at the middle of their link, not gliding.
  void set_reduced_motion(bool on) { reduced_motion_ = on; }

  LabSession* session(const std::string& id);  // created on first use; nullptr if no such lab

 private:
  void apply(LabSession& s, const LabIntent& intent);
  void rebuild(LabSession& s, const sim::RunSpec& run, sim::TimeUs until_us);
  void run_prediction(LabSession& s, int index);

  std::map<std::string, LabSession> sessions_;
  std::optional<std::string> share_request_;
  bool reduced_motion_ = false;
};

// Panels (lab_views.cpp). Each reads the session and appends intents.
void draw_lab_controls(const LabSession& s, float width, std::vector<LabIntent>& out);
void draw_lab_settings(const LabSession& s, float width, std::vector<LabIntent>& out);
void draw_cluster_view(const LabSession& s, float width, std::vector<LabIntent>& out);
void draw_timeline(const LabSession& s, float width, std::vector<LabIntent>& out);
void draw_lab_charts(const LabSession& s, float width);
void draw_checkers(const LabSession& s, float width);
void draw_goals(const LabSession& s, float width, std::vector<LabIntent>& out);
// lab_actions.cpp
void draw_lab_actions(const LabSession& s, float width, std::vector<LabIntent>& out);
void draw_node_actions(const LabSession& s, const sim::NodeView& node, std::vector<LabIntent>& out);
void draw_predictions(const LabSession& s, float width, std::vector<LabIntent>& out);
int64_t action_value(const LabSession& s, int action);
// lab_figures.cpp
void draw_figures(const LabSession& s, float width);
// The world map behind the nodes of a multi-region lab; maps NodeView x,y (full-globe fractions)
// into the drawn (cropped) map.
void draw_world_backdrop(ImDrawList* dl, ImVec2 origin, ImVec2 size);
ImVec2 world_position(float x, float y, ImVec2 origin, ImVec2 size);

}  // namespace ui
