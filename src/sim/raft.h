// sim/raft.h — Raft consensus (course lesson 5, "Raft"): leader election, log replication,
// commitment and client requests, following Ongaro's dissertation "Consensus: Bridging Theory
// and Practice" (2014). Comments in raft.cpp cite its sections (§3.4 election, §3.5 replication,
// §3.6 safety, §3.10 leadership transfer, §6.3 exactly-once, §6.4 ReadIndex, §9.6 pre-vote).
//
// Usage:
//   sim::RaftConfig config;                   // 5 servers, 2 clients, timeouts 150-300 ms
//   config.read_mode = sim::RaftReadMode::Local;  config.prevote = true;
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_raft_scenario(config);
//
// Cast (node ids in this order): servers s1..sN, then clients c1..cK.
//
// What the course promises (and the tests hold it to):
//  * At most one leader per term; a leader is elected within a few election timeouts whenever a
//    majority can talk, and equal timeouts (spread 0) split the vote again and again.
//  * A write is acknowledged only once a majority stores it; a leader cut off in a minority
//    never commits, and its uncommitted entries are overwritten after the partition heals.
//  * Reads: ReadIndex (default) confirms leadership with a majority first, so no read is stale;
//    local reads let a deposed leader answer with old data (the lesson's correction callout).
//  * A server that cannot hear the leader but can still send keeps deposing it with higher
//    terms (a disruptive server); pre-vote stops that.
//  * The four safety properties of §3.6.3 (figure 3.2) hold under crashes, partitions, message
//    loss, duplication and reordering; raft_checkers.h checks them on the trace.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sim/scenario.h"
#include "sim/types.h"

namespace sim {

enum class RaftReadMode : uint8_t {
  Local,      ///< the leader answers from its own state machine at once (may be stale)
  ReadIndex,  ///< §6.4: note the commit index, confirm leadership with a majority, then answer
};

constexpr int kRaftMaxServers = 7;
constexpr int kRaftKeys = 8;  ///< keys 0..7 exist; the workload uses the first `keys`

struct RaftConfig {
  /// Servers (3..7).
  int servers = 5;
  /// Election timeouts are drawn uniformly from [min, min + spread] (§3.4); spread 0 makes every
  /// server's timeout equal.
  TimeUs election_min_us = 150 * kUsPerMs;
  TimeUs election_spread_us = 150 * kUsPerMs;
  /// The leader's heartbeat (empty AppendEntries) period; also its retransmission period.
  TimeUs heartbeat_us = 50 * kUsPerMs;
  RaftReadMode read_mode = RaftReadMode::ReadIndex;
  /// §9.6 pre-vote, with §4.2.3's rule that a follower that heard from a leader within the
  /// minimum election timeout refuses votes: stops a server that cannot hear from deposing leaders.
  bool prevote = false;
  /// Client processes (1..4), each with one operation outstanding.
  int clients = 2;
  /// Built-in workload, operations per second over all clients (0 = only manual operations).
  int workload_ops_per_s = 0;
  /// Share of workload operations that are writes.
  int write_percent = 50;
  /// Keys the workload uses (1..kRaftKeys).
  int keys = 2;
  /// A client gives up on an operation after this long (a write's outcome is then unknown).
  TimeUs op_timeout_us = 2 * kUsPerS;

  int majority() const { return servers / 2 + 1; }
  bool validate(std::string* error) const;
};

std::unique_ptr<Scenario> make_raft_scenario(const RaftConfig& config);

/// Codes of the Note records Raft servers write (CheckerStats::notes index).
enum RaftNote : uint8_t {
  kRaftNoteCommit = 1,     ///< commit index advanced: a = old, b = new
  kRaftNoteSplitVote = 2,  ///< a candidate's election timed out without a majority: a = term
  kRaftNoteDeposed = 3,    ///< a leader stepped down for a RequestVote of a higher term: peer, a = term
  kRaftNoteDiscard = 4,    ///< uncommitted entries overwritten: a = first index, b = count, c = client writes
  kRaftNoteDropped = 5,    ///< the operator dropped a message to this server: peer = sender, a = type
  kRaftNoteElected = 6,    ///< won an election: a = term, b = votes
  kRaftNotePreVote = 7,    ///< started a pre-vote round (§9.6): a = the term it would stand for
  kRaftNoteTimeoutNow = 8, ///< told to start an election at once (§3.10): a = term
};

}  // namespace sim
