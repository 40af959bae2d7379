// sim/session_checkers.h — session guarantees (Terry et al., "Session Guarantees for Weakly
// Consistent Replicated Data", PDIS 1994; lesson 2 "Handling lag", lesson 4 "Read-your-writes",
// "Monotonic reads"), checked one session at a time.
//
// Usage (a history checker):
//   sim::SessionTracker t;
//   t.wrote(/*session*/0, /*key*/3, /*rank*/5);
//   sim::SessionVerdict v = t.read(0, 3, /*rank*/2);   // v.read_your_writes, v.wrote_rank == 5
// Usage (over a replication trace, what Scenario::make_checkers returns):
//   auto sinks = sim::make_session_checkers(checkers, engine.names());
//
// A "rank" orders the versions of one key: higher = newer, 0 = the initial value. Over the
// replication trace the rank of a write is where the primary that accepted it put it in its log,
// (epoch, position), so a version that survives a failover keeps its place.
//   read-your-writes  a read returns a version older than the session's own last acknowledged
//                     write of that key (writes whose outcome is unknown do not count);
//   monotonic reads   a read returns a version older than one the session already read.
// Both are reported as FindingKind::ConsistencyViolation with one sentence naming the session,
// the key, both versions and the replica that served the read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/checkers.h"
#include "sim/flat_map.h"
#include "sim/trace.h"

namespace sim {

enum class SessionAnomaly : uint8_t { None, ReadYourWrites, MonotonicReads };
/// "read-your-writes", "monotonic reads".
const char* session_anomaly_name(SessionAnomaly anomaly);

/// What one read broke, and the versions the session was entitled to.
struct SessionVerdict {
  bool read_your_writes = false;  ///< older than the session's own last write of the key
  bool monotonic_reads = false;   ///< older than a version the session already read
  int64_t wrote_rank = 0;
  int64_t read_rank = 0;
};

/// Per session and key: the newest version it wrote and the newest it read.
class SessionTracker {
 public:
  void wrote(int session, int32_t key, int64_t rank);
  /// Judges a read that returned `rank` against both guarantees, then remembers it.
  SessionVerdict read(int session, int32_t key, int64_t rank);

 private:
  struct Seen {
    int64_t wrote = 0;
    int64_t read = 0;
  };
  static int64_t slot(int session, int32_t key);
  FlatMap<Seen> seen_;  // by slot(session, key)
};

/// One checker per guarantee over a replication trace (Invoke/Complete/Append records).
std::vector<std::unique_ptr<TraceSink>> make_session_checkers(Checkers& report_to, const std::vector<std::string>& names);

}  // namespace sim
