#include "sim/failure_detection.h"

#include <algorithm>
#include <cmath>

#include "sim/engine.h"
#include "sim/lab.h"

namespace sim {

// ================================================================================================
// Deterministic math
// ================================================================================================

double fd_exp(double x) {
  if (x < -700) return 0;
  if (x > 700) x = 700;
  constexpr double kLn2 = 0.6931471805599453;
  const double k = std::floor(x / kLn2 + 0.5);
  const double r = x - k * kLn2;  // |r| <= 0.35: the Taylor series converges fast
  double term = 1, sum = 1;
  for (int i = 1; i <= 18; ++i) {
    term = term * r / i;
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(k));
}

double fd_log(double x) {
  if (x <= 0) return -1e300;
  int e = 0;
  const double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  // ln m = 2 atanh(z), z = (m - 1) / (m + 1) in [-1/3, 0).
  const double z = (m - 1) / (m + 1), z2 = z * z;
  double power = z, sum = 0;
  for (int i = 0; i < 40; ++i) {
    sum += power / (2 * i + 1);
    power *= z2;
  }
  constexpr double kLn2 = 0.6931471805599453;
  return 2 * sum + e * kLn2;
}

double fd_phi_of_y(double y) {
  // phi = -log10 P(later) = log10(1 + e^g); for large g, g/ln10 + log10(1 + e^-g) avoids overflow.
  constexpr double kLn10 = 2.302585092994046;
  const double g = y * (1.5976 + 0.070566 * y * y);
  if (g > 0) return (g + fd_log(1 + fd_exp(-g))) / kLn10;
  return fd_log(1 + fd_exp(g)) / kLn10;
}

namespace {

// ================================================================================================
// The two detectors (lesson 5): a fixed timeout, and phi accrual over a window of intervals
// ================================================================================================

// How many standard deviations past the mean a silence may last before phi exceeds `threshold`
// (phi grows with y, so bisection finds it).
double y_for_phi(int threshold) {
  double lo = -10, hi = 60;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (fd_phi_of_y(mid) < threshold ? lo : hi) = mid;
  }
  return hi;
}

class DetectorState {
 public:
  static constexpr int kWindow = 100;  // intervals phi remembers (Cassandra and Akka keep up to 1000)

  DetectorState(DetectorSpec spec, TimeUs heartbeat_interval_us)
      : spec_(spec), min_sd_us_(heartbeat_interval_us / 10),
        y_threshold_(spec.kind == Detector::Phi ? y_for_phi(static_cast<int>(spec.param)) : 0) {
    // Bootstrap as if intervals had varied by half an interval either way (Akka seeds its window
    // from a first-heartbeat estimate the same way), so the first seconds are not hair-trigger.
    add_interval(heartbeat_interval_us / 2);
    add_interval(heartbeat_interval_us * 3 / 2);
  }

  void add_interval(TimeUs interval_us) {
    if (spec_.kind != Detector::Phi) return;
    if (static_cast<int>(window_.size()) < kWindow) {
      window_.push_back(interval_us);
    } else {
      sum_ -= window_[next_];
      sum_sq_ -= window_[next_] * window_[next_];
      window_[next_] = interval_us;
      next_ = (next_ + 1) % kWindow;
    }
    sum_ += interval_us;
    sum_sq_ += interval_us * interval_us;
  }

  double mean_us() const { return static_cast<double>(sum_) / static_cast<double>(window_.size()); }
  double sd_us() const {
    const double n = static_cast<double>(window_.size());
    const double var = static_cast<double>(sum_sq_) / n - mean_us() * mean_us();
    return std::max(var > 0 ? std::sqrt(var) : 0.0, static_cast<double>(min_sd_us_));
  }

  /// The silence after which this detector suspects.
  TimeUs allowed_silence_us() const {
    if (spec_.kind == Detector::Fixed) return spec_.param;
    return static_cast<TimeUs>(mean_us() + y_threshold_ * sd_us());
  }

  /// Phi after `silence_us` without a heartbeat.
  double phi(TimeUs silence_us) const { return fd_phi_of_y((static_cast<double>(silence_us) - mean_us()) / sd_us()); }

 private:
  DetectorSpec spec_;
  TimeUs min_sd_us_;  // a floor, as in Akka: a very regular network must not make phi hair-trigger
  double y_threshold_;
  std::vector<TimeUs> window_;
  size_t next_ = 0;
  int64_t sum_ = 0;
  int64_t sum_sq_ = 0;
};

// ================================================================================================
// Wire format and vocabulary
// ================================================================================================

enum MsgType : uint16_t { kHeartbeat = 1, kGcCommand };

struct Heartbeat {
  static constexpr uint16_t kType = kHeartbeat;
  int64_t seq;
  int64_t sent_local_us;
  int64_t incarnation;  // bumps at every restart (Cassandra's "generation")
  TraceArgs trace_args() const { return {seq, incarnation}; }
};

struct GcCommand {  // a pause the learner injects
  static constexpr uint16_t kType = kGcCommand;
  int64_t pause_us;
  TraceArgs trace_args() const { return {pause_us / kUsPerMs, 0}; }
};

enum Timer : TimerId { kTimerHeartbeat = 0, kTimerGcStart, kTimerGcEnd, kTimerFixed, kTimerPhi };

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  auto num = [&out](const char* prefix, int64_t v) { out += prefix; append_int(out, v); };
  switch (type) {
    case kHeartbeat: num("hb #", a.a); return;
    case kGcCommand: num("gc ", a.a); out += " ms"; return;
  }
  num("type", type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"heartbeat", "gc", "gc-end", "fixed-timeout", "phi-timeout"};
  return timer >= 0 && timer < 5 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>& /*names*/, std::string& out) {
  switch (e.code) {
    case kNoteGcPause: out += "stop-the-world pause of " + format_seconds(e.a); return;
    case kNoteSuspectFixed:
    case kNoteSuspectPhi:
      out += e.code == kNoteSuspectFixed ? "fixed timeout" : "phi accrual";
      out += ": suspect n1 after " + format_seconds(e.a) + " of silence (allowed " + format_seconds(e.b) + ")";
      return;
    case kNoteHeardAgain:
      out += "n1 heard again after " + format_seconds(e.a);
      out += e.b != 0 ? " (it restarted: the suspicion was right)" : " (it was alive: a false positive)";
      return;
  }
  append_int(out, e.code);
}

const Vocabulary kVocabulary{label, timer_name, note_text,
                             {{"gc", "v", "Inject a GC pause (ms)", "n1 stops the world for this long", 100, 60'000}}};

// ================================================================================================
// The monitored node: heartbeats, and stop-the-world pauses drawn from its random stream
// ================================================================================================

class Heart : public Protocol {
 public:
  explicit Heart(const FailureDetectionConfig& config) : config_(config) {}

  uint64_t sweep_seed() const { return sweep_seed_; }
  bool pausing() const { return pausing_; }
  int64_t sent() const { return seq_; }

  void on_start(Context& ctx) override {
    if (incarnation_ == 0) sweep_seed_ = ctx.rng().next();  // first boot: the sweep's own seed
    ++incarnation_;
    beat(ctx);
    schedule_gc(ctx);
  }

  void on_crash() override { pausing_ = false; }

  void on_timer(Context& ctx, TimerId timer) override {
    switch (timer) {
      case kTimerHeartbeat: beat(ctx); break;
      case kTimerGcStart: stop_the_world(ctx, draw_pause_us(ctx)); break;
      case kTimerGcEnd:
        pausing_ = false;
        beat(ctx);  // the heartbeat thread was frozen too: it runs as soon as the world restarts
        schedule_gc(ctx);
        break;
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type == kGcCommand && !pausing_) stop_the_world(ctx, m.body_as<GcCommand>().pause_us);
  }

 private:
  void beat(Context& ctx) {
    ctx.send(1, Heartbeat{++seq_, ctx.now_local_us(), incarnation_});
    ctx.set_timer(kTimerHeartbeat, config_.heartbeat_interval_us);
  }

  void schedule_gc(Context& ctx) {
    if (config_.gc_per_minute <= 0) return;
    const TimeUs mean_us = 60 * kUsPerS / config_.gc_per_minute;
    ctx.set_timer(kTimerGcStart, ctx.rng().between(mean_us / 2, mean_us * 3 / 2));
  }

  // Long-tailed, like real collectors: mostly short young-generation pauses, now and then a
  // full collection many times longer. Each doubling is a third as likely: 2/3 of pauses are
  // base x [0.5, 1.5], 2/9 twice that, 2/27 four times, 1/27 eight times (at most 12x base).
  TimeUs draw_pause_us(Context& ctx) const {
    const TimeUs base_us = ctx.rng().between(config_.gc_pause_us / 2, config_.gc_pause_us * 3 / 2);
    const int64_t r = ctx.rng().below(27);
    const int doublings = r < 18 ? 0 : r < 24 ? 1 : r < 26 ? 2 : 3;
    return base_us << doublings;
  }

  void stop_the_world(Context& ctx, TimeUs pause_us) {
    pausing_ = true;
    ctx.trace_note(kNoteGcPause, kNoNode, pause_us, 0, 0);
    ctx.cancel_timer(kTimerHeartbeat);
    ctx.cancel_timer(kTimerGcStart);
    ctx.set_timer(kTimerGcEnd, pause_us);
  }

  const FailureDetectionConfig config_;
  // Durable.
  uint64_t sweep_seed_ = 0;
  int64_t incarnation_ = 0;
  int64_t seq_ = 0;
  // Volatile.
  bool pausing_ = false;
};

// ================================================================================================
// The monitor: both detectors on the same arrivals
// ================================================================================================

struct Arrival {
  TimeUs sent_us;
  TimeUs arrived_us;
};

class Watcher : public Protocol {
 public:
  Watcher(const FailureDetectionConfig& config, bool record)
      : config_(config), record_(record),
        detectors_{DetectorState({Detector::Fixed, config.timeout_us}, config.heartbeat_interval_us),
                   DetectorState({Detector::Phi, config.phi_threshold}, config.heartbeat_interval_us)} {}

  const FailureDetectionConfig& config() const { return config_; }
  const std::vector<Arrival>& arrivals() const { return arrivals_; }
  const DetectorState& detector(Detector d) const { return detectors_[static_cast<size_t>(d)]; }
  bool suspects(Detector d) const { return suspected_[static_cast<size_t>(d)]; }
  TimeUs silence_us(TimeUs now_local_us) const { return now_local_us - last_arrival_us_; }

  void on_start(Context& ctx) override {
    ctx.trace_role(Role::Monitor, 0);
    last_arrival_us_ = ctx.now_local_us();  // a fresh monitor gives n1 a full allowance
    arm(ctx);
  }

  void on_crash() override { suspected_[0] = suspected_[1] = false; }

  void on_timer(Context& ctx, TimerId timer) override {
    const Detector d = timer == kTimerFixed ? Detector::Fixed : Detector::Phi;
    suspected_[static_cast<size_t>(d)] = true;
    ctx.trace_note(d == Detector::Fixed ? kNoteSuspectFixed : kNoteSuspectPhi, 0, silence_us(ctx.now_local_us()),
                   detector(d).allowed_silence_us(), 0);
  }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type != kHeartbeat) return;
    const Heartbeat hb = m.body_as<Heartbeat>();
    const TimeUs interval_us = silence_us(ctx.now_local_us());
    const bool restarted = hb.incarnation != incarnation_;
    if (suspected_[0] || suspected_[1])
      ctx.trace_note(kNoteHeardAgain, 0, interval_us, restarted && incarnation_ != 0 ? 1 : 0, 0);
    suspected_[0] = suspected_[1] = false;
    // The silence around a restart says nothing about how regular heartbeats are.
    if (!restarted)
      for (DetectorState& d : detectors_) d.add_interval(interval_us);
    incarnation_ = hb.incarnation;
    last_arrival_us_ = ctx.now_local_us();
    if (record_) arrivals_.push_back(Arrival{hb.sent_local_us, last_arrival_us_});
    arm(ctx);
  }

 private:
  void arm(Context& ctx) {
    ctx.set_timer(kTimerFixed, detector(Detector::Fixed).allowed_silence_us());
    ctx.set_timer(kTimerPhi, detector(Detector::Phi).allowed_silence_us());
  }

  const FailureDetectionConfig config_;
  const bool record_;
  DetectorState detectors_[2];
  bool suspected_[2] = {false, false};
  TimeUs last_arrival_us_ = 0;
  int64_t incarnation_ = 0;
  std::vector<Arrival> arrivals_;
};

constexpr NodeId kHeart = 0;
constexpr NodeId kWatcher = 1;

// ================================================================================================
// The sweep: one fault-free recording, every detector replayed over it
// ================================================================================================

std::vector<Arrival> record_arrivals(const FailureDetectionConfig& config, uint64_t seed) {
  EngineConfig engine_config;
  engine_config.seed = seed;
  engine_config.network.link = config.link;
  engine_config.keep_trace = false;
  Engine engine(engine_config);
  engine.add_node("n1", std::make_unique<Heart>(config));
  engine.add_node("mon", std::make_unique<Watcher>(config, /*record=*/true));
  engine.start();
  engine.run_until(kSweepSpanUs);
  return static_cast<const Watcher&>(engine.protocol(kWatcher)).arrivals();
}

SweepPoint replay(const std::vector<Arrival>& arrivals, const std::vector<TimeUs>& crashes_us, DetectorSpec spec,
                  TimeUs heartbeat_interval_us) {
  DetectorState detector(spec, heartbeat_interval_us);
  int64_t false_positives = 0;
  TimeUs detection_sum_us = 0;
  TimeUs last_us = 0;
  size_t crash = 0;
  for (const Arrival& a : arrivals) {
    // A crash before this heartbeat was sent: it never comes, and the detector gives up
    // `allowed` after the previous one (at once, if it was already suspecting).
    for (; crash < crashes_us.size() && crashes_us[crash] < a.sent_us; ++crash)
      detection_sum_us += std::max<TimeUs>(0, last_us + detector.allowed_silence_us() - crashes_us[crash]);
    const TimeUs gap_us = a.arrived_us - last_us;
    if (gap_us > detector.allowed_silence_us()) ++false_positives;
    detector.add_interval(gap_us);
    last_us = a.arrived_us;
  }
  SweepPoint p;
  p.spec = spec;
  p.mean_detection_us = crash == 0 ? 0 : detection_sum_us / static_cast<TimeUs>(crash);
  p.false_positives_per_hour = (false_positives * 3600 * kUsPerS + kSweepSpanUs / 2) / kSweepSpanUs;
  return p;
}

// ================================================================================================
// Reading a run: suspicions judged against n1's real crashes
// ================================================================================================

FdReport judge(const TraceLog& trace, const Watcher& watcher) {
  FdReport r;
  TimeUs crashed_since_us = -1;
  for (const TraceEvent& e : trace) {
    if (e.node == kHeart && e.kind == TraceKind::Crash) {
      crashed_since_us = e.time_us;
      if (r.first_crash_us < 0) r.first_crash_us = e.time_us;
    } else if (e.node == kHeart && e.kind == TraceKind::Restart) {
      crashed_since_us = -1;
    } else if (e.node == kWatcher && e.kind == TraceKind::Note &&
               (e.code == kNoteSuspectFixed || e.code == kNoteSuspectPhi)) {
      DetectorReport& d = e.code == kNoteSuspectFixed ? r.fixed : r.phi;
      ++d.suspicions;
      if (crashed_since_us < 0) {
        ++d.false_positives;
      } else {
        ++d.detections;
        d.last_detection_us = e.time_us - crashed_since_us;
      }
    }
  }
  r.fixed.allowed_silence_us = watcher.detector(Detector::Fixed).allowed_silence_us();
  r.phi.allowed_silence_us = watcher.detector(Detector::Phi).allowed_silence_us();
  return r;
}

// ================================================================================================
// The scenario
// ================================================================================================

std::string seconds_short(TimeUs t_us) {
  // "1.5 s", "12 s", "0.25 s": enough digits for a table cell.
  std::string out;
  const TimeUs ms = t_us / kUsPerMs;
  append_int(out, ms / 1000);
  TimeUs frac = ms % 1000;
  if (frac != 0) {
    out += '.';
    std::string digits;
    append_int(digits, frac + 1000);  // "1250" -> "250"
    digits = digits.substr(1);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += digits;
  }
  return out + " s";
}

std::string phi_text(double phi) {
  const int64_t tenths = static_cast<int64_t>(std::min(phi, 999.0) * 10 + 0.5);
  std::string out;
  append_int(out, tenths / 10);
  out += '.';
  append_int(out, tenths % 10);
  return out;
}

class FailureDetectionScenario : public Scenario {
 public:
  explicit FailureDetectionScenario(const FailureDetectionConfig& config) : config_(config) {}

  std::vector<std::string> names() const override { return {"n1", "mon"}; }

  void build(Engine& engine) override {
    auto heart = std::make_unique<Heart>(config_);
    heart_ = heart.get();
    engine.add_node("n1", std::move(heart));
    auto watcher = std::make_unique<Watcher>(config_, /*record=*/false);
    watcher_ = watcher.get();
    engine.add_node("mon", std::move(watcher));
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }

  bool validate(const Command& c, std::string* error) const override {
    if (c.verb == Verb::Act) return true;  // the lab checked the gc action's value range
    *error = "not a failure-detection command";
    return false;
  }

  void apply(Engine& engine, const Command& c) override {
    if (c.verb == Verb::Act) engine.inject(kHeart, GcCommand{c.value * kUsPerMs});
  }

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    view.y = 0.5f;
    if (node == kHeart) {
      view.kind = "db";
      view.role = engine.status(node) == NodeStatus::Crashed ? Role::None : Role::Primary;
      view.detail = heart_->pausing() ? "GC pause" : "heartbeat #" + std::to_string(heart_->sent());
      view.x = 0.25f;
      return;
    }
    view.kind = "monitor";
    view.role = engine.status(node) == NodeStatus::Crashed ? Role::None : Role::Monitor;
    view.x = 0.75f;
    const TimeUs silence_us = watcher_->silence_us(engine.local_time_us(node));
    const bool fixed = watcher_->suspects(Detector::Fixed), phi = watcher_->suspects(Detector::Phi);
    view.detail = fixed && phi ? "suspect: both"
                  : fixed      ? "suspect: fixed"
                  : phi        ? "suspect: phi"
                               : "phi " + phi_text(watcher_->detector(Detector::Phi).phi(silence_us)) + " of " +
                                     std::to_string(config_.phi_threshold);
  }

  bool traces_client_ops() const override { return false; }
  std::vector<MetricSpec> metrics() const override {
    return {{"silence", "ms"}, {"fixed timeout", "ms"}, {"phi limit", "ms"}};
  }

  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    row.push_back(watcher_->silence_us(engine.local_time_us(kWatcher)) / kUsPerMs);
    row.push_back(watcher_->detector(Detector::Fixed).allowed_silence_us() / kUsPerMs);
    row.push_back(watcher_->detector(Detector::Phi).allowed_silence_us() / kUsPerMs);
  }

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    run_figure(engine, out);
    sweep_figures(out);
  }

 private:
  void run_figure(const Engine& engine, std::vector<Figure>& out) const {
    const FdReport r = judge(engine.trace().events(), *watcher_);
    Figure& f = add_figure(out, Figure::Kind::Table, "This run: suspicions of n1");
    f.columns = {"detector", "tolerates", "false alarms", "detection"};
    for (Detector d : {Detector::Fixed, Detector::Phi}) {
      const DetectorReport& dr = r.of(d);
      f.rows.push_back({{d == Detector::Fixed ? "fixed" : "phi"},
                        {seconds_short(dr.allowed_silence_us)},
                        {std::to_string(dr.false_positives), dr.false_positives > 0 ? Tone::Bad : Tone::Good},
                        {dr.last_detection_us < 0 ? "-" : seconds_short(dr.last_detection_us), Tone::Accent}});
    }
    f.caption = "Tolerates: the silence it allows right now. A false alarm is a suspicion while n1 was alive "
                "(perhaps paused); detection is the time from n1's crash to the suspicion.";
  }

  // Timeouts worth comparing: a fixed ladder plus the current setting, all above one interval.
  std::vector<DetectorSpec> sweep_specs() const {
    std::vector<TimeUs> timeouts = {500 * kUsPerMs, 1 * kUsPerS, 1500 * kUsPerMs, 2 * kUsPerS, 3 * kUsPerS,
                                    5 * kUsPerS,    8 * kUsPerS, 12 * kUsPerS,    20 * kUsPerS};
    timeouts.push_back(config_.timeout_us);
    std::sort(timeouts.begin(), timeouts.end());
    timeouts.erase(std::unique(timeouts.begin(), timeouts.end()), timeouts.end());
    std::vector<DetectorSpec> specs;
    for (TimeUs t : timeouts)
      if (t > config_.heartbeat_interval_us || t == config_.timeout_us) specs.push_back({Detector::Fixed, t});
    std::vector<int64_t> thresholds = {4, 8, 12, 16, config_.phi_threshold};
    std::sort(thresholds.begin(), thresholds.end());
    thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
    for (int64_t phi : thresholds) specs.push_back({Detector::Phi, phi});
    return specs;
  }

  void sweep_figures(std::vector<Figure>& out) const {
    if (sweep_.empty()) sweep_ = run_fd_sweep(config_, heart_->sweep_seed(), sweep_specs());
    Figure& table = add_figure(out, Figure::Kind::Table,
                               "Timeout sweep: mean detection time and false alarms per hour (4 simulated hours)");
    table.columns = {"detector", "detection", "false alarms"};
    Figure bars;  // added after the table
    bars.kind = Figure::Kind::Bars;
    bars.title = "False positives per hour, by timeout";
    bars.unit = "per hour";
    for (const SweepPoint& p : sweep_) {
      const bool current = p.spec.param == (p.spec.kind == Detector::Phi ? config_.phi_threshold : config_.timeout_us);
      const std::string name = p.spec.kind == Detector::Fixed ? "fixed " + seconds_short(p.spec.param)
                                                             : "phi " + std::to_string(p.spec.param);
      const Tone fp_tone = p.false_positives_per_hour == 0 ? Tone::Good : Tone::Bad;
      table.rows.push_back({{name + (current ? " (now)" : ""), current ? Tone::Accent : Tone::Neutral},
                            {seconds_short(p.mean_detection_us)},
                            {std::to_string(p.false_positives_per_hour), fp_tone}});
      if (p.spec.kind == Detector::Fixed)
        bars.bars.push_back({seconds_short(p.spec.param), p.false_positives_per_hour, current ? Tone::Accent : fp_tone});
    }
    table.caption = "Each row replays one recording of heartbeats; detection is the mean over one simulated crash a minute. "
                    "A longer timeout detects a crash later but mistakes a pause for one less often. Phi tolerates "
                    "what the recent intervals make likely, so it adapts to the network, not to the tail of the "
                    "pauses.";
    bars.caption = "GC pauses have a long tail: halving the timeout more than doubles the mistakes.";
    out.push_back(std::move(bars));
  }

  const FailureDetectionConfig config_;
  Heart* heart_ = nullptr;      // owned by the engine
  Watcher* watcher_ = nullptr;  // owned by the engine
  mutable std::vector<SweepPoint> sweep_;  // depends only on the settings and the seed
};

const Watcher& watcher_of(const Lab& lab) { return dynamic_cast<const Watcher&>(lab.engine().protocol(kWatcher)); }

}  // namespace

bool FailureDetectionConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(heartbeat_interval_us >= 100 * kUsPerMs && heartbeat_interval_us <= 10 * kUsPerS,
               "heartbeat interval must be 100 ms..10 s") &&
         check(timeout_us >= heartbeat_interval_us && timeout_us <= 120 * kUsPerS,
               "the timeout must be at least one heartbeat interval and at most 120 s") &&
         check(phi_threshold >= 1 && phi_threshold <= 16, "phi threshold must be 1..16") &&
         check(gc_per_minute >= 0 && gc_per_minute <= 60, "GC pauses per minute must be 0..60") &&
         check(gc_pause_us >= 0 && gc_pause_us <= 10 * kUsPerS, "typical GC pause must be 0..10 s");
}

std::unique_ptr<Scenario> make_failure_detection_scenario(const FailureDetectionConfig& config) {
  return std::make_unique<FailureDetectionScenario>(config);
}

std::vector<SweepPoint> run_fd_sweep(const FailureDetectionConfig& config, uint64_t seed,
                                     const std::vector<DetectorSpec>& specs) {
  const std::vector<Arrival> arrivals = record_arrivals(config, seed);
  // One crash a minute, at a seeded moment within it.
  Rng rng(seed ^ 0xC2A5'11ED'0000'0001ull);
  std::vector<TimeUs> crashes_us;
  for (TimeUs minute_us = 0; minute_us + 60 * kUsPerS <= kSweepSpanUs; minute_us += 60 * kUsPerS)
    crashes_us.push_back(minute_us + rng.below(60 * kUsPerS));
  std::vector<SweepPoint> out;
  for (const DetectorSpec& spec : specs) out.push_back(replay(arrivals, crashes_us, spec, config.heartbeat_interval_us));
  return out;
}

std::vector<SweepPoint> fd_sweep(const Lab& lab, const std::vector<DetectorSpec>& specs) {
  const Heart& heart = dynamic_cast<const Heart&>(lab.engine().protocol(kHeart));
  return run_fd_sweep(watcher_of(lab).config(), heart.sweep_seed(), specs);
}

FdReport fd_report(const Lab& lab) {
  return judge(lab.trace(), watcher_of(lab));
}

}  // namespace sim
