#include "ui/lab_host.h"

#include <algorithm>

#include "sim/fixture.h"
#include "ui/fonts.h"
#include "ui/theme.h"

namespace ui {

namespace {
constexpr uint64_t kDefaultSeed = 42;
// A frame never advances a lab by more than this, so a slow frame cannot jump past events the
// learner wanted to watch.
constexpr double kMaxStepMs = 100;

// The lab's default run on `seed` with some settings overridden (a demo's or a question's).
sim::RunSpec with_settings(const sim::LabInfo& info, uint64_t seed,
                           const std::vector<std::pair<const char*, int64_t>>& settings) {
  sim::RunSpec run = sim::default_run(info, seed);
  for (const auto& [key, value] : settings) {
    const int k = sim::setting_index(info, key);
    if (k >= 0) run.settings[size_t(k)] = value;
  }
  return run;
}
}  // namespace

LabSession* LabHost::session(const std::string& id) {
  auto it = sessions_.find(id);
  if (it != sessions_.end()) return &it->second;
  const sim::LabInfo* info = sim::find_lab(id);
  if (!info) return nullptr;
  LabSession& s = sessions_[id];
  std::string error;
  s.lab = sim::Lab::create(sim::default_run(*info, kDefaultSeed), &error);
  if (!s.lab) s.message = "This lab could not start: " + error;
  return &s;
}

void LabHost::rebuild(LabSession& s, const sim::RunSpec& run, sim::TimeUs until_us) {
  std::string error;
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
  if (!lab) {
    s.message = error;
    return;
  }
  lab->advance_to(until_us);
  s.lab = std::move(lab);
}

bool LabHost::draw(const std::string& id, float width) {
  LabSession* s = session(id);
  if (!s) return false;
  s->drawn = true;
  s->reduced_motion = reduced_motion_;
  std::vector<LabIntent> intents;
  ImGui::PushID(id.c_str());
  if (s->lab) {
    const uint32_t views = s->lab->info().views;
    draw_lab_controls(*s, width, intents);
    draw_lab_settings(*s, width, intents);
    draw_lab_actions(*s, width, intents);
    if (views & sim::kViewCluster) draw_cluster_view(*s, width, intents);
    if (views & sim::kViewTimeline) draw_timeline(*s, width, intents);
    if (views & sim::kViewFigures) draw_figures(*s, width);
    if (views & sim::kViewCharts) draw_lab_charts(*s, width);
    if (views & sim::kViewCheckers) draw_checkers(*s, width);
    draw_predictions(*s, width, intents);
    draw_goals(*s, width, intents);
  }
  if (!s->message.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().danger), "%s", s->message.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::PopID();
  for (const LabIntent& i : intents) apply(*s, i);
  return true;
}

void LabHost::apply(LabSession& s, const LabIntent& in) {
  using K = LabIntent::Kind;
  sim::Lab& lab = *s.lab;
  const sim::TimeUs now = lab.now_us();
  switch (in.kind) {
    case K::play: s.playing = true; s.message.clear(); break;
    case K::pause: s.playing = false; break;
    case K::step:
      s.playing = false;
      lab.step();
      s.horizon_us = std::max(s.horizon_us, lab.now_us());
      break;
    case K::speed: s.speed = in.number; break;
    case K::seek: {
      sim::TimeUs t = std::clamp<sim::TimeUs>(sim::TimeUs(in.number), 0, s.horizon_us);
      if (t < now) rebuild(s, lab.run(), t);  // rewind = re-run from the log
      else lab.advance_to(t);
      break;
    }
    case K::issue: {
      // Acting in the past branches: later commands of the old timeline are dropped.
      if (now < s.horizon_us) {
        rebuild(s, lab.run().truncated_after(now), now);
        s.horizon_us = now;
      }
      std::string error;
      if (!s.lab->issue(in.command, &error)) s.message = error;
      else s.message.clear();
      break;
    }
    case K::reset: {
      sim::RunSpec run = lab.run();
      run.commands.clear();
      rebuild(s, run, 0);
      s.horizon_us = 0;
      s.playing = false;
      s.message.clear();
      break;
    }
    case K::reseed: {
      sim::RunSpec run = lab.run();
      run.seed = uint64_t(std::max(1.0, in.number));
      run.commands.clear();
      rebuild(s, run, 0);
      s.horizon_us = 0;
      break;
    }
    case K::setting: {
      sim::RunSpec run = lab.run();
      if (in.index < 0 || in.index >= int(run.settings.size())) break;
      run.settings[size_t(in.index)] = in.value;
      run.commands.clear();  // commands may name nodes the new settings do not have
      rebuild(s, run, 0);
      s.horizon_us = 0;
      break;
    }
    case K::share: share_request_ = sim::encode_run(lab.run()); break;
    case K::select: s.selected = in.index; break;
    case K::select_link: s.link_a = in.index; s.link_b = int(in.value); break;
    case K::zoom: s.timeline_window_s = float(std::clamp(in.number, 0.05, 60.0)); break;
    case K::predict_choose:
      if (in.index < 0 || in.index >= int(lab.info().predictions.size())) break;
      s.predict_choice.resize(lab.info().predictions.size(), -1);
      s.predict_choice[size_t(in.index)] = int(in.value);
      break;
    case K::predict_run: run_prediction(s, in.index); break;
    case K::action_value: s.action_values[in.index] = in.value; break;
    case K::demo: {
      const auto& goals = lab.info().goals;
      if (in.index < 0 || in.index >= int(goals.size())) break;
      const sim::GoalSpec& g = goals[size_t(in.index)];
      rebuild(s, with_settings(lab.info(), lab.run().seed, g.demo_settings), 0);
      sim::Fixture fixture(*s.lab);
      g.demo(fixture);  // every move is logged, so the demonstration can be replayed and shared
      s.horizon_us = s.lab->now_us();
      s.playing = false;
      break;
    }
  }
  s.horizon_us = std::max(s.horizon_us, s.lab->now_us());
}

// "Predict, then run": the learner's choice is kept; the lab restarts from the question's
// settings on the current seed, runs its scenario, and the run itself says what happened.
void LabHost::run_prediction(LabSession& s, int index) {
  const sim::LabInfo& info = s.lab->info();
  if (index < 0 || index >= int(info.predictions.size())) return;
  if (size_t(index) >= s.predict_choice.size() || s.predict_choice[size_t(index)] < 0) return;
  const sim::PredictSpec& spec = info.predictions[size_t(index)];
  rebuild(s, with_settings(info, s.lab->run().seed, spec.settings), 0);
  sim::Fixture fixture(*s.lab);
  spec.run(fixture);
  s.horizon_us = s.lab->now_us();
  s.playing = false;
  s.verdict = PredictionVerdict{index, s.predict_choice[size_t(index)], spec.outcome(*s.lab), spec.explain(*s.lab)};
}

void LabHost::tick(double wall_dt_ms) {
  for (auto& [id, s] : sessions_) {
    if (s.playing && s.drawn && s.lab) {
      double dt_ms = std::min(wall_dt_ms, kMaxStepMs) * s.speed;
      sim::TimeUs target = s.lab->now_us() + sim::TimeUs(dt_ms * 1000.0);
      s.lab->advance_to(target);
      s.horizon_us = std::max(s.horizon_us, s.lab->now_us());
    }
    s.drawn = false;
  }
}

bool LabHost::animating() const {
  for (const auto& [id, s] : sessions_)
    if (s.playing) return true;
  return false;
}

std::string LabHost::load_shared(const std::string& fragment, std::string* lab_id) {
  sim::RunSpec run;
  std::string error;
  if (!sim::decode_run(fragment, &run, &error)) return "The lab link could not be opened: " + error;
  LabSession* s = session(run.lab);
  if (!s) return "The lab link names a lab this version does not have.";
  rebuild(*s, run, 0);
  // Replay the shared commands, and a little beyond the last so its effect is visible.
  sim::TimeUs end = run.commands.empty() ? 0 : run.commands.back().time_us + 2 * sim::kUsPerS;
  s->lab->advance_to(end);
  s->horizon_us = s->lab->now_us();
  s->playing = false;
  *lab_id = run.lab;
  return "";
}

std::optional<std::string> LabHost::take_share_request() {
  std::optional<std::string> r = std::move(share_request_);
  share_request_.reset();
  return r;
}

}  // namespace ui
