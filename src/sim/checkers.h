// sim/checkers.h — safety checkers that read the trace and never steer the run (STYLE.md #5,
// LogCabin RaftConsensusInvariants.cc, tigerbeetle state_checker.zig).
//
// Usage:
//   sim::Checkers checkers(engine.names());
//   engine.trace().add_sink(&checkers);                 // fed every record as it happens
//   engine.run_until(t);
//   for (const sim::Finding& f : checkers.findings()) puts(f.text.c_str());
//   sim::LinearizabilityReport r = checkers.check_linearizability({});   // on demand, bounded
//
// What each checker reports (lesson 2 "replication lag may cause stale reads"; lesson 5 "split
// brain", "prevent data loss"):
//   StaleRead   a read returned a version older than a write that was acknowledged before the
//               read was invoked (the version's own write completed before that write began).
//   LostWrite   an acknowledged write is absent from the log of the newest primary (checked when
//               a node becomes primary, and when a deposed primary acknowledges a write).
//   SplitBrain  two nodes accepted client writes as primary during overlapping periods.
//   NotLinearizable  a key's read/write history has no linearization (on demand, WGL).
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "sim/chunked_log.h"
#include "sim/flat_map.h"
#include "sim/linearizability.h"
#include "sim/trace.h"
#include "sim/types.h"

namespace sim {

enum class FindingKind : uint8_t {
  StaleRead, LostWrite, SplitBrain, NotLinearizable,
  // Raft safety properties (Raft dissertation §3.6.3 figure 3.2), checked by a scenario's own
  // checker over the same trace.
  ElectionSafety, LogMatching, LeaderCompleteness, StateMachineSafety,
  // Multi-writer anomalies (lessons 2 and 4): a later write silently discarded, replicas that
  // disagree after everything was delivered, a guarantee of a consistency model broken.
  SilentOverwrite, Divergence, ConsistencyViolation,
};
constexpr int kFindingKinds = 11;
const char* finding_kind_name(FindingKind kind);
/// Plural title for the checkers panel, e.g. "Stale reads".
const char* finding_kind_title(FindingKind kind);

struct Finding {
  FindingKind kind = FindingKind::StaleRead;
  TimeUs time_us = 0;
  NodeId node = kNoNode;   ///< the node at fault (served the read, lacks the write, ...)
  NodeId other = kNoNode;  ///< the second node involved, if any
  std::string text;        ///< one human sentence
};

/// Counters the labs' goals and metrics read.
struct CheckerStats {
  int64_t writes_acked = 0;
  int64_t reads_acked = 0;
  int64_t timeouts = 0;
  /// Nodes that became primary of a newer epoch than any before (failovers and switchovers).
  int64_t promotions = 0;
  /// Note records per code (codes are protocol-defined, < 32).
  std::array<int64_t, 32> notes{};
};

struct LinearizabilityReport {
  Verdict verdict = Verdict::Linearizable;  ///< worst over all keys (Not > Unknown > Ok)
  int keys_checked = 0;
  int keys_unknown = 0;
  std::vector<Finding> findings;
};

class Checkers : public TraceSink {
 public:
  explicit Checkers(std::vector<std::string> names);

  void on_trace(const TraceEvent& e) override;
  uint32_t kinds() const override {
    return kind_bit(TraceKind::Invoke) | kind_bit(TraceKind::Complete) | kind_bit(TraceKind::Role) |
           kind_bit(TraceKind::Append) | kind_bit(TraceKind::Truncate) | kind_bit(TraceKind::Note);
  }
  /// Records a finding; scenario-specific checkers (Scenario::make_checkers) report here too.
  void report(FindingKind kind, TimeUs t_us, NodeId node, NodeId other, std::string text);

  const std::vector<Finding>& findings() const { return findings_; }
  int count(FindingKind kind) const { return counts_[static_cast<size_t>(kind)]; }
  const CheckerStats& stats() const { return stats_; }

  /// Acknowledged writes missing from `node`'s log right now (what a failover to it would lose).
  int64_t acked_writes_missing_on(NodeId node) const;
  /// Acknowledged writes present on no node but `node` (what crashing it would put at risk).
  int64_t acked_writes_only_on(NodeId node) const;

  /// One register history per key, in invocation order.
  std::vector<RegisterOp> history(int32_t key) const;
  /// Runs the bounded WGL check on every key's history.
  LinearizabilityReport check_linearizability(const LinearizabilityLimits& limits) const;

 private:
  struct Op {
    OpKind kind;
    NodeId client;
    int32_t key;
    int64_t seq;
    int64_t value;
    int64_t write_id;  // write: own id; completed read: observed id
    TimeUs invoke_us;
    TimeUs complete_us;  // kNever until acknowledged
    bool ok;
    NodeId served_by;  // node that acknowledged it
  };
  struct Acked {  // a write acknowledged to its client, in acknowledgement order
    TimeUs ack_us;
    size_t op;
    size_t latest_invoked;  // among this and earlier acks of the key, the op invoked last
  };
  struct NodeState {
    bool primary = false;
    int64_t epoch = 0;
    TimeUs primary_since_us = 0;
    TimeUs last_accept_us = -1;  // last client write accepted in the current primary stint
    std::vector<int64_t> log;    // write ids by position (0 = noop)
    // Copies in the log of each client write, by op index (a byte per write: a long busy run
    // has millions of writes on up to 16 nodes).
    std::vector<uint8_t> held;
  };

  void on_invoke(const TraceEvent& e);
  void on_complete(const TraceEvent& e);
  void on_role(const TraceEvent& e);
  void on_append(const TraceEvent& e);
  void check_stale_read(const Op& read);
  void check_lost_on_primary(NodeId primary);
  void report_lost(size_t op, NodeId primary);
  void truncate_log(NodeState& n, size_t length);
  void check_accept_overlap(NodeId node, TimeUs t_us);
  bool log_has(NodeId node, int64_t write_id) const;
  bool holds(NodeId node, size_t op) const;
  void count_copy(NodeState& n, int64_t write_id, int delta);
  std::vector<const Op*> key_ops(int32_t key) const;
  std::string describe_write(const Op& w) const;

  std::vector<std::string> names_;
  std::vector<Finding> findings_;
  std::array<int, kFindingKinds> counts_{};
  CheckerStats stats_;
  ChunkedLog<Op> ops_;  // every invoked operation, in invocation order
  std::vector<size_t> open_op_;  // per client: index of its latest invoked op
  FlatMap<size_t> write_op_;   // write id -> op
  std::vector<std::vector<Acked>> acked_by_key_;
  std::vector<size_t> acked_writes_;  // op indices, acknowledgement order
  std::vector<NodeState> nodes_;
  NodeId newest_primary_ = kNoNode;
  int64_t newest_epoch_ = 0;
  FlatMap<bool> reported_lost_;  // write ids already reported lost
  std::set<std::tuple<NodeId, NodeId, int64_t, int64_t>> reported_split_;
};

}  // namespace sim
