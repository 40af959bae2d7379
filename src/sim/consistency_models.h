// sim/consistency_models.h — one history judged against six consistency models (lesson 4
// "Consistency models"): linearizable, sequential, causal, read-your-writes, monotonic reads and
// eventual, each verdict naming the operations that break it.
//
// Usage:
//   sim::History h;                       // ops with sessions, real times, replicas; version ranks
//   h.ops.push_back({0, sim::OpKind::Write, 0, 1, 0, 10, 0});   // session 0 writes id 1 to key 0
//   for (const sim::ModelVerdict& v : sim::judge(h)) ... v.holds, v.violating ...
//
// Definitions (a write's id is its value; a read returns one write id or 0, the initial value):
//   linearizable  Herlihy & Wing 1990: per key, a single order consistent with real time
//                 (sim/linearizability.h, WGL search).
//   sequential    Lamport 1979: one order of all operations that keeps each session's order
//                 (real time ignored) in which every read returns the latest write (exhaustive
//                 search with memoization; histories here are small).
//   causal        Bouajjani, Enea, Guerraoui & Hamza, "On verifying causal consistency", POPL
//                 2017 (CC bad patterns): with happens-before = (session order ∪ reads-from)+, a
//                 read must not return a write that another write of the same key, causally
//                 between them, overwrote (WriteCORead), nor the initial value when a write of
//                 its key happens before it (WriteCOInitRead), and happens-before must be acyclic.
//   read-your-writes, monotonic reads   Terry et al. 1994 (sim/session_checkers.h), by rank.
//   eventual      once writes stop, every replica holds the same state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/trace.h"
#include "sim/types.h"

namespace sim {

struct HistoryOp {
  int session = 0;
  OpKind kind = OpKind::Read;
  int32_t key = 0;
  int64_t write_id = 0;  ///< write: its own id (> 0); read: the id it returned (0 = initial)
  TimeUs invoke_us = 0;
  TimeUs complete_us = 0;
  int replica = 0;       ///< which replica served it
};

struct History {
  std::vector<HistoryOp> ops;  ///< completed operations, in invocation order
  /// Version order: rank[write id] (higher = newer); the order replicas settle on.
  std::vector<int64_t> rank;
  /// Per replica, the write id it holds per key once writes stopped; empty = not quiescent yet.
  std::vector<std::vector<int64_t>> final_states;
};

enum class Model : uint8_t { Linearizable, Sequential, Causal, ReadYourWrites, MonotonicReads, Eventual };
constexpr int kModels = 6;
const char* model_name(Model model);

struct ModelVerdict {
  Model model = Model::Linearizable;
  bool holds = true;
  bool pending = false;              ///< eventual: the replicas are not quiescent yet
  std::vector<size_t> violating;     ///< indices into History::ops
  std::string why;                   ///< one sentence, "" when it holds
};

/// Every model, strongest first.
std::vector<ModelVerdict> judge(const History& history, const std::vector<std::string>& session_names,
                                const std::vector<std::string>& key_names);

/// "carol read post -> (initial)" / "alice wrote post = 1".
std::string describe_op(const HistoryOp& op, const std::vector<std::string>& session_names,
                        const std::vector<std::string>& key_names);

}  // namespace sim

namespace sim {

/// The histories of the consistency-models lab (lesson 4), each played out by sessions alice,
/// bob and carol against replicas r1..r3 at fixed times, then judged as it unfolds.
enum class Story : uint8_t { AliceBob, StaleRead, OwnWrite, TimeTravel, Diverge, Strong };
constexpr int kStories = 6;

std::unique_ptr<Scenario> make_consistency_scenario(Story story);

}  // namespace sim
