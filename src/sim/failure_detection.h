// sim/failure_detection.h — heartbeat failure detection (course lesson 5, "Failure detection",
// "Why timeouts lie", "Phi accrual failure detectors"): one monitored node sends heartbeats over
// a jittery network and stops the world for GC-like pauses; one monitor runs two detectors on
// the same arrivals, a fixed timeout and a phi accrual detector (Hayashibara et al. 2004).
//
// Usage:
//   sim::FailureDetectionConfig config;          // 1 s heartbeats, 3 s timeout, phi 8
//   config.timeout_us = 5 * sim::kUsPerS;
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_failure_detection_scenario(config);
//   ...
//   sim::FdReport r = sim::fd_report(lab);       // suspicions judged against the real crashes
//   sim::SweepPoint p = sim::fd_sweep(lab, {Detector::Fixed, 1'500'000})[0];
//
// Cast (node ids in this order): "n1" the monitored node, "mon" the monitor.
//
// The sweep answers "what would timeout T have done?" by running the same model (same settings,
// a seed drawn from the run's seed) for kSweepSpanUs without faults, recording every heartbeat
// arrival, and replaying each detector over them: false positives are silences longer than the
// detector allowed; the detection time of a crash at instant c is when the detector would have
// given up after the last heartbeat sent before c. Detectors only observe, so one recording
// serves every timeout and the curves are comparable point for point.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/network.h"
#include "sim/scenario.h"
#include "sim/types.h"

namespace sim {

class Lab;

struct FailureDetectionConfig {
  /// The monitored node sends a heartbeat this often.
  TimeUs heartbeat_interval_us = 1 * kUsPerS;
  /// The fixed detector suspects after this much silence.
  TimeUs timeout_us = 3 * kUsPerS;
  /// The phi accrual detector suspects once phi exceeds this (phi 8: a 1e-8 chance of a mistake
  /// if intervals really followed the fitted distribution).
  int phi_threshold = 8;
  /// Stop-the-world pauses per minute (0 = none).
  int gc_per_minute = 2;
  /// Typical pause length; pauses have a long tail: 2/3 are 0.5-1.5x this, then each doubling
  /// a third as likely, up to 12x (see draw_pause_us in the .cpp).
  TimeUs gc_pause_us = 500 * kUsPerMs;
  /// Link settings of the lab's network, reused by the sweep's runs.
  LinkConfig link;

  bool validate(std::string* error) const;
};

std::unique_ptr<Scenario> make_failure_detection_scenario(const FailureDetectionConfig& config);

enum class Detector : uint8_t { Fixed, Phi };

/// A detector configuration: a timeout (Fixed, µs) or a phi threshold (Phi).
struct DetectorSpec {
  Detector kind = Detector::Fixed;
  int64_t param = 0;
};

/// What a detector would have done over the sweep span.
struct SweepPoint {
  DetectorSpec spec;
  /// Mean time from a crash to the suspicion, over crashes placed once a minute.
  TimeUs mean_detection_us = 0;
  /// Suspicions of the live node, per hour.
  int64_t false_positives_per_hour = 0;
};

constexpr TimeUs kSweepSpanUs = 4 * 3600 * kUsPerS;

/// The sweep of `specs` for `config` on sweep seed `seed` (deterministic, ~ms per hour run).
std::vector<SweepPoint> run_fd_sweep(const FailureDetectionConfig& config, uint64_t seed,
                                     const std::vector<DetectorSpec>& specs);
/// The sweep of `specs` for a failure-detection lab's settings and seed.
std::vector<SweepPoint> fd_sweep(const Lab& lab, const std::vector<DetectorSpec>& specs);

/// One detector's suspicions in a run, judged against n1's real crashes (from the trace).
struct DetectorReport {
  int64_t suspicions = 0;
  int64_t false_positives = 0;    ///< n1 was up (perhaps paused) when suspected
  int64_t detections = 0;         ///< n1 was crashed when suspected
  TimeUs last_detection_us = -1;  ///< crash to suspicion, for the latest detection
  TimeUs allowed_silence_us = 0;  ///< how long a silence it tolerates right now
};

struct FdReport {
  DetectorReport fixed;
  DetectorReport phi;
  TimeUs first_crash_us = -1;  ///< when n1 first crashed (-1: never)
  const DetectorReport& of(Detector d) const { return d == Detector::Fixed ? fixed : phi; }
};

FdReport fd_report(const Lab& lab);

/// Codes of the Note records (CheckerStats::notes index).
enum FailureDetectionNote : uint8_t {
  kNoteGcPause = 1,        ///< n1: stop-the-world pause begins (a = length µs)
  kNoteSuspectFixed = 2,   ///< mon: fixed detector suspects n1 (a = silence, b = allowed)
  kNoteSuspectPhi = 3,     ///< mon: phi detector suspects n1 (a = silence, b = allowed)
  kNoteHeardAgain = 4,     ///< mon: a heartbeat after a suspicion (a = silence, b = n1 restarted)
};

/// Deterministic math for the phi detector (only +, -, *, /, floor, ldexp, frexp, which IEEE 754
/// makes exact or correctly rounded), so native and WebAssembly runs give the same trace.
double fd_exp(double x);
double fd_log(double x);
/// Hayashibara's phi for a silence `y` standard deviations past the mean, with the logistic
/// approximation of the normal tail used by Akka: P(later) = 1 / (1 + e^{y(1.5976 + 0.070566 y²)}).
double fd_phi_of_y(double y);

}  // namespace sim
