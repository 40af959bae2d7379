// sim/multimaster.h — replicas that pass changes along a topology, with one writer
// (primary–secondary) or many (multi-master), and the conflict-resolution strategy that merges
// concurrent writes (lesson 2 "Replication topologies", "Multi-primary replication"; lesson 4
// "Conflict resolution", "CRDTs").
//
// Usage:
//   sim::MultiMasterConfig config;                      // 6 nodes, star, primary-secondary, LWW
//   config.topology = sim::ReplicaTopology::Chain;  config.mode = sim::WriteMode::MultiMaster;
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_multimaster_scenario(config);
//
// Cast: m1..mN, all database nodes; each also runs its own workload (in primary–secondary mode
// only m1 accepts writes). What the course promises and the tests hold it to:
//  * A change travels only along topology edges, carrying its origin: star (m1 is the hub),
//    chain (m1 - m2 - ... - mN), ring (m1 -> m2 -> ... -> mN -> m1, one way; a node never passes
//    a change back to its origin, like MySQL's server_id check) and mesh (the origin sends to
//    every peer). Each node also remembers the changes it has applied (a seen-set), so copies
//    and loops stop. A change waits `hop_delay_us` at each node before it is applied and passed
//    on, so lag grows with hops: the last node of a chain lags (N-1) hops, a star's leaves one.
//  * A crashed node passes nothing on: in a chain or ring everything downstream stops receiving.
//    Anti-entropy: every `anti_entropy_us` a node tells its upstream neighbours how much of each
//    origin's changes it holds, and they resend the rest, so a restarted node or a healed
//    partition catches up (nodes cut off behind a crashed one still wait for it).
//  * Replicas ship state, not operations (state-based replication): a change carries the
//    origin's state of the key after the write, and receivers merge it with the strategy:
//      lww   the highest (timestamp, node) wins, timestamps from the writer's (skewable) clock:
//            a write made later in real time by a node whose clock is behind is silently lost;
//      vv    version vectors keep concurrent writes as siblings (Riak);
//      merge the application merges siblings on its next write: a shopping cart takes the
//            union of items (Dynamo §4.4);
//      crdt  a G-Counter, PN-Counter or OR-Set (sim/crdt.h): converges in any delivery order.
//  * Every node keeps a version vector of what it has seen, only to tell the checker whether an
//    overwritten write was seen by its winner (a plain update) or not (a silent loss).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sim/scenario.h"

namespace sim {

enum class ReplicaTopology : uint8_t { Star, Chain, Ring, Mesh };
enum class WriteMode : uint8_t { PrimarySecondary, MultiMaster };
enum class Strategy : uint8_t { Lww, VersionVectors, AppMerge, Crdt };
enum class CrdtKind : uint8_t { GCounter, PNCounter, OrSet };

constexpr int kMaxReplicas = 6;
/// Cart items and OR-Set elements are 1..kMaxItems (a cart is a bit mask of items).
constexpr int64_t kMaxItems = 60;

struct MultiMasterConfig {
  /// Database nodes m1..mN (2..6).
  int nodes = 6;
  ReplicaTopology topology = ReplicaTopology::Star;
  WriteMode mode = WriteMode::PrimarySecondary;
  Strategy strategy = Strategy::Lww;
  CrdtKind crdt = CrdtKind::GCounter;
  /// Keys the workload writes (1..8).
  int keys = 4;
  /// Workload writes per second over all writers (0 = only manual writes).
  int writes_per_s = 10;
  /// Time each node holds a change before applying it and passing it on.
  TimeUs hop_delay_us = 20 * kUsPerMs;
  /// Period of the anti-entropy exchange (0 = none).
  TimeUs anti_entropy_us = 1 * kUsPerS;

  bool validate(std::string* error) const;
};

std::unique_ptr<Scenario> make_multimaster_scenario(const MultiMasterConfig& config);

/// Codes of the Note records the multi-master nodes write.
enum MultiMasterNote : uint8_t {
  kNoteApplied = 1,   ///< peer = origin, a = change index, b = hops from the origin
  kNoteOverwrite = 2, ///< LWW discarded a write its winner never saw: a = lost write id, b = winner's
  kNoteSiblings = 3,  ///< a merge left concurrent siblings: a = key, b = how many
};

}  // namespace sim
