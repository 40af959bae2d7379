// sim/fixture.h — named moves on a running lab, shared by tests, guided goals' demonstrations
// and the UI (STYLE.md #4, canonical/raft include/raft/fixture.h).
//
// Usage:
//   sim::Fixture f(*lab);
//   f.run_for(1 * sim::kUsPerS);
//   const sim::NodeId old = f.primary();
//   f.crash(old);                                         // logged as a command at now
//   sim::NodeId next = f.step_until_primary(5 * sim::kUsPerS, /*other_than=*/old);
//   f.partition({f.node("n1"), f.node("c1")});  f.heal();
//
// Every move is a logged command, so whatever a fixture did can be encoded, shared and replayed.
// Tie-break rules: primary() is the up primary with the newest epoch, lowest id on ties;
// step_until_* process one event at a time and stop at the first event after which the
// condition holds, or at the deadline (absolute simulated time).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "sim/lab.h"

namespace sim {

class Fixture {
 public:
  explicit Fixture(Lab& lab) : lab_(lab) {}

  Lab& lab() { return lab_; }
  /// Node id by name ("n1", "mon", "c2"); kNoNode if unknown.
  NodeId node(std::string_view name) const;
  NodeId primary() const { return lab_.primary(); }
  /// Message of the last move the lab refused ("" if none).
  const std::string& last_error() const { return error_; }

  void run_for(TimeUs duration_us) { lab_.advance_to(lab_.now_us() + duration_us); }
  /// True if `done` held before `deadline_us`.
  bool step_until(const std::function<bool()>& done, TimeUs deadline_us);
  /// Steps until a primary other than `other_than` is up; returns it, or kNoNode at the deadline.
  NodeId step_until_primary(TimeUs deadline_us, NodeId other_than = kNoNode);

  // Faults (lesson 5).
  bool crash(NodeId n) { return issue(Verb::Crash, n); }
  bool restart(NodeId n) { return issue(Verb::Restart, n); }
  bool pause(NodeId n) { return issue(Verb::Pause, n); }
  bool resume(NodeId n) { return issue(Verb::Resume, n); }
  bool skew(NodeId n, TimeUs skew_us) { return issue(Verb::Skew, n, -1, skew_us); }
  bool cut(NodeId from, NodeId to) { return issue(Verb::Cut, from, to); }
  bool uncut(NodeId from, NodeId to) { return issue(Verb::Uncut, from, to); }
  /// Cuts `group` off from every other node, both ways.
  bool partition(std::initializer_list<NodeId> group);
  bool heal() { return issue(Verb::Heal); }
  bool latency(NodeId from, NodeId to, TimeUs latency_us) { return issue(Verb::Latency, from, to, latency_us); }

  // Scenario actions.
  bool write(NodeId client, int32_t key, int64_t value) { return issue(Verb::Write, client, key, value); }
  bool read(NodeId client, int32_t key) { return issue(Verb::Read, client, key); }
  bool promote(NodeId n) { return issue(Verb::Promote, n); }
  bool switchover(NodeId n) { return issue(Verb::Switchover, n); }
  bool apply_delay(NodeId n, TimeUs delay_us) { return issue(Verb::ApplyDelay, n, -1, delay_us); }
  bool rate(int64_t ops_per_s) { return issue(Verb::Rate, kNoNode, -1, ops_per_s); }
  /// A scenario action by name ("add-server"); false (and last_error) if the lab has no such
  /// action or refuses it.
  bool act(std::string_view action, NodeId n = kNoNode, int64_t value = 0);

 private:
  bool issue(Verb verb, NodeId a = kNoNode, int32_t b = -1, int64_t value = 0);
  Lab& lab_;
  std::string error_;
};

/// Random faults for seed sweeps (tigerbeetle vopr.zig style): between start and end, a
/// sequence of fault windows — crash/restart, pause/resume, partition/heal, one-way cut/uncut —
/// each repaired before the next begins, on nodes of the lab drawn from `seed`. The result is
/// plain commands: a failing seed reproduces from its encoded run alone.
std::vector<Command> random_faults(const Lab& lab, uint64_t seed, TimeUs start_us, TimeUs end_us);

}  // namespace sim
