#include "sim/checkers.h"

#include <algorithm>

namespace sim {

const char* finding_kind_name(FindingKind kind) {
  switch (kind) {
    case FindingKind::StaleRead: return "stale-read";
    case FindingKind::LostWrite: return "lost-write";
    case FindingKind::SplitBrain: return "split-brain";
    case FindingKind::NotLinearizable: return "not-linearizable";
    case FindingKind::ElectionSafety: return "election-safety";
    case FindingKind::LogMatching: return "log-matching";
    case FindingKind::LeaderCompleteness: return "leader-completeness";
    case FindingKind::StateMachineSafety: return "state-machine-safety";
    case FindingKind::SilentOverwrite: return "silent-overwrite";
    case FindingKind::Divergence: return "divergence";
    case FindingKind::ConsistencyViolation: return "consistency-violation";
  }
  return "?";
}

const char* finding_kind_title(FindingKind kind) {
  switch (kind) {
    case FindingKind::StaleRead: return "Stale reads";
    case FindingKind::LostWrite: return "Acknowledged writes lost";
    case FindingKind::SplitBrain: return "Split-brain";
    case FindingKind::NotLinearizable: return "Not linearizable";
    case FindingKind::ElectionSafety: return "Two leaders in one term";
    case FindingKind::LogMatching: return "Log matching broken";
    case FindingKind::LeaderCompleteness: return "Committed entry missing on a leader";
    case FindingKind::StateMachineSafety: return "Different entries applied at one index";
    case FindingKind::SilentOverwrite: return "Writes silently overwritten";
    case FindingKind::Divergence: return "Replicas diverged";
    case FindingKind::ConsistencyViolation: return "Consistency violations";
  }
  return "?";
}

Checkers::Checkers(std::vector<std::string> names)
    : names_(std::move(names)), open_op_(names_.size(), SIZE_MAX), nodes_(names_.size()) {}

void Checkers::on_trace(const TraceEvent& e) {
  switch (e.kind) {
    case TraceKind::Invoke: on_invoke(e); break;
    case TraceKind::Complete: on_complete(e); break;
    case TraceKind::Role: on_role(e); break;
    case TraceKind::Append: on_append(e); break;
    case TraceKind::Truncate: truncate_log(nodes_[e.node], static_cast<size_t>(e.a)); break;
    case TraceKind::Note:
      if (e.code < stats_.notes.size()) ++stats_.notes[e.code];
      break;
    default: break;
  }
}

void Checkers::report(FindingKind kind, TimeUs t_us, NodeId node, NodeId other, std::string text) {
  ++counts_[static_cast<size_t>(kind)];
  findings_.push_back(Finding{kind, t_us, node, other, std::move(text)});
}

std::string Checkers::describe_write(const Op& w) const {
  std::string s = "write k";
  append_int(s, w.key);
  s.push_back('=');
  append_int(s, w.value);
  s += " by ";
  s += node_name(names_, w.client);
  return s;
}

// --- Operations ----------------------------------------------------------------------------------

void Checkers::on_invoke(const TraceEvent& e) {
  const Op op{static_cast<OpKind>(e.code), e.node, e.x, e.a, e.b, e.c, e.time_us, kNever, false, kNoNode};
  ops_.push_back(op);
  open_op_[e.node] = ops_.size() - 1;
  if (op.kind == OpKind::Write && op.write_id != 0) write_op_[op.write_id] = ops_.size() - 1;
}

void Checkers::on_complete(const TraceEvent& e) {
  const size_t index = open_op_[e.node];
  if (index == SIZE_MAX || ops_[index].seq != e.a) return;
  if (static_cast<OpResult>(e.code) != OpResult::Ok) {
    ++stats_.timeouts;
    return;
  }
  Op& op = ops_[index];
  op.complete_us = e.time_us;
  op.ok = true;
  op.served_by = e.peer == kNoPeer ? kNoNode : e.peer;
  if (op.kind == OpKind::Read) {
    ++stats_.reads_acked;
    op.value = e.b;
    op.write_id = e.c;
    check_stale_read(op);
    return;
  }
  ++stats_.writes_acked;
  if (acked_by_key_.size() <= static_cast<size_t>(op.key)) acked_by_key_.resize(static_cast<size_t>(op.key) + 1);
  std::vector<Acked>& acked = acked_by_key_[static_cast<size_t>(op.key)];
  size_t latest = index;
  if (!acked.empty() && ops_[acked.back().latest_invoked].invoke_us > op.invoke_us)
    latest = acked.back().latest_invoked;
  acked.push_back(Acked{e.time_us, index, latest});
  acked_writes_.push_back(index);
  // A deposed primary acknowledging a write the newest primary lacks: that write cannot survive.
  if (newest_primary_ != kNoNode && op.served_by != kNoNode && op.served_by != newest_primary_ &&
      nodes_[static_cast<size_t>(op.served_by)].epoch < newest_epoch_ && !log_has(newest_primary_, op.write_id))
    report_lost(index, newest_primary_);
}

// Stale read (lesson 2, "replication lag may cause stale reads"): the read began after write W
// was acknowledged, yet it returned a version whose write had completed before W even began
// (or the initial value). Concurrent writes never count, so a linearizable history is never
// flagged.
void Checkers::check_stale_read(const Op& read) {
  if (static_cast<size_t>(read.key) >= acked_by_key_.size()) return;
  const std::vector<Acked>& acked = acked_by_key_[static_cast<size_t>(read.key)];
  const auto before = std::partition_point(acked.begin(), acked.end(),
                                           [&](const Acked& a) { return a.ack_us < read.invoke_us; });
  if (before == acked.begin()) return;
  const Op& newer = ops_[std::prev(before)->latest_invoked];
  TimeUs observed_done_us = -1;  // the initial value precedes everything
  if (read.write_id != 0) {
    const size_t* found = write_op_.find(read.write_id);
    if (found == nullptr) return;
    observed_done_us = ops_[*found].complete_us;
  }
  if (observed_done_us >= newer.invoke_us) return;
  std::string text = "read k";
  append_int(text, read.key);
  text += " by ";
  text += node_name(names_, read.client);
  text += " via ";
  text += node_name(names_, read.served_by);
  text += " at " + format_seconds(read.invoke_us) + " returned ";
  append_int(text, read.value);
  text += ", but " + describe_write(newer) + " was acknowledged at " +
          format_seconds(ops_[std::prev(before)->op].complete_us) + ", before the read began";
  report(FindingKind::StaleRead, read.complete_us, read.served_by, newer.served_by, std::move(text));
}

// --- Primaries -----------------------------------------------------------------------------------

void Checkers::on_role(const TraceEvent& e) {
  NodeState& n = nodes_[e.node];
  n.epoch = e.a;
  n.primary = static_cast<Role>(e.code) == Role::Primary;
  if (!n.primary) return;
  n.primary_since_us = e.time_us;
  n.last_accept_us = -1;
  if (e.a < newest_epoch_) return;
  if (e.a > newest_epoch_ && newest_epoch_ > 0) ++stats_.promotions;
  newest_epoch_ = e.a;
  newest_primary_ = e.node;
  check_lost_on_primary(e.node);
}

bool Checkers::log_has(NodeId node, int64_t write_id) const {
  const size_t* op = write_op_.find(write_id);
  return op != nullptr && holds(node, *op);
}

// Clients number write ids uniquely per invocation, so an acknowledged write's op index is where
// its copies are counted: the scans over every acknowledged write need no lookup.
bool Checkers::holds(NodeId node, size_t op) const {
  const std::vector<uint8_t>& held = nodes_[static_cast<size_t>(node)].held;
  return op < held.size() && held[op] > 0;
}

// Writes no client invoked (write id 0, or protocol-internal ones) cannot be acknowledged, so
// they are not counted.
void Checkers::count_copy(NodeState& n, int64_t write_id, int delta) {
  const size_t* op = write_op_.find(write_id);
  if (op == nullptr) return;
  if (n.held.size() <= *op) n.held.resize(std::max(*op + 1, n.held.size() * 2), 0);
  uint8_t& copies = n.held[*op];
  if (delta > 0 && copies < 255) ++copies;
  if (delta < 0 && copies > 0) --copies;
}

// Lost write (lesson 5, "prevent data loss"): every acknowledged write must be in the log of the
// newest primary; with asynchronous replication a failover can promote a node that never got it.
void Checkers::check_lost_on_primary(NodeId primary) {
  for (size_t index : acked_writes_)
    if (!holds(primary, index)) report_lost(index, primary);
}

void Checkers::report_lost(size_t index, NodeId primary) {
  const Op& w = ops_[index];
  bool& reported = reported_lost_[w.write_id];
  if (reported) return;
  reported = true;
  std::string text = describe_write(w) + " acknowledged at " + format_seconds(w.complete_us) + " by " +
                     node_name(names_, w.served_by) + " is missing on new primary " + node_name(names_, primary);
  report(FindingKind::LostWrite, std::max(w.complete_us, nodes_[static_cast<size_t>(primary)].primary_since_us),
         primary, w.served_by, std::move(text));
}

void Checkers::truncate_log(NodeState& n, size_t length) {
  for (size_t pos = length; pos < n.log.size(); ++pos) count_copy(n, n.log[pos], -1);
  n.log.resize(length);
}

void Checkers::on_append(const TraceEvent& e) {
  NodeState& n = nodes_[e.node];
  truncate_log(n, static_cast<size_t>(e.a - 1));
  n.log.resize(static_cast<size_t>(e.a - 1));  // positions stay exact even if records were missed
  n.log.push_back(e.c);
  count_copy(n, e.c, +1);
  if (static_cast<AppendSource>(e.code) == AppendSource::ClientWrite) check_accept_overlap(e.node, e.time_us);
}

// Split-brain (lesson 5): node A accepts a client write as primary while another node B, still
// primary, has also accepted one since A became primary. Reported once per pair of epochs.
void Checkers::check_accept_overlap(NodeId node, TimeUs t_us) {
  NodeState& a = nodes_[static_cast<size_t>(node)];
  a.last_accept_us = t_us;
  for (NodeId other = 0; other < static_cast<NodeId>(nodes_.size()); ++other) {
    const NodeState& b = nodes_[static_cast<size_t>(other)];
    if (other == node || !b.primary || b.last_accept_us < a.primary_since_us || b.last_accept_us < 0) continue;
    const NodeId lo = std::min(node, other), hi = std::max(node, other);
    const auto key = std::make_tuple(lo, hi, nodes_[static_cast<size_t>(lo)].epoch, nodes_[static_cast<size_t>(hi)].epoch);
    if (!reported_split_.insert(key).second) continue;
    std::string text = "split-brain: " + std::string(node_name(names_, other)) + " (epoch ";
    append_int(text, b.epoch);
    text += ") and " + std::string(node_name(names_, node)) + " (epoch ";
    append_int(text, a.epoch);
    text += ") both accepted writes as primary, at " + format_seconds(b.last_accept_us) + " and " +
            format_seconds(t_us);
    report(FindingKind::SplitBrain, t_us, node, other, std::move(text));
  }
}

// --- Queries -------------------------------------------------------------------------------------

int64_t Checkers::acked_writes_missing_on(NodeId node) const {
  int64_t missing = 0;
  for (size_t index : acked_writes_) missing += holds(node, index) ? 0 : 1;
  return missing;
}

int64_t Checkers::acked_writes_only_on(NodeId node) const {
  int64_t only = 0;
  for (size_t index : acked_writes_) {
    int holders = 0;
    for (NodeId n = 0; n < static_cast<NodeId>(nodes_.size()); ++n) holders += holds(n, index) ? 1 : 0;
    only += holders == 1 && holds(node, index) ? 1 : 0;
  }
  return only;
}

// Reads that never returned tell nothing; writes that never returned may or may not have happened.
std::vector<const Checkers::Op*> Checkers::key_ops(int32_t key) const {
  std::vector<const Op*> out;
  for (const Op& op : ops_)
    if (op.key == key && (op.kind == OpKind::Write || op.ok)) out.push_back(&op);
  return out;
}

std::vector<RegisterOp> Checkers::history(int32_t key) const {
  std::vector<RegisterOp> out;
  for (const Op* op : key_ops(key))
    out.push_back(RegisterOp{op->kind, op->invoke_us, op->ok ? op->complete_us : kNever, op->write_id});
  return out;
}

LinearizabilityReport Checkers::check_linearizability(const LinearizabilityLimits& limits) const {
  std::set<int32_t> keys;
  for (const Op& op : ops_) keys.insert(op.key);
  LinearizabilityReport report;
  for (int32_t key : keys) {
    const std::vector<const Op*> source = key_ops(key);
    const LinearizabilityResult r = check_register(history(key), limits);
    ++report.keys_checked;
    if (r.verdict == Verdict::Unknown) {
      ++report.keys_unknown;
      if (report.verdict == Verdict::Linearizable) report.verdict = Verdict::Unknown;
      continue;
    }
    if (r.verdict != Verdict::NotLinearizable) continue;
    report.verdict = Verdict::NotLinearizable;
    const Op& bad = *source[r.blocking_op];
    std::string text = "history of k";
    append_int(text, key);
    text += " is not linearizable: no order of its operations explains ";
    if (bad.kind == OpKind::Read) {
      text += "read k";
      append_int(text, key);
      text += " -> ";
      append_int(text, bad.value);
      text += " by " + std::string(node_name(names_, bad.client));
    } else {
      text += describe_write(bad);
    }
    text += " at " + format_seconds(bad.invoke_us) + " via " + node_name(names_, bad.served_by);
    report.findings.push_back(Finding{FindingKind::NotLinearizable, bad.invoke_us, bad.served_by, bad.client, std::move(text)});
  }
  return report;
}

}  // namespace sim
