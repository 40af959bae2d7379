// sim/trace.h — one compact record per simulated event, its one-line text form and a hash.
//
// Usage:
//   sim::Trace& trace = engine.trace();
//   uint64_t h = trace.hash();                       // a 64-bit hash of every record so far
//   for (const sim::TraceEvent& e : trace.events())
//     puts(sim::format_event(e, names, vocabulary).c_str());
//   trace.add_sink(&checkers);                       // checkers read every record as it happens
//
// The trace is the single source for golden tests, failure dumps, checkers and the timeline view
// (STYLE.md #11, tigerbeetle docs/about/internals/testing.md). Field meanings per kind:
//
//   kind      node    peer       code         x         y          a          b        c
//   Send      from    to         -            msg type  -          msg id     arg a    arg b
//   Deliver   to      from       -            msg type  -          msg id     arg a    arg b
//   Drop      to      from       DropReason   msg type  -          msg id     arg a    arg b
//   Duplicate from    to         -            msg type  -          msg id     arg a    arg b
//   Timer     node    -          -            timer id  -          -          -        -
//   Crash/Restart/Pause/Resume: node only.     Skew: a = skew_us.
//   Net       from    to         NetChange    -         -          group/latency_us
//   Role      node    -          Role         -         -          epoch
//   Invoke    client  -          OpKind       key       -          op seq     value    write id
//   Complete  client  served by  OpResult     key       OpKind     op seq     value    write id
//   Append    node    -          AppendSource key       epoch      position   value    write id
//   Truncate  node    -          -            -         -          new length removed
//   Command   arg a   -          verb         arg b     -          value
//   Note      node    peer       note code    -         -          a          b        c
//
// For a completed read, value/write id are those of the version the read observed (0 = initial).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/chunked_log.h"
#include "sim/command.h"
#include "sim/message.h"
#include "sim/types.h"

namespace sim {

enum class TraceKind : uint8_t {
  Send, Deliver, Drop, Duplicate, Timer, Crash, Restart, Pause, Resume, Skew, Net,
  Role, Invoke, Complete, Append, Truncate, Command, Note
};

enum class DropReason : uint8_t {
  Cut,       ///< the link from sender to receiver is cut (at send or on arrival)
  Loss,      ///< random loss drawn from the link's loss_ppm
  NodeDown,  ///< the receiver was crashed when the message arrived (or crashed while it was held)
};

enum class NetChange : uint8_t { Cut, Uncut, Partition, Heal, Latency };

enum class OpKind : uint8_t { Write, Read };
enum class OpResult : uint8_t {
  Ok,       ///< acknowledged to the client
  Timeout,  ///< no answer in time: the write may or may not have happened
};

/// Why a node appended a log entry: the split-brain checker counts only client writes a node
/// accepted while acting as primary.
enum class AppendSource : uint8_t { ClientWrite, Replicated, Noop };

constexpr uint8_t kNoPeer = 0xFF;

struct TraceEvent {
  TimeUs time_us = 0;
  TraceKind kind = TraceKind::Note;
  uint8_t node = kNoPeer;
  uint8_t peer = kNoPeer;
  uint8_t code = 0;
  int32_t x = 0;
  int32_t y = 0;
  int64_t a = 0;
  int64_t b = 0;
  int64_t c = 0;
};

/// A set of trace kinds, e.g. kind_bit(TraceKind::Invoke) | kind_bit(TraceKind::Complete).
constexpr uint32_t kind_bit(TraceKind kind) { return 1u << static_cast<unsigned>(kind); }
constexpr uint32_t kAllTraceKinds = ~0u;

/// Reads records as they are appended. Sinks observe; they must never change the simulation.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_trace(const TraceEvent& event) = 0;
  /// The kinds this sink reads; the trace calls it for no others. Sends, deliveries and timers
  /// are most of a run's records and most checkers ignore them, so saying so saves a call each.
  virtual uint32_t kinds() const { return kAllTraceKinds; }
};

/// Protocol-specific words for trace lines and UI labels; each protocol family supplies one.
struct Vocabulary {
  /// Appends a short label for a message, e.g. "append #12 e1".
  void (*message_label)(uint16_t type, const TraceArgs& args, std::string& out) = nullptr;
  /// Name of a timer id, e.g. "heartbeat".
  const char* (*timer_name)(int32_t timer) = nullptr;
  /// Appends the text of a Note record (node names available for sentences).
  void (*note_text)(const TraceEvent& e, const std::vector<std::string>& names,
                    std::string& out) = nullptr;
  /// Scenario actions (Verb::Act), indexed by Command::b.
  std::vector<ActionSpec> actions = {};
};

/// Kept trace records: appending never moves one (see chunked_log.h).
using TraceLog = ChunkedLog<TraceEvent>;

class Trace {
 public:
  /// keep_events = false keeps only the hash and the sinks (long benchmark runs).
  explicit Trace(bool keep_events = true) : keep_(keep_events) {}

  /// Recording is two steps, so that the engine builds each record in place (no copy):
  ///   TraceEvent& e = trace.append();  /* fill e */  trace.commit(e);
  TraceEvent& append() {
    ++count_;
    return keep_ ? events_.append() : scratch_;
  }
  /// Hashes the record (unless kept: then on demand) and shows it to the sinks.
  void commit(const TraceEvent& event);
  /// Calls `sink` for every later record of a kind in sink->kinds() (read once, here).
  void add_sink(TraceSink* sink) { sinks_.push_back({sink->kinds(), sink}); }

  /// Hash of every record so far. With kept records it is computed lazily, on demand, so
  /// that rebuilding a run for scrubbing does not pay for it.
  uint64_t hash() const;
  uint64_t count() const { return count_; }
  const TraceLog& events() const { return events_; }

 private:
  bool keep_;
  mutable uint64_t hash_ = 0xCBF29CE484222325ull;  // any fixed start value
  mutable size_t hashed_ = 0;                      // kept records already folded into hash_
  uint64_t count_ = 0;
  TraceLog events_;
  TraceEvent scratch_;  // the record being built when records are not kept
  struct Sink {
    uint32_t kinds;
    TraceSink* sink;
  };
  std::vector<Sink> sinks_;
};

// Folds one record into `hash`. Canonical form of a record: six 64-bit words packed field by
// field (independent of struct layout and endianness). Each word is multiplied by its own odd
// constant (a bijection, so a changed field changes its term; independent multiplications run in
// parallel), the products are summed, and the sum is folded into the chain with one
// multiply-xorshift step: the hash runs on every record of a long run, so it must not be a long
// chain of dependent operations.
inline uint64_t hash_event(uint64_t hash, const TraceEvent& e) {
  const uint64_t w0 = static_cast<uint64_t>(e.time_us);
  const uint64_t w1 = static_cast<uint64_t>(e.kind) | uint64_t{e.node} << 8 | uint64_t{e.peer} << 16 |
                      uint64_t{e.code} << 24 | uint64_t{static_cast<uint32_t>(e.x)} << 32;
  const uint64_t w2 = static_cast<uint32_t>(e.y);
  const uint64_t w3 = static_cast<uint64_t>(e.a), w4 = static_cast<uint64_t>(e.b), w5 = static_cast<uint64_t>(e.c);
  const uint64_t mixed = w0 * 0x9E3779B97F4A7C15ull + w1 * 0xC2B2AE3D27D4EB4Full + w2 * 0x165667B19E3779F9ull +
                         w3 * 0xD6E8FEB86659FD93ull + w4 * 0xFF51AFD7ED558CCDull + w5 * 0xC4CEB9FE1A85EC53ull;
  hash = (hash ^ mixed) * 0x9E3779B97F4A7C15ull;  // 2^64 / golden ratio, odd
  return hash ^ (hash >> 29);
}

// Always inlined into the engine, which builds the record from its arguments: called, the hash
// read the record back from memory with its byte fields merged into one word right after they
// were stored one by one, a store-forwarding stall on every record (perf: half of its time).
// GCC's link-time optimiser outlined it despite `inline`.
#if defined(__GNUC__)
#define SIM_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define SIM_ALWAYS_INLINE inline
#endif
SIM_ALWAYS_INLINE void Trace::commit(const TraceEvent& event) {
  if (!keep_) hash_ = hash_event(hash_, event);
  const uint32_t bit = kind_bit(event.kind);
  for (const Sink& s : sinks_)
    if (s.kinds & bit) s.sink->on_trace(event);
}

/// One line, e.g. "1.204000 n1 send ->n2 append #12 e1 m345".
std::string format_event(const TraceEvent& event, const std::vector<std::string>& names,
                         const Vocabulary& vocabulary);

/// 16 lowercase hex digits.
std::string hex64(uint64_t v);

}  // namespace sim
