// sim/pooling.h — connection pooling in front of PostgreSQL (course lesson 6 "Connection
// pooling"): app servers with many client sessions, an optional PgBouncer-like pooler in
// transaction mode, and a database with max_connections and a few CPU cores.
//
// Usage:
//   sim::PoolingConfig config;                 // 4 app servers x 25 sessions, no pooler
//   config.pooler = sim::PoolMode::Transaction;  config.pool_size = 25;
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_pooling_scenario(config);
//
// Cast (node ids in this order): a1..aN app servers (each runs `sessions` client sessions that
// think, then run one transaction), "pgb" the pooler (only with a pooler), then "db".
//
// The behaviours the lesson promises (and the tests hold it to):
//  * Without a pooler every session holds its own database connection; beyond max_connections
//    the database refuses with PostgreSQL's "FATAL: sorry, too many clients already".
//  * Every open connection costs the database memory, and every transaction inside the database
//    beyond its core count slows all queries a little (context switches, lock and snapshot
//    contention): "performance degrades well before max_connections is reached".
//  * With a transaction-mode pooler, sessions share pool_size server connections: extra
//    transactions wait in the pooler's FIFO queue (queue length and wait time are shown), the
//    database never sees more than pool_size connections.
//  * A session-level SET leaks: in transaction mode the next transaction on that server
//    connection belongs to another client and runs with the setting.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario.h"
#include "sim/types.h"

namespace sim {

// ================================================================================================
// Shared by the lesson 6 model labs (the caching lab's database uses the same CPU model)
// ================================================================================================

/// A database's CPU: `cores` servers taking queries first come, first served. A query's service
/// time is fixed when it starts: query_us, stretched by contention_pm per mille for every query
/// inside the database (running or waiting for a core) beyond the core count.
///
///   CoreQueue cpu(/*cores=*/2, /*query_us=*/10'000, /*contention_pm=*/0);
///   cpu.submit(0, id);   ...   std::vector<int64_t> done;  cpu.collect(now_us, done);
class CoreQueue {
 public:
  CoreQueue(int cores, TimeUs query_us, int contention_pm)
      : cores_(cores), query_us_(query_us), contention_pm_(contention_pm) {}

  /// Admits query `id` at now: it starts on a free core or waits for one.
  void submit(TimeUs now_us, int64_t id);
  /// Completion time of the earliest running query, or kNever.
  TimeUs next_done_us() const { return running_.empty() ? kNever : running_.front().done_us; }
  /// Appends the ids of queries finished at or before now (in completion order) to `done` and
  /// starts waiting queries on the freed cores.
  void collect(TimeUs now_us, std::vector<int64_t>& done);
  /// Forgets every query (the database crashed).
  void clear() { running_.clear(); waiting_.clear(); }

  int running() const { return static_cast<int>(running_.size()); }
  int waiting() const { return static_cast<int>(waiting_.size()); }
  int inside() const { return running() + waiting(); }
  /// Service time of a query starting while `inside` queries are in the database (itself too).
  TimeUs service_us(int inside) const;

 private:
  struct Running {
    TimeUs done_us;
    uint64_t order;  // ties complete in start order
    int64_t id;
  };
  void start(TimeUs now_us, int64_t id);

  int cores_;
  TimeUs query_us_;
  int contention_pm_;
  uint64_t started_ = 0;
  std::vector<Running> running_;  // min-heap on (done_us, order)
  std::deque<int64_t> waiting_;
};

/// Timed values in a sliding window (latencies of the last second, hits of the last second).
class Window {
 public:
  explicit Window(TimeUs span_us) : span_us_(span_us) {}
  void add(TimeUs t_us, int64_t value);
  /// Values recorded after now - span (older ones are dropped on the next add).
  std::vector<int64_t> values(TimeUs now_us) const;
  int64_t count(TimeUs now_us) const;
  int64_t sum(TimeUs now_us) const;
  TimeUs span_us() const { return span_us_; }

 private:
  struct Entry {
    TimeUs t_us;
    int64_t value;
    int64_t total_before;  // sum of every value added before this one
  };
  using Iter = std::deque<Entry>::const_iterator;
  /// The entries inside (now - span, now], as a range when the times are in order.
  std::pair<Iter, Iter> range(TimeUs now_us) const;
  template <class F>
  void each(TimeUs now_us, F&& f) const;
  TimeUs span_us_;
  std::deque<Entry> entries_;
  int64_t total_ = 0;
  bool in_order_ = true;  // false once a node's clock stepped back (a skew change)
};

/// The p-th percentile (0..100, nearest rank) of `values`; 0 when empty.
int64_t percentile(std::vector<int64_t> values, int p);

class Lab;
// Goals and predictions read the figures a lab shows (so what they judge is what the learner sees).
/// Latest sample of metric `name` (0 before the first sample or for an unknown name).
int64_t latest_metric(const Lab& lab, std::string_view name);
/// Mean of metric `name` over the samples taken in [from_us, to_us).
int64_t mean_metric(const Lab& lab, std::string_view name, TimeUs from_us, TimeUs to_us);
/// The value of the bar labelled `label`, or the leading integer of the value cell of the table
/// row named `label` ("1000 of max 5000" -> 1000); 0 if there is none.
int64_t figure_number(const Lab& lab, std::string_view label);

// ================================================================================================
// The pooler's bookkeeping
// ================================================================================================

/// PgBouncer's transaction pooling (pgbouncer.ini pool_mode = transaction): a server connection
/// is assigned to a client for one transaction, then returned. Idle connections are reused last
/// in, first out (PgBouncer's default, server_round_robin = 0); clients that find none idle wait
/// in a FIFO queue.
///
///   PoolQueue pool;  pool.add_idle(0);  pool.add_idle(1);
///   PoolQueue::Dispatch d;
///   if (pool.arrive(now_us, txn, &d)) send(d.conn, d.txn);   // else it waits in the queue
///   if (pool.release(now_us, conn, &d)) send(d.conn, d.txn);  // a waiter gets it, d.wait_us
class PoolQueue {
 public:
  struct Txn {
    NodeId app = kNoNode;
    int32_t session = 0;
    int64_t seq = 0;
    uint8_t set = 0;  ///< runs a session-level SET
    TimeUs arrived_us = 0;
  };
  struct Dispatch {
    int32_t conn = -1;
    Txn txn;
    TimeUs wait_us = 0;  ///< time the transaction waited for a server connection
  };

  /// A transaction arrives at now: true with *out when a connection is idle, else it queues.
  bool arrive(TimeUs now_us, const Txn& txn, Dispatch* out);
  /// Server connection `conn` is free (opened, or its transaction finished): true with *out when
  /// a queued transaction takes it, else it becomes idle.
  bool release(TimeUs now_us, int32_t conn, Dispatch* out);
  /// Server connection `conn` is idle: it waits for the next transaction.
  void add_idle(int32_t conn) { idle_.push_back(conn); }
  /// Removes an idle connection (the pool shrinks); false if `conn` is not idle.
  bool remove_idle(int32_t conn);
  /// Drops everything (the pooler crashed).
  void clear() { idle_.clear(); queue_.clear(); }

  int queued() const { return static_cast<int>(queue_.size()); }
  int idle() const { return static_cast<int>(idle_.size()); }
  const std::vector<int32_t>& idle_conns() const { return idle_; }

 private:
  std::vector<int32_t> idle_;  // a stack: the most recently released is reused first
  std::deque<Txn> queue_;
};

// ================================================================================================
// The scenario
// ================================================================================================

enum class PoolMode : uint8_t {
  Off,          ///< sessions connect straight to the database
  Transaction,  ///< sessions share the pooler's server connections, one transaction at a time
};

constexpr int kMaxSessionsPerApp = 250;

struct PoolingConfig {
  /// App servers (1..4).
  int apps = 4;
  /// Client sessions per app server at the start (0..kMaxSessionsPerApp); an action ramps it.
  int sessions = 25;
  PoolMode pooler = PoolMode::Off;
  /// Server connections the pooler opens (pgbouncer default_pool_size).
  int pool_size = 25;
  /// The database's max_connections.
  int max_connections = 100;
  /// Database CPU cores and the CPU time of one transaction.
  int cores = 8;
  TimeUs query_us = 10 * kUsPerMs;
  /// Extra service time per query, per mille, for each query in the database beyond the cores.
  int contention_pm = 2;
  /// Mean pause between a session's transactions (each pause is drawn from 0.5x..1.5x).
  TimeUs think_us = 500 * kUsPerMs;
  /// A session gives up on a transaction after this long.
  TimeUs timeout_us = 10 * kUsPerS;

  bool validate(std::string* error) const;
};

/// Memory PostgreSQL needs per connection before it does any work (lesson 6: "several megabytes").
constexpr int64_t kConnectionMemoryMb = 10;

std::unique_ptr<Scenario> make_pooling_scenario(const PoolingConfig& config);

/// Codes of the Note records the pooling lab writes (CheckerStats::notes index).
enum PoolingNote : uint8_t {
  kNoteRefused = 1,  ///< db: "FATAL: sorry, too many clients already"
  kNoteLeak = 2,     ///< db: a transaction ran with a SET another client made on its connection
  kNoteSet = 3,      ///< db: a session-level SET ran on a connection
  kNoteTimeout = 4,  ///< app: a transaction had no answer in time
};

}  // namespace sim
