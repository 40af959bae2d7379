// sim/replication.h — primary–secondary replication with heartbeat failure detection and
// failover (course lessons 2 and 5).
//
// Usage:
//   sim::ReplicationConfig config;            // 1 primary + 2 secondaries, async, no fencing
//   config.ack_mode = sim::AckMode::Sync;  config.fencing = true;
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_replication_scenario(config);
//
// Cast (node ids in this order): n1..n(secondaries+1) database nodes (n1 starts as primary of
// epoch 1), "mon" the failover coordinator (Patroni/Orchestrator-style: heartbeats, promotion,
// the client routing it publishes), then clients c1..cK.
//
// The behaviours the course promises (and the tests hold it to):
//  * Async ack (lesson 2): the primary acknowledges after its own append, so crashing it with
//    unreplicated acknowledged writes and failing over loses them.
//  * Sync ack: acknowledged only once every secondary holds the entry; semi-sync: one.
//  * Fencing off (lesson 5): an isolated old primary keeps accepting writes: split-brain.
//    Fencing on: the primary needs a lease renewed by the coordinator; the coordinator waits for
//    the old lease to run out before promoting; replicas reject appends of a stale epoch and
//    tell the old primary, which steps down.
//  * Planned switchover: drain writes, wait for the target to catch up, promote, demote: zero loss.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sim/scenario.h"
#include "sim/types.h"

namespace sim {

enum class AckMode : uint8_t {
  Async,     ///< acknowledge after the primary's own append
  SemiSync,  ///< ... after at least one secondary holds it
  Sync,      ///< ... after every secondary holds it
};

enum class ReadRouting : uint8_t {
  Primary,         ///< every read goes to the primary
  AnyReplica,      ///< any database node, chosen at random (may be stale)
  ReadYourWrites,  ///< a replica only if it has applied the session's last write, else primary
  MonotonicReads,  ///< one sticky replica, never behind the session's last read, else primary
};

constexpr int kMaxKeys = 8;

/// How a split-brain is prevented (lesson 5, "The split-brain problem"). The coordinator "mon"
/// runs beside the standby, so a partition that cuts the primary off looks to it like a crash.
enum class Prevention : uint8_t {
  None,     ///< the isolated primary keeps accepting writes while the standby takes over
  Witness,  ///< a third voter "wit": promotion needs its vote, and the primary stops accepting
            ///< writes when its lease from the coordinator or the witness (a majority) runs out
  Tokens,   ///< fencing tokens checked by the storage: replicas reject an older epoch, and the
            ///< primary acknowledges a write only once a replica has accepted it
  Stonith,  ///< the coordinator has the fencing device "pdu" power the old primary off before
            ///< promoting; in this two-site cluster the primary shoots its peer too (a race)
};

struct ReplicationConfig {
  /// Secondaries besides the primary (1..6).
  int secondaries = 2;
  /// When the primary acknowledges a write.
  AckMode ack_mode = AckMode::Async;
  /// Where clients send reads.
  ReadRouting read_routing = ReadRouting::Primary;
  /// Leases, epoch checks and step-down (see header comment).
  bool fencing = false;
  /// Split-brain prevention; extra nodes "wit" (witness) or "pdu" (fencing device) join the cast.
  Prevention prevention = Prevention::None;
  /// Witness: it sits in the primary's site instead of a third one.
  bool witness_with_primary = false;
  /// STONITH: a primary that lost the coordinator waits this long before shooting its peer (the
  /// tiebreaker delay of Pacemaker's pcmk_delay_max); 0 lets both sides shoot at once.
  TimeUs fence_delay_us = 0;
  /// STONITH: time the fencing device takes to power a node off and confirm it.
  TimeUs power_off_us = 1 * kUsPerS;
  /// Draw the nodes in sites (primary's, standby's, witness's) for the split-brain lab.
  bool sites = false;
  /// The coordinator promotes a secondary when the primary's heartbeats stop.
  bool auto_failover = true;
  /// Every database node sends the coordinator a heartbeat this often; also the coordinator's
  /// check period and the primary's retransmission period.
  TimeUs heartbeat_interval_us = 100 * kUsPerMs;
  /// Silence from the primary after which the coordinator fails over. With fencing the primary's
  /// lease is half of this, and it must span at least 2 heartbeats.
  TimeUs failover_timeout_us = 1000 * kUsPerMs;
  /// Time a secondary waits between receiving an entry and applying it (replica apply lag).
  TimeUs apply_delay_us = 0;
  /// A switchover whose target has not caught up by then is abandoned.
  TimeUs switchover_timeout_us = 5 * kUsPerS;
  /// Client processes (1..4), each with one operation outstanding at a time.
  int clients = 2;
  /// Built-in workload, operations per second over all clients (0 = only manual operations).
  int workload_ops_per_s = 20;
  /// Share of workload operations that are writes.
  int write_percent = 50;
  /// Keys the workload uses (1..kMaxKeys); values are small unique integers.
  int keys = 4;
  /// A client gives up on an operation after this long (the outcome of a write is then unknown).
  TimeUs op_timeout_us = 1000 * kUsPerMs;

  TimeUs lease_us() const { return failover_timeout_us / 2; }
  /// A primary accepts writes only while it holds a lease.
  bool leased() const { return fencing || prevention == Prevention::Witness; }
  /// Replicas reject appends of an older epoch and tell the sender.
  bool checks_tokens() const { return fencing || prevention == Prevention::Tokens; }
  bool validate(std::string* error) const;
};

std::unique_ptr<Scenario> make_replication_scenario(const ReplicationConfig& config);


/// Codes of the Note records the replication protocol writes (CheckerStats::notes index).
enum ReplicationNote : uint8_t {
  kNoteFailoverStart = 1,      ///< coordinator: primary silent, failover begins
  kNotePromoteAuto = 2,        ///< coordinator: promoted (automatic failover)
  kNotePromoteManual = 3,      ///< coordinator: promoted (operator command)
  kNotePromoteSwitchover = 4,  ///< coordinator: promoted (planned switchover completed)
  kNoteNoCandidate = 5,        ///< coordinator: no reachable secondary to promote
  kNoteSwitchoverStart = 6,    ///< coordinator: switchover asked, primary draining
  kNoteSwitchoverAbort = 7,    ///< coordinator: target did not catch up in time
  kNoteFenced = 8,             ///< database node: stepped down, a replica reported a newer epoch
  kNoteLeaseExpired = 9,       ///< database node: stepped down, its lease ran out
  kNoteVoteAsked = 10,         ///< coordinator: asks the witness to approve promoting peer
  kNoteVoteRefused = 11,       ///< witness: refuses, it still hears the primary (a = silence)
  kNoteVoteGranted = 12,       ///< witness: approves promoting peer
  kNoteFenceAsked = 13,        ///< coordinator or primary: asks the fencing device to power peer off
  kNotePoweredOff = 14,        ///< fencing device: peer is off (a = who asked)
  kNoteFailoverCalledOff = 15, ///< coordinator: the primary is heard again, no failover
  kNoteTokenRejected = 16,     ///< replica: rejected an append from peer (a = its epoch, b = ours)
};

/// Writes that split-brain or lag left on a deposed primary, which the surviving history lacks
/// (the cost of reconciling after the partition heals: GitHub, October 2018).
struct Divergence {
  int64_t writes = 0;        ///< client writes held (or thrown away) by deposed primaries only
  int64_t acknowledged = 0;  ///< of those, acknowledged as committed (the reply may not have arrived)
  int64_t keys_both_sides = 0;  ///< keys written on both sides: conflicts to merge by hand
};

class Lab;
/// The divergence in a replication lab's run right now.
Divergence replication_divergence(const Lab& lab);

}  // namespace sim
