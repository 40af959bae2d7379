// sim/lab.h — a lab = a scenario + settings + seed + command log, run on the engine, with the
// checkers, metrics and guided goals the UI shows. The UI only reads a Lab and issues commands.
//
// Usage:
//   const sim::LabInfo* info = sim::find_lab("replication-failover");
//   sim::RunSpec run = sim::default_run(*info, /*seed=*/42);
//   std::string error;
//   std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
//   lab->advance_to(lab->now_us() + frame_us);               // per frame; pause = don't call
//   lab->issue({0, sim::Verb::Crash, lab->primary()}, &error);  // at now
//   for (const sim::NodeView& n : lab->nodes()) ...           // draw
//   std::string link = sim::encode_run(lab->run());           // share / reload
//   // Rewind or scrub to t: rebuild from the log and replay (fast: a minute runs in ~ms).
//   lab = sim::Lab::create(lab->run(), &error);  lab->advance_to(t);
//   // Branch from the past: create from run().truncated_after(t), advance_to(t), then issue().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/checkers.h"
#include "sim/command.h"
#include "sim/engine.h"
#include "sim/run.h"
#include "sim/scenario.h"

namespace sim {

class Lab;
class Fixture;

/// One tunable of a lab. Values are integers; enum settings name each value in `choices`.
struct SettingSpec {
  const char* key;                ///< URL key, e.g. "mode"
  const char* doc;                ///< one line for the UI
  int64_t min;
  int64_t max;
  int64_t def;                    ///< this lab's default
  const char* const* choices;     ///< names of values 0..max, or nullptr for plain numbers
};

/// A guided goal: a predicate over the run, and a demonstration made of fixture moves.
struct GoalSpec {
  const char* id;
  const char* title;
  const char* hint;
  /// Settings (key, value) the demonstration starts from, on top of the lab's defaults.
  std::vector<std::pair<const char*, int64_t>> demo_settings;
  bool (*met)(const Lab& lab);
  void (*demo)(Fixture& fixture);
};

/// "Predict, then run": the learner commits to one of `choices`, the lab runs `run` from
/// `settings` on the learner's seed, and `outcome` reads the run to say which choice it bore
/// out — the answer comes from the simulation, so it holds for every seed the test sweeps.
struct PredictSpec {
  const char* id;
  const char* question;
  std::vector<const char*> choices;
  /// Settings (key, value) the run starts from, on top of the lab's defaults.
  std::vector<std::pair<const char*, int64_t>> settings;
  void (*run)(Fixture& fixture);
  /// Index into `choices` of what happened in this run.
  int (*outcome)(const Lab& lab);
  /// Why, with this run's figures: "12 of 40 keys moved (30%): hash mod N ...".
  std::string (*explain)(const Lab& lab);
};

/// Panels a lab shows (message-passing labs show all; model labs may skip the message views).
enum LabViews : uint32_t {
  kViewCluster = 1, kViewTimeline = 2, kViewCharts = 4, kViewCheckers = 8, kViewFigures = 16,
  kViewAll = 31,
};

/// What the cluster view draws behind the nodes.
enum class Backdrop : uint8_t { None, World };

struct LabInfo {
  const char* id;      ///< as in content/course.json "labs"
  const char* title;
  const char* lesson;  ///< lesson id hosting the lab
  std::vector<SettingSpec> settings;
  std::vector<GoalSpec> goals;
  /// Builds the scenario for these settings (one value per SettingSpec) and fills the network
  /// config; nullptr with *error when the combination is invalid.
  std::unique_ptr<Scenario> (*make)(const std::vector<int64_t>& settings, NetworkConfig* network,
                                    std::string* error);
  std::vector<PredictSpec> predictions = {};
  /// Findings the checkers panel lists for this lab (each shown with its count, ✓ at zero).
  std::vector<FindingKind> checks = {FindingKind::StaleRead, FindingKind::LostWrite, FindingKind::SplitBrain,
                                     FindingKind::NotLinearizable};
  uint32_t views = kViewAll;
  Backdrop backdrop = Backdrop::None;
};

/// Every lab, in a stable order.
const std::vector<LabInfo>& labs();
const LabInfo* find_lab(std::string_view id);
/// Registered by each protocol family, one file each (replication_labs.cpp, raft_labs.cpp, ...).
std::vector<LabInfo> replication_labs();
std::vector<LabInfo> cluster_labs();  // lesson 1 cluster explorer
std::vector<LabInfo> sharding_labs();  // lesson 3 partitioning and sharding
std::vector<LabInfo> quorum_labs();  // lesson 4 quorums and CAP
std::vector<LabInfo> conflict_labs();  // lessons 2 and 4: topologies, multi-master, conflicts, CRDTs, consistency models
std::vector<LabInfo> failure_detection_labs();  // lesson 5 failure detection
std::vector<LabInfo> raft_labs();  // lesson 5 Raft
std::vector<LabInfo> region_labs();  // lesson 6 multi-region
std::vector<LabInfo> backup_labs();  // lesson 6 backups and point-in-time recovery
std::vector<LabInfo> migration_labs();  // lesson 6 blue-green migration
std::vector<LabInfo> pooling_labs();  // lesson 6 connection pooling
std::vector<LabInfo> caching_labs();  // lesson 6 caching

/// A run of `info` with its default settings and no commands.
RunSpec default_run(const LabInfo& info, uint64_t seed);
/// Index of setting `key` in info.settings, or -1.
int setting_index(const LabInfo& info, std::string_view key);
/// The value of setting `key` in `values`, laid out as `schema`; 0 when there is no such setting.
/// Families read their make() arguments with it.
int64_t setting_value(const std::vector<SettingSpec>& schema, const std::vector<int64_t>& values, std::string_view key);
/// "setting 'mode' must be async or semisync or sync" — the error for an out-of-range value.
std::string describe_setting(const SettingSpec& spec);
/// Checks everything: lab id, settings ranges and combination, commands (nodes, arguments,
/// non-decreasing times). Used by decode_run and Lab::create.
bool validate_run(const RunSpec& run, std::string* error);

struct LinkView {
  NodeId from;
  NodeId to;
  bool cut;  ///< messages from -> to are dropped
};

struct MessageView {
  uint32_t id;
  NodeId from;
  NodeId to;
  TimeUs sent_us;
  TimeUs deliver_us;  ///< kNever while held by a paused receiver
  std::string label;  ///< e.g. "append #12 e1"
};

/// Regularly sampled series; series[i][k] was sampled at times_us[k].
struct Metrics {
  TimeUs interval_us = 0;
  std::vector<MetricSpec> specs;
  std::vector<TimeUs> times_us;
  std::vector<std::vector<int64_t>> series;
};

struct GoalStatus {
  std::string id;
  std::string title;
  std::string hint;
  bool met = false;
};

struct LabOptions {
  /// Keep every trace record (the timeline view needs them; benches may not).
  bool keep_trace = true;
  /// Metric sampling period.
  TimeUs sample_interval_us = 100 * kUsPerMs;
};

class Lab : private HostHandler {
 public:
  /// nullptr (and *error) when validate_run fails.
  static std::unique_ptr<Lab> create(const RunSpec& run, std::string* error, const LabOptions& options = {});

  const LabInfo& info() const { return *info_; }
  /// The run so far, including commands issued live: encode it to share or replay it.
  const RunSpec& run() const { return run_; }
  int64_t setting(std::string_view key) const;

  // --- Time -------------------------------------------------------------------------------------
  TimeUs now_us() const { return engine_->now_us(); }
  /// Runs every event (and logged command) up to t.
  void advance_to(TimeUs t_us) { engine_->run_until(t_us); }
  /// Runs one event; false when nothing is left.
  bool step() { return engine_->step(); }

  // --- Commands -------------------------------------------------------------------------------
  /// Logs `cmd` at now (its time field is overwritten) and applies it, with everything it causes
  /// at this instant. False (and *error) if the command is invalid for this lab.
  bool issue(Command cmd, std::string* error);
  /// True if issue(cmd) would be accepted now (the UI offers only commands a lab accepts).
  bool accepts(const Command& cmd) const;

  // --- Views ----------------------------------------------------------------------------------
  std::vector<NodeView> nodes() const;
  /// The up primary (or leader) with the newest epoch, ties to the lowest id; kNoNode if none.
  NodeId primary() const;
  std::vector<LinkView> links() const;
  std::vector<MessageView> messages() const;
  const Metrics& metrics() const { return metrics_; }
  const std::vector<Finding>& findings() const { return checkers_->findings(); }
  const Checkers& checkers() const { return *checkers_; }
  std::vector<GoalStatus> goals() const;
  /// The scenario's figures right now.
  std::vector<Figure> figures() const;
  /// The scenario's actions (Verb::Act, Command::b indexes them).
  const std::vector<ActionSpec>& actions() const { return scenario_->vocabulary().actions; }
  /// Human form of a command, e.g. "crash n1", "add-server".
  std::string describe(const Command& c) const;
  LinearizabilityReport check_linearizability(const LinearizabilityLimits& limits = {}) const {
    return checkers_->check_linearizability(limits);
  }

  // --- Trace ----------------------------------------------------------------------------------
  const Engine& engine() const { return *engine_; }
  const TraceLog& trace() const { return engine_->trace().events(); }
  uint64_t trace_hash() const { return engine_->trace().hash(); }
  std::string trace_line(const TraceEvent& e) const;
  /// Every kept record, one line each.
  std::string trace_text() const;

 private:
  Lab() = default;
  void on_host_event(uint32_t tag) override;
  void apply(const Command& cmd);
  void sample();

  const LabInfo* info_ = nullptr;
  RunSpec run_;
  LabOptions options_;
  std::unique_ptr<Scenario> scenario_;
  std::unique_ptr<Checkers> checkers_;
  std::vector<std::unique_ptr<TraceSink>> extra_checkers_;
  std::unique_ptr<Engine> engine_;
  Metrics metrics_;
  int64_t last_ops_acked_ = 0;
};

}  // namespace sim
