// sim/quorum.h — a Dynamo-style replicated key-value store with N, W and R quorums (course
// lesson 4, "Quorum-based consistency" and "CAP trade-offs in practice"; DeCandia et al.,
// "Dynamo: Amazon's highly available key-value store", SOSP 2007, sections 4.5-4.7).
//
// Usage:
//   sim::QuorumConfig config;                 // N=3, W=1, R=1, read repair on
//   config.w = 2;  config.r = 2;
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_quorum_scenario(config, network);
//
// Cast (node ids in this order): replicas r1..rN (every key lives on all N), then, with hinted
// handoff, the stand-ins h1 and h2, then clients c1..cK.
//
// The behaviours the course promises (and tests/unit/sim_quorum_test.cpp holds it to):
//  * Every replica is also a coordinator. Client ci sends its operations to one home replica
//    (c1 to r1, the last client to rN, the others spread between); after a silent timeout it
//    moves on to the next replica.
//  * A write gets a version (the coordinator's clock in microseconds, then the write id: last
//    writer wins), goes to all N replicas and is acknowledged once W of them have stored it.
//    A read asks all N and answers with the newest of the first R replies. Latency is
//    therefore the W-th (R-th) fastest reply. r1..r(N-1) share a zone; rN stands in a far
//    zone, `spread_us` of extra one-way latency from the others (a client sits next to its home
//    replica). Each request also takes a random service time (0-4 ms).
//  * W + R > N and unskewed clocks: any W replicas and any R replicas share one, so a read
//    that starts after a write was acknowledged never returns an older version (no stale
//    read). W + R <= N: the first R replies can all come from replicas the write has not
//    reached yet.
//  * A coordinator that cannot gather W (R) replies within `op_timeout_us` answers
//    "unavailable"; the client records the operation as failed (OpResult::Timeout). Replicas
//    that did store a failed write keep it (the lesson's "partially applied failed writes").
//  * Read repair: stale replies (also those after the first R) get the newest version back.
//  * Hinted handoff (sloppy quorum): a write still missing acknowledgements after
//    `handoff_after_us()` goes to a stand-in that stores it with a hint, acknowledges it
//    (counting toward W) and hands it to the home replica once that replica answers again.
//  * Anti-entropy: every `anti_entropy_us` a replica swaps its versions with a random peer,
//    so replicas converge after a partition heals even for keys nobody reads or writes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/command.h"
#include "sim/network.h"
#include "sim/scenario.h"

namespace sim {

constexpr int kQuorumMaxReplicas = 7;
constexpr int kQuorumMaxClients = 3;
constexpr int kQuorumMaxKeys = 8;
constexpr int kQuorumStandIns = 2;

struct QuorumConfig {
  /// N: replicas holding every key (1..7).
  int replicas = 3;
  /// W: replicas that must store a write before it is acknowledged (1..N).
  int w = 1;
  /// R: replies a read waits for (1..N).
  int r = 1;
  /// Offer the "set-w" and "set-r" actions (change W and R while the run goes on).
  bool live_quorums = true;
  bool read_repair = true;
  /// Sloppy quorum with two stand-in nodes (h1, h2) holding hinted writes.
  bool hinted_handoff = false;
  /// Extra one-way latency between the far replica rN and the others.
  TimeUs spread_us = 30 * kUsPerMs;
  /// Anti-entropy period per replica (0 = off).
  TimeUs anti_entropy_us = 0;
  /// Client processes (1..3), each with one operation outstanding at a time.
  int clients = 3;
  /// Built-in workload over all clients (0 = only manual operations).
  int workload_ops_per_s = 30;
  int write_percent = 50;
  /// Keys the workload uses (1..8).
  int keys = 2;
  /// A coordinator answers "unavailable" when W (R) replies have not come in by then.
  TimeUs op_timeout_us = 500 * kUsPerMs;
  /// Compute the CP-versus-AP comparison figure (the CAP lab); off inside that comparison.
  bool cap_comparison = false;

  bool validate(std::string* error) const;
  /// When a coordinator hands a write off to a stand-in: well after a healthy replica's reply.
  TimeUs handoff_after_us(const NetworkConfig& network) const {
    return 2 * (network.link.latency_us + network.link.jitter_us + spread_us) + 50 * kUsPerMs;
  }
};

std::unique_ptr<Scenario> make_quorum_scenario(const QuorumConfig& config, const NetworkConfig& network);

/// Names of the store's actions (Verb::Act), as in the scenario's vocabulary.
constexpr const char* kActSetW = "set-w";
constexpr const char* kActSetR = "set-r";
constexpr const char* kActSplit = "split";

/// One stretch of a run with fixed W and R (they change with the set-w / set-r actions).
struct QuorumPeriod {
  TimeUs from_us = 0;
  int w = 0;
  int r = 0;
};

/// The periods of a run that started with (w, r) and applied `commands` (those before
/// `until_us`); `actions` is the scenario's action list. Shared by the scenario's figure and
/// the lab's goals so both cut the run the same way.
std::vector<QuorumPeriod> quorum_periods(int w, int r, const std::vector<Command>& commands,
                                         const std::vector<ActionSpec>& actions, TimeUs until_us);

/// The partition group the "split" action isolates: the last floor(N/2) replicas and the last
/// client (when there are two or more). The rest keep a majority of the replicas.
int64_t quorum_minority_mask(const QuorumConfig& config);

/// Codes of the Note records the store writes (CheckerStats::notes index).
enum QuorumNote : uint8_t {
  kNoteStored = 1,      ///< replica: key a now holds version (ts b, write id c)
  kNoteRepair = 2,      ///< coordinator: sent the newest version of key a to a stale replica
  kNoteHinted = 3,      ///< stand-in: holds a hinted write for replica (peer) on key a
  kNoteHandedOff = 4,   ///< stand-in: the hinted write reached its replica (peer)
  kNoteUnavailable = 5, ///< coordinator: fewer than W (R) replies in time, client told so
};

}  // namespace sim
