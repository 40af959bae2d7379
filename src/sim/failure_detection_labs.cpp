// The lesson 5 failure detection lab ("Why timeouts lie", "Phi accrual failure detectors"):
// settings, guided goals, their demonstrations, and the "halve the timeout" prediction.
#include <cstring>

#include "sim/failure_detection.h"
#include "sim/fixture.h"
#include "sim/lab.h"

namespace sim {

namespace {

// Order is part of the URL format: append only.
std::vector<SettingSpec> settings() {
  return {
      {"hb_ms", "heartbeat interval (ms)", 100, 10'000, 1000, nullptr},
      {"timeout_ms", "fixed detector: silence before it suspects n1 (ms)", 100, 120'000, 3000, nullptr},
      {"phi", "phi accrual detector: suspect once phi exceeds this", 1, 16, 8, nullptr},
      {"gc_per_min", "stop-the-world GC pauses per minute on n1", 0, 60, 2, nullptr},
      {"gc_ms", "typical GC pause (ms); a few last up to 12 times longer", 0, 10'000, 500, nullptr},
      {"latency_ms", "one-way network latency (ms)", 0, 5000, 20, nullptr},
      {"jitter_ms", "extra random latency, up to (ms)", 0, 5000, 50, nullptr},
      {"loss_ppm", "heartbeat loss, parts per million", 0, 500'000, 0, nullptr},
  };
}

int64_t value(const std::vector<int64_t>& v, const char* key) {
  static const std::vector<SettingSpec> schema = settings();
  return setting_value(schema, v, key);
}

FailureDetectionConfig config_from(const std::vector<int64_t>& v) {
  FailureDetectionConfig c;
  c.heartbeat_interval_us = value(v, "hb_ms") * kUsPerMs;
  c.timeout_us = value(v, "timeout_ms") * kUsPerMs;
  c.phi_threshold = static_cast<int>(value(v, "phi"));
  c.gc_per_minute = static_cast<int>(value(v, "gc_per_min"));
  c.gc_pause_us = value(v, "gc_ms") * kUsPerMs;
  c.link.latency_us = value(v, "latency_ms") * kUsPerMs;
  c.link.jitter_us = value(v, "jitter_ms") * kUsPerMs;
  c.link.loss_ppm = static_cast<uint32_t>(value(v, "loss_ppm"));
  return c;
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  const FailureDetectionConfig c = config_from(v);
  network->link = c.link;
  if (!c.validate(error)) return nullptr;
  return make_failure_detection_scenario(c);
}

// --- Goals -------------------------------------------------------------------------------------

constexpr TimeUs kFastDetectionUs = 2 * kUsPerS;
constexpr TimeUs kQuietSpanUs = 10 * 60 * kUsPerS;

// A real crash of n1, suspected within 2 s by either detector.
bool fast_detection_met(const Lab& lab) {
  const FdReport r = fd_report(lab);
  for (Detector d : {Detector::Fixed, Detector::Phi})
    if (r.of(d).detections > 0 && r.of(d).last_detection_us <= kFastDetectionUs) return true;
  return false;
}

bool gc_false_positive_met(const Lab& lab) { return fd_report(lab).fixed.false_positives > 0; }

// Ten minutes of GC pauses without one false positive from the fixed timeout, then a real crash
// whose detection time the learner can read off the table.
bool quiet_timeout_met(const Lab& lab) {
  const FdReport r = fd_report(lab);
  return lab.setting("gc_per_min") > 0 && r.first_crash_us >= kQuietSpanUs && r.fixed.false_positives == 0 &&
         r.fixed.detections > 0;
}

// On a jittery network the phi detector widens its allowance by itself: no mistakes, while the
// fixed timeout keeps crying wolf.
bool phi_adapts_met(const Lab& lab) {
  const FdReport r = fd_report(lab);
  return lab.setting("jitter_ms") >= 500 && lab.now_us() >= 3 * 60 * kUsPerS && r.fixed.false_positives > 0 &&
         r.phi.false_positives == 0 && r.phi.allowed_silence_us > r.fixed.allowed_silence_us;
}

void fast_detection_demo(Fixture& f) {
  f.run_for(20 * kUsPerS);
  f.crash(f.node("n1"));
  f.run_for(5 * kUsPerS);
}

// The lesson's exercise: a 4-second pause against a 3-second timeout.
void gc_false_positive_demo(Fixture& f) {
  f.run_for(10 * kUsPerS);
  f.act("gc", kNoNode, 4000);
  f.run_for(6 * kUsPerS);
}

void quiet_timeout_demo(Fixture& f) {
  f.run_for(kQuietSpanUs);
  f.crash(f.node("n1"));
  f.run_for(20 * kUsPerS);
}

void phi_adapts_demo(Fixture& f) { f.run_for(4 * 60 * kUsPerS); }

const GoalSpec kFastDetection{"detect-crash-fast", "Detect a real crash within 2 seconds",
                              "Lower the timeout (or trust phi), then crash n1 and read the detection time.",
                              {{"timeout_ms", 1500}}, fast_detection_met, fast_detection_demo};
const GoalSpec kGcFalsePositive{"gc-false-positive", "See a GC pause cause a false positive",
                                "With a 3 s timeout, inject a 4 s GC pause into n1: it is alive, yet suspected.",
                                {}, gc_false_positive_met, gc_false_positive_demo};
const GoalSpec kQuietTimeout{"quiet-timeout", "Find a timeout with no false positives for 10 minutes",
                             "Use the sweep to pick a timeout with zero false positives; run 10 minutes, then crash "
                             "n1 and note how long detection takes.",
                             {{"timeout_ms", 8000}}, quiet_timeout_met, quiet_timeout_demo};
const GoalSpec kPhiAdapts{"phi-adapts", "Watch phi accrual adapt to a jittery network",
                          "Set jitter to 1500 ms and a 2 s timeout: the fixed detector cries wolf, phi widens its "
                          "allowance and stays quiet.",
                          {{"jitter_ms", 1500}, {"timeout_ms", 2000}, {"gc_per_min", 0}}, phi_adapts_met,
                          phi_adapts_demo};

// --- Prediction: "just lower the timeout" ------------------------------------------------------

// The current timeout and half of it, over the sweep's hour.
std::vector<SweepPoint> halving(const Lab& lab) {
  const TimeUs t_us = lab.setting("timeout_ms") * kUsPerMs;
  return fd_sweep(lab, {{Detector::Fixed, t_us}, {Detector::Fixed, t_us / 2}});
}

int halve_outcome(const Lab& lab) {
  const std::vector<SweepPoint> p = halving(lab);
  const int64_t before = p[0].false_positives_per_hour, after = p[1].false_positives_per_hour;
  if (after == 0) return 0;
  return after * 2 <= before * 5 ? 1 : 2;  // up to 2.5x counts as "about double"
}

std::string halve_explain(const Lab& lab) {
  const std::vector<SweepPoint> p = halving(lab);
  return "Over four simulated hours of this seed's heartbeats (per hour): timeout " + format_seconds(p[0].spec.param) + " -> " +
         std::to_string(p[0].false_positives_per_hour) + " false positives, mean detection " +
         format_seconds(p[0].mean_detection_us) + "; timeout " + format_seconds(p[1].spec.param) + " -> " +
         std::to_string(p[1].false_positives_per_hour) + " false positives, mean detection " +
         format_seconds(p[1].mean_detection_us) +
         ". Pauses are long-tailed: many more of them are longer than half the timeout.";
}

void halve_run(Fixture& f) { f.run_for(30 * kUsPerS); }

const PredictSpec kHalve{"halve-timeout",
                         "The fixed timeout is 3 s. Halve it to 1.5 s: what happens to false positives per hour?",
                         {"They stay at zero", "They roughly double", "They more than double"},
                         {},
                         halve_run,
                         halve_outcome,
                         halve_explain};

}  // namespace

std::vector<LabInfo> failure_detection_labs() {
  LabInfo lab{"failure-detection", "Failure detection lab", "failover", settings(),
              {kGcFalsePositive, kFastDetection, kQuietTimeout, kPhiAdapts}, make};
  lab.predictions = {kHalve};
  lab.checks = {};
  lab.views = kViewCluster | kViewTimeline | kViewCharts | kViewFigures;
  return {lab};
}

}  // namespace sim
