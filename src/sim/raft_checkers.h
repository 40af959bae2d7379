// sim/raft_checkers.h — Raft's safety properties (dissertation §3.6.3, figure 3.2) checked on
// the trace, outside the algorithm (STYLE.md #5, LogCabin RaftConsensusInvariants.cc): they read
// Role, Append, Truncate and commit Note records and never steer the run.
//
// Usage (what the Raft scenario's make_checkers does):
//   auto checker = std::make_unique<sim::RaftCheckers>(checkers, engine.names());
//   engine.trace().add_sink(checker.get());   // after `checkers`, which it reports to
//
// What it reports:
//   ElectionSafety      two servers became leader of the same term.
//   LogMatching         two logs hold an entry with the same index and term but differ at or
//                       before that index (each log is summarised by a prefix hash per index).
//   LeaderCompleteness  a new leader of term T lacks an entry committed in a term before T.
//   StateMachineSafety  a server committed (and so applied) a different entry at an index than
//                       another server committed there.
//   LostWrite           a new leader lacks a write that a client was told had succeeded (the
//                       client-visible face of leader completeness; reported once per term).
// Each is reported once per index or term, so a broken run does not flood the panel.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/checkers.h"
#include "sim/trace.h"

namespace sim {

class RaftCheckers : public TraceSink {
 public:
  RaftCheckers(Checkers& report_to, std::vector<std::string> names);
  void on_trace(const TraceEvent& e) override;

 private:
  struct ServerLog {
    std::vector<uint64_t> prefix;  // prefix[i]: hash of entries 1..i+1 (terms and write ids)
    std::vector<int32_t> terms;
    int64_t term = 0;
  };

  void on_role(const TraceEvent& e);
  void on_append(const TraceEvent& e);
  void on_commit(const TraceEvent& e);
  void report(FindingKind kind, const TraceEvent& e, NodeId other, std::string text);
  std::string name(int node) const { return node_name(names_, node); }

  Checkers& out_;
  std::vector<std::string> names_;
  std::vector<ServerLog> logs_;
  std::map<int64_t, NodeId> leader_of_term_;
  std::map<std::pair<int64_t, int32_t>, std::pair<uint64_t, NodeId>> first_seen_;  // (index, term) -> prefix, holder
  std::vector<uint64_t> committed_;  // committed_[i]: prefix hash of the entry committed at i + 1
  std::vector<NodeId> committed_by_;
  std::vector<int64_t> committed_term_;  // term of the server that first committed it
  int64_t newest_leader_term_ = 0;
  std::map<std::pair<int, int64_t>, bool> reported_;  // (kind, index or term)
};

}  // namespace sim
