#include "sim/raft_checkers.h"

#include <algorithm>

#include "sim/raft.h"

namespace sim {

namespace {

// A log is summarised by chaining each entry's (term, write id) onto the previous hash, so two
// logs agree up to index i exactly when their prefix hashes at i agree (up to 2^-64 collisions).
uint64_t chain(uint64_t previous, int32_t term, int64_t write_id) {
  uint64_t h = previous ^ (static_cast<uint64_t>(static_cast<uint32_t>(term)) * 0x9E3779B97F4A7C15ull);
  h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull;
  h ^= static_cast<uint64_t>(write_id) * 0x94D049BB133111EBull;
  return h ^ (h >> 32);
}

}  // namespace

RaftCheckers::RaftCheckers(Checkers& report_to, std::vector<std::string> names)
    : out_(report_to), names_(std::move(names)), logs_(names_.size()) {}

void RaftCheckers::on_trace(const TraceEvent& e) {
  switch (e.kind) {
    case TraceKind::Role: on_role(e); break;
    case TraceKind::Append: on_append(e); break;
    case TraceKind::Truncate:
      logs_[e.node].prefix.resize(static_cast<size_t>(e.a));
      logs_[e.node].terms.resize(static_cast<size_t>(e.a));
      break;
    case TraceKind::Note:
      if (e.code == kRaftNoteCommit) on_commit(e);
      break;
    default: break;
  }
}

void RaftCheckers::report(FindingKind kind, const TraceEvent& e, NodeId other, std::string text) {
  if (!reported_.emplace(std::make_pair(static_cast<int>(kind), e.a), true).second) return;
  out_.report(kind, e.time_us, e.node, other, std::move(text));
}

// Election safety: at most one leader per term. Leader completeness: the new leader of term T
// holds every entry committed in a term before T — by the prefix hash, checking the highest such
// index suffices. (A vote can arrive late, so a leader of an old term may be elected after a
// newer term committed more; those entries it need not hold.)
void RaftCheckers::on_role(const TraceEvent& e) {
  logs_[e.node].term = e.a;
  if (static_cast<Role>(e.code) != Role::Leader) return;
  const auto [it, first] = leader_of_term_.emplace(e.a, e.node);
  if (!first && it->second != e.node)
    report(FindingKind::ElectionSafety, e, it->second,
           name(e.node) + " and " + name(it->second) + " were both elected leader of term " + std::to_string(e.a));
  size_t top = committed_.size();
  while (top > 0 && committed_term_[top - 1] >= e.a) --top;
  const ServerLog& log = logs_[e.node];
  if (top > 0 && (log.prefix.size() < top || log.prefix[top - 1] != committed_[top - 1]))
    report(FindingKind::LeaderCompleteness, e, committed_by_[top - 1],
           name(e.node) + " became leader of term " + std::to_string(e.a) + " without the entries committed through #" +
               std::to_string(top));
  // Acknowledged writes were committed, so the leader of the newest term must hold them.
  if (e.a < newest_leader_term_) return;
  newest_leader_term_ = e.a;
  const int64_t missing = out_.acked_writes_missing_on(e.node);
  if (missing > 0)
    report(FindingKind::LostWrite, e, kNoNode,
           std::to_string(missing) + " acknowledged writes are missing on " + name(e.node) + ", new leader of term " +
               std::to_string(e.a));
}

// Log matching: the first log to hold (index, term) fixes what every log holding it must agree
// with at and before that index.
void RaftCheckers::on_append(const TraceEvent& e) {
  ServerLog& log = logs_[e.node];
  const size_t index = static_cast<size_t>(e.a);
  log.prefix.resize(index - 1);
  log.terms.resize(index - 1);
  log.prefix.push_back(chain(index > 1 ? log.prefix[index - 2] : 0, e.y, e.c));
  log.terms.push_back(e.y);
  const auto [it, first] = first_seen_.emplace(std::make_pair(e.a, e.y), std::make_pair(log.prefix.back(), e.node));
  if (!first && it->second.first != log.prefix.back())
    report(FindingKind::LogMatching, e, it->second.second,
           name(e.node) + " and " + name(it->second.second) + " both hold an entry of term " + std::to_string(e.y) +
               " at #" + std::to_string(e.a) + " but their logs differ before it");
}

// State machine safety: a server applies what it commits, so no two servers may commit different
// entries at one index. Note a = old commit index, b = new.
void RaftCheckers::on_commit(const TraceEvent& e) {
  const ServerLog& log = logs_[e.node];
  const size_t upto = static_cast<size_t>(e.b);
  if (log.prefix.size() < upto) {
    TraceEvent at = e;
    at.a = e.b;
    report(FindingKind::StateMachineSafety, at, kNoNode,
           name(e.node) + " committed #" + std::to_string(e.b) + " without holding it");
    return;
  }
  const size_t known = std::min(upto, committed_.size());
  if (known > 0 && log.prefix[known - 1] != committed_[known - 1]) {
    // Prefix hashes agree up to some index and differ from there on: find the first difference.
    size_t lo = 0, hi = known - 1;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (log.prefix[mid] != committed_[mid]) hi = mid;
      else lo = mid + 1;
    }
    TraceEvent at = e;
    at.a = static_cast<int64_t>(lo + 1);
    report(FindingKind::StateMachineSafety, at, committed_by_[lo],
           name(e.node) + " committed a different entry at #" + std::to_string(lo + 1) + " than " +
               name(committed_by_[lo]) + " did");
    return;
  }
  for (size_t i = committed_.size(); i < upto; ++i) {
    committed_.push_back(log.prefix[i]);
    committed_by_.push_back(e.node);
    committed_term_.push_back(log.term);  // the first to commit is the leader: its term
  }
}

}  // namespace sim
