#include "sim/session_checkers.h"

#include <algorithm>

#include "sim/flat_map.h"

namespace sim {

const char* session_anomaly_name(SessionAnomaly anomaly) {
  switch (anomaly) {
    case SessionAnomaly::None: return "none";
    case SessionAnomaly::ReadYourWrites: return "read-your-writes";
    case SessionAnomaly::MonotonicReads: return "monotonic reads";
  }
  return "?";
}

int64_t SessionTracker::slot(int session, int32_t key) {
  return static_cast<int64_t>(static_cast<uint64_t>(session) << 32 | static_cast<uint32_t>(key));
}

void SessionTracker::wrote(int session, int32_t key, int64_t rank) {
  Seen& s = seen_[slot(session, key)];
  s.wrote = std::max(s.wrote, rank);
}

SessionVerdict SessionTracker::read(int session, int32_t key, int64_t rank) {
  Seen& s = seen_[slot(session, key)];
  SessionVerdict v{rank < s.wrote, rank < s.read, s.wrote, s.read};
  s.read = std::max(s.read, rank);
  return v;
}

namespace {

constexpr int kEpochShift = 40;  // rank = epoch << 40 | log position

int64_t position_of(int64_t rank) { return rank & ((int64_t{1} << kEpochShift) - 1); }

// Reads the replication trace: ranks from the primaries' client-write appends, each client's
// acknowledged writes and completed reads. Reports both guarantees (one pass over the trace).
class SessionChecker : public TraceSink {
 public:
  SessionChecker(Checkers& report_to, std::vector<std::string> names)
      : report_to_(report_to), names_(std::move(names)) {}

  uint32_t kinds() const override { return kind_bit(TraceKind::Append) | kind_bit(TraceKind::Complete); }
  void on_trace(const TraceEvent& e) override {
    if (e.kind == TraceKind::Append && static_cast<AppendSource>(e.code) == AppendSource::ClientWrite)
      rank_[e.c] = (int64_t{e.y} << kEpochShift) | e.a;
    if (e.kind != TraceKind::Complete || static_cast<OpResult>(e.code) != OpResult::Ok) return;
    const int64_t rank = rank_of(e.c);
    if (static_cast<OpKind>(e.y) == OpKind::Write) return tracker_.wrote(e.node, e.x, rank);
    const SessionVerdict v = tracker_.read(e.node, e.x, rank);
    if (v.read_your_writes) report(e, SessionAnomaly::ReadYourWrites, rank, v.wrote_rank);
    if (v.monotonic_reads) report(e, SessionAnomaly::MonotonicReads, rank, v.read_rank);
  }

 private:
  int64_t rank_of(int64_t write_id) const {
    if (write_id == 0) return 0;
    const int64_t* rank = rank_.find(write_id);
    return rank == nullptr ? 0 : *rank;
  }

  // "c1 read k0 version #3 via n2 at 1.204 s after writing version #5 (read-your-writes)"
  void report(const TraceEvent& e, SessionAnomaly guarantee, int64_t rank, int64_t expected) {
    std::string text = node_name(names_, e.node);
    text += " read k";
    append_int(text, e.x);
    text += rank == 0 ? std::string(" initial version") : " version #" + std::to_string(position_of(rank));
    text += " via ";
    text += node_name(names_, e.peer == kNoPeer ? -1 : e.peer);
    text += " at " + format_seconds(e.time_us);
    text += guarantee == SessionAnomaly::ReadYourWrites ? " after writing version #" : " after reading version #";
    append_int(text, position_of(expected));
    text += " (";
    text += session_anomaly_name(guarantee);
    text += ")";
    report_to_.report(FindingKind::ConsistencyViolation, e.time_us, e.peer == kNoPeer ? kNoNode : e.peer, e.node,
                      std::move(text));
  }

  Checkers& report_to_;
  const std::vector<std::string> names_;
  SessionTracker tracker_;
  FlatMap<int64_t> rank_;  // write id -> rank
};

}  // namespace

std::vector<std::unique_ptr<TraceSink>> make_session_checkers(Checkers& report_to, const std::vector<std::string>& names) {
  std::vector<std::unique_ptr<TraceSink>> out;
  out.push_back(std::make_unique<SessionChecker>(report_to, names));
  return out;
}

}  // namespace sim
