// Failure detection (lesson 5 "Why timeouts lie", "Phi accrual failure detectors"): the sweep's
// trade-off holds on every seed, each goal's demonstration meets its goal, the prediction's
// answer comes out the same over many seeds, and the detector math matches the paper's formula.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>

#include "sim/failure_detection.h"
#include "sim/fixture.h"
#include "sim/lab.h"

namespace {

using sim::Detector;
using sim::DetectorSpec;
using sim::Fixture;
using sim::Lab;
using sim::TimeUs;
constexpr TimeUs s = sim::kUsPerS;
constexpr TimeUs ms = sim::kUsPerMs;

std::unique_ptr<Lab> open(const std::string& run_text) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run(run_text, &run, &error), error);
  std::unique_ptr<Lab> lab = Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

std::unique_ptr<Lab> with_settings(const sim::LabInfo& info, uint64_t seed,
                                   const std::vector<std::pair<const char*, int64_t>>& settings) {
  sim::RunSpec run = sim::default_run(info, seed);
  for (const auto& kv : settings) run.settings[static_cast<size_t>(sim::setting_index(info, kv.first))] = kv.second;
  std::string error;
  std::unique_ptr<Lab> lab = Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

const sim::LabInfo& fd_lab() {
  const sim::LabInfo* info = sim::find_lab("failure-detection");
  REQUIRE(info != nullptr);
  return *info;
}

}  // namespace

TEST_CASE("deterministic exp and log agree with libm to 1e-14") {
  for (double x : {-30.0, -5.5, -1.0, -0.1, 0.0, 0.3, 1.0, 2.5, 20.0})
    CHECK(sim::fd_exp(x) == doctest::Approx(std::exp(x)).epsilon(1e-14));
  for (double x : {1e-9, 0.01, 0.5, 1.0, 2.0, 10.0, 12345.0})
    CHECK(sim::fd_log(x) == doctest::Approx(std::log(x)).epsilon(1e-14));
}

TEST_CASE("phi is -log10 of the logistic tail (Hayashibara et al. 2004, Akka's approximation)") {
  // At the mean, P(later) = 1/2: phi = log10 2.
  CHECK(sim::fd_phi_of_y(0) == doctest::Approx(std::log10(2.0)).epsilon(1e-12));
  for (double y : {-2.0, 0.5, 1.0, 3.0, 5.0}) {
    const double g = y * (1.5976 + 0.070566 * y * y);
    CHECK(sim::fd_phi_of_y(y) == doctest::Approx(std::log10(1 + std::exp(g))).epsilon(1e-12));
  }
  // Phi grows with the silence: phi 1 is about 1.3 sd past the mean, phi 8 about 5.2.
  CHECK(sim::fd_phi_of_y(1.3) == doctest::Approx(1.0).epsilon(0.05));
  CHECK(sim::fd_phi_of_y(5.22) == doctest::Approx(8.0).epsilon(0.02));
}

TEST_CASE("sweep: detection time grows with the timeout, false positives shrink, on every seed") {
  const std::vector<TimeUs> timeouts = {1500 * ms, 2 * s, 3 * s, 5 * s, 8 * s};
  std::vector<DetectorSpec> specs;
  for (TimeUs t : timeouts) specs.push_back({Detector::Fixed, t});
  sim::FailureDetectionConfig config;  // the lab's defaults
  config.link.latency_us = 20 * ms;
  config.link.jitter_us = 50 * ms;
  int64_t total_short = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const std::vector<sim::SweepPoint> p = sim::run_fd_sweep(config, seed, specs);
    INFO("seed ", seed);
    for (size_t i = 1; i < p.size(); ++i) {
      CHECK(p[i].mean_detection_us > p[i - 1].mean_detection_us);
      CHECK(p[i].false_positives_per_hour <= p[i - 1].false_positives_per_hour);
    }
    // A crash is found, on average, a timeout after the last heartbeat: timeout - interval/2
    // + latency, within the jitter and pause noise.
    for (const sim::SweepPoint& q : p)
      CHECK(std::llabs(q.mean_detection_us - (q.spec.param - 500 * ms + 20 * ms)) < 250 * ms);
    // Pauses last at most 8 x 1.5 x 500 ms = 6 s, so a silence lasts at most 7.05 s (pause + one
    // interval + jitter): an 8 s timeout never mistakes one.
    CHECK(p.back().false_positives_per_hour == 0);
    total_short += p.front().false_positives_per_hour;
  }
  CHECK(total_short > 30 * 10);  // 1.5 s is far too short for these pauses: many an hour
}

TEST_CASE("halve the timeout: false positives more than double, on 25 seeds") {
  const sim::LabInfo& info = fd_lab();
  REQUIRE(info.predictions.size() == 1);
  const sim::PredictSpec& p = info.predictions[0];
  for (uint64_t seed = 1; seed <= 25; ++seed) {
    std::unique_ptr<Lab> lab = with_settings(info, seed, p.settings);
    Fixture f(*lab);
    p.run(f);
    INFO("seed ", seed, ": ", p.explain(*lab));
    CHECK(p.outcome(*lab) == 2);
  }
}

TEST_CASE("each failure-detection goal's demonstration meets it, on 10 seeds") {
  const sim::LabInfo& info = fd_lab();
  for (const sim::GoalSpec& goal : info.goals) {
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      std::unique_ptr<Lab> lab = with_settings(info, seed, goal.demo_settings);
      CHECK_FALSE(goal.met(*lab));
      Fixture f(*lab);
      goal.demo(f);
      INFO(goal.id, " seed ", seed, ": ", sim::encode_run(lab->run()));
      CHECK(goal.met(*lab));
    }
  }
}

TEST_CASE("a 4 s pause against a 3 s timeout: the fixed detector suspects a live node, once") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<Lab> lab = open("v1;lab=failure-detection;seed=" + std::to_string(seed) + ";gc_per_min=0");
    Fixture f(*lab);
    f.run_for(10 * s);
    CHECK(sim::fd_report(*lab).fixed.false_positives == 0);
    f.act("gc", sim::kNoNode, 4000);
    f.run_for(6 * s);
    const sim::FdReport r = sim::fd_report(*lab);
    CHECK(r.fixed.false_positives == 1);
    CHECK(r.fixed.detections == 0);
  }
}

TEST_CASE("a crash is detected by both detectors, within timeout + one interval; replay is exact") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<Lab> lab = open("v1;lab=failure-detection;seed=" + std::to_string(seed) + ";gc_per_min=0");
    Fixture f(*lab);
    f.run_for(30 * s + static_cast<TimeUs>(seed) * 37 * ms);
    f.crash(f.node("n1"));
    f.run_for(10 * s);
    const sim::FdReport r = sim::fd_report(*lab);
    CHECK(r.fixed.detections == 1);
    CHECK(r.phi.detections == 1);
    CHECK(r.fixed.last_detection_us <= 3 * s + 100 * ms);
    CHECK(r.fixed.last_detection_us >= 2 * s);
    // On a calm network phi tolerates far less silence than 3 s: it detects first.
    CHECK(r.phi.last_detection_us < r.fixed.last_detection_us);
    std::unique_ptr<Lab> replay = open(sim::encode_run(lab->run()));
    replay->advance_to(lab->now_us());
    CHECK(replay->trace_hash() == lab->trace_hash());
  }
}

TEST_CASE("settings that make no sense are refused with a sentence") {
  std::string error;
  sim::RunSpec run;
  REQUIRE(sim::decode_run("v1;lab=failure-detection;seed=1", &run, &error));
  run.settings[static_cast<size_t>(sim::setting_index(fd_lab(), "hb_ms"))] = 2000;
  run.settings[static_cast<size_t>(sim::setting_index(fd_lab(), "timeout_ms"))] = 1000;
  CHECK(Lab::create(run, &error) == nullptr);
  CHECK(error.find("at least one heartbeat interval") != std::string::npos);
}
