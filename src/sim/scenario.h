// sim/scenario.h — what a lab plugs into the engine: its nodes and protocols, its commands,
// and how its nodes look to the UI. Each protocol family (replication now; Raft, quorums,
// multi-master later) implements one Scenario; the Lab, the run codec, the checkers, metrics,
// goals and fixture stay the same (STYLE.md #12).
//
// Usage (what Lab does):
//   std::unique_ptr<sim::Scenario> s = info.make(settings, &network, &error);
//   s->build(engine);  engine.start();
//   if (s->validate(cmd, &error)) s->apply(engine, cmd);
//   s->describe(engine, node, view);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/command.h"
#include "sim/engine.h"
#include "sim/figure.h"
#include "sim/trace.h"
#include "sim/types.h"

namespace sim {

/// One node as the UI shows it.
struct NodeView {
  NodeId id = kNoNode;
  std::string name;
  const char* kind = "";        ///< "db", "monitor", "client"
  Role role = Role::None;
  NodeStatus status = NodeStatus::Up;
  int64_t epoch = 0;            ///< epoch/term the node believes in
  int64_t log_length = 0;       ///< last log position it holds
  int64_t applied_pos = 0;      ///< last log position applied to its key-value state
  int64_t lag_entries = 0;      ///< log positions behind the newest primary (0 for it)
  TimeUs lag_us = 0;            ///< age of the oldest entry it has not applied yet
  TimeUs skew_us = 0;           ///< its clock offset
  bool draining = false;        ///< a primary refusing writes for a switchover
  std::string group;            ///< rack, zone or region it sits in ("" = none)
  std::string detail;           ///< one short line under the name, e.g. "term 3 · commit 12"
  /// Where to draw it, as fractions of the view (0..1); negative = laid out automatically.
  /// With a world backdrop: x = (longitude + 180) / 360, y = (90 - latitude) / 180.
  float x = -1, y = -1;
};

/// Name and unit of one sampled time series.
struct MetricSpec {
  std::string name;
  std::string unit;
};

class Checkers;

class Scenario {
 public:
  virtual ~Scenario() = default;
  /// Node names in id order (stable for a given set of settings; used to decode commands).
  virtual std::vector<std::string> names() const = 0;
  /// Adds the nodes to the engine, in names() order.
  virtual void build(Engine& engine) = 0;
  virtual const Vocabulary& vocabulary() const = 0;
  /// True when the scenario can apply this (scenario) verb to these arguments.
  virtual bool validate(const Command& cmd, std::string* error) const = 0;
  /// Applies a scenario verb (Write, Read, Promote, Switchover, ApplyDelay, Rate).
  virtual void apply(Engine& engine, const Command& cmd) = 0;
  virtual void describe(const Engine& engine, NodeId node, NodeView& view) const = 0;
  /// Whether the clients' operations are traced as Invoke/Complete records. The lab's built-in
  /// "throughput" series counts their acknowledgements; scenarios that model their own load
  /// (a pool's transactions, a cache's reads) or have none chart their own series instead of a
  /// throughput line that would read 0 for the whole run.
  virtual bool traces_client_ops() const { return true; }
  /// Scenario-specific series, sampled by sample() in the same order.
  virtual std::vector<MetricSpec> metrics() const = 0;
  virtual void sample(const Engine& engine, std::vector<int64_t>& row) const = 0;
  /// Figures computed from the current state (shard sizes, restore points, Raft logs, a ring).
  virtual void figures(const Engine& /*engine*/, std::vector<Figure>& /*out*/) const {}
  /// Extra trace checkers this protocol family needs (Raft safety, consistency models). Each
  /// reads the trace and reports into `report_to`; none may change the run.
  virtual std::vector<std::unique_ptr<TraceSink>> make_checkers(Checkers& /*report_to*/,
                                                                const std::vector<std::string>& /*names*/) const {
    return {};
  }
};

}  // namespace sim
