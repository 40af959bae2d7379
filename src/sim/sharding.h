// sim/sharding.h — the partitioning model of lesson 3 ("Sharding strategies", "Consistent
// hashing", "Choosing a shard key") and the sharding lab's scenario built on it.
//
// Usage (the model alone, as the tests use it):
//   sim::ShardData data(sim::Workload::Zipf, /*seed=*/7, /*rows=*/20'000);
//   sim::ShardMap map(sim::ShardStrategy::Consistent, {0, 1, 2, 3}, /*vnodes=*/64, /*salt=*/7);
//   map.fit(data.values(sim::ShardKey::UserId));         // range bounds, directory entries
//   std::vector<int64_t> keys = map.count(data.values(sim::ShardKey::UserId));
//   double moved = sim::moved_fraction(sim::ShardStrategy::Hash, 4, 5, 1, salt, keys_100k);
//
// Usage (the lab): sim::make_sharding_scenario(config) — clients c1 c2 send queries to a router
// "rt", which asks the directory "dir" where a key lives (directory strategy), then sends the
// query to that shard server (s1..sK), or to every server when the query is not by the shard
// key (lesson 3 "Cross-shard queries: queries spanning multiple shards are expensive").
//
// The figures the lesson quotes hold in this model and the tests hold them to it:
//   * hash(key) mod N: going from N to N+1 servers moves about N/(N+1) of the keys;
//   * consistent hashing: about 1/(N+1), and per-server load evens out as virtual nodes grow;
//   * range sharding on an increasing key (order_id, timestamp) sends every new write to the
//     last shard ("timestamp creates hotspot on latest shard");
//   * a Zipf(1) hot key takes 1/H(n) of all requests, and no strategy can split one key.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/rng.h"
#include "sim/zipf.h"
#include "sim/scenario.h"

namespace sim {

enum class ShardStrategy : uint8_t { Range, Hash, Directory, Geo, Consistent };
enum class Workload : uint8_t { Uniform, Sequential, Zipf, Country };
/// Candidate shard keys of the orders table (lesson 3 "Choosing a shard key").
enum class ShardKey : uint8_t { UserId, OrderId, TenantId, Status, Country, Timestamp };
constexpr int kShardKeys = 6;

const char* strategy_name(ShardStrategy s);
const char* workload_name(Workload w);
const char* shard_key_name(ShardKey k);

/// hash(key): the SplitMix64 finaliser, a bijection on 64-bit values with good avalanche.
uint64_t hash_key(uint64_t value);

/// One row of the orders table, or one request for one.
struct Row {
  uint64_t order_id = 0;
  uint64_t user_id = 0;
  uint64_t tenant_id = 0;
  uint64_t status = 0;   ///< 0 active, 1 inactive, 2 pending
  uint64_t country = 0;  ///< 0..kCountries-1; 0 = "US"
  uint64_t timestamp = 0;
  uint64_t field(ShardKey key) const;
};

constexpr int kUsers = 10'000;
constexpr int kTenants = 40;
constexpr int kCountries = 10;
const char* country_name(uint64_t country);

/// Draws rows and requests the way each workload describes:
///   uniform     users, countries uniform; requests read random existing rows;
///   sequential  as uniform, but requests insert new rows (order_id, timestamp increase);
///   zipf        users (and so tenants) Zipf(1)-skewed: a few hot users;
///   country     80 % of users in one country (the seed's "USA might have 80% of users").
class RowGenerator {
 public:
  explicit RowGenerator(Workload workload);
  Workload workload() const { return workload_; }
  /// The row with this order id (attributes drawn from rng).
  Row row(Rng& rng, uint64_t order_id) const;
  /// The next request of the stream: a read of one of `rows` existing rows, or (sequential) the
  /// insert of row `rows + 1 + sequence`.
  Row request(Rng& rng, uint64_t rows, uint64_t sequence) const;

 private:
  Workload workload_;
  ZipfSampler zipf_;
};

/// The lab's data: rows 1..n of the orders table and a stream of requests, both from one seed.
class ShardData {
 public:
  ShardData(Workload workload, uint64_t seed, int rows, int requests = 0);
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<Row>& requests() const { return requests_; }
  /// The `key` field of every row (or request).
  std::vector<uint64_t> values(ShardKey key) const { return project(rows_, key); }
  std::vector<uint64_t> request_values(ShardKey key) const { return project(requests_, key); }
  static std::vector<uint64_t> project(const std::vector<Row>& rows, ShardKey key);

 private:
  std::vector<Row> rows_;
  std::vector<Row> requests_;
};

/// A server's token on the ring (32-bit position, as the ring figure draws it).
struct RingToken {
  uint32_t position = 0;
  int server = 0;
};

/// Where each key value lives, for one strategy over a list of server ids.
class ShardMap {
 public:
  ShardMap(ShardStrategy strategy, std::vector<int> servers, int vnodes, uint64_t salt);
  /// Learns from the stored data what the strategy needs: range bounds (equal-width over the
  /// values' min..max, open-ended at the top) and directory entries (each value on the server
  /// holding the fewest keys when first seen). Hash, geo and consistent need nothing.
  void fit(const std::vector<uint64_t>& values);
  /// The same strategy over `servers`, moving as little as the strategy allows: hash and range
  /// recompute; consistent hashing adds or removes one server's tokens; the directory moves
  /// entries off a removed server, or onto a new one until it holds its share.
  ShardMap resized(std::vector<int> servers, const std::vector<uint64_t>& values) const;

  ShardStrategy strategy() const { return strategy_; }
  const std::vector<int>& servers() const { return servers_; }
  /// Index into servers() of the server holding `value`.
  int shard_of(uint64_t value) const;
  /// Keys per index of servers().
  std::vector<int64_t> count(const std::vector<uint64_t>& values) const;
  const std::vector<RingToken>& tokens() const { return ring_; }
  /// 32-bit ring position of a key (consistent hashing).
  static uint32_t ring_position(uint64_t value) { return static_cast<uint32_t>(hash_key(value) >> 32); }

 private:
  int server_index(int server) const;
  void build_ring();

  ShardStrategy strategy_;
  std::vector<int> servers_;
  int vnodes_;
  uint64_t salt_;
  uint64_t range_lo_ = 0, range_hi_ = 0;
  std::vector<RingToken> ring_;                          // sorted by position
  std::vector<std::pair<uint64_t, int>> directory_;      // (value, server id), sorted by value
};

/// Share of `values` whose server changes when `strategy` goes from `from` to `to` servers
/// (ids 0..from-1 and 0..to-1).
double moved_fraction(ShardStrategy strategy, int from, int to, int vnodes, uint64_t salt,
                      const std::vector<uint64_t>& values);
/// max / mean of non-negative counts (1 when all are equal; 0 for an empty or all-zero list).
double imbalance(const std::vector<int64_t>& counts);
/// `count` distinct-looking random 64-bit keys from `seed`.
std::vector<uint64_t> random_keys(uint64_t seed, int count);

// ================================================================================================
// The lab's scenario
// ================================================================================================

constexpr int kMaxShardServers = 12;

struct ShardingConfig {
  ShardStrategy strategy = ShardStrategy::Hash;
  Workload workload = Workload::Uniform;
  ShardKey shard_key = ShardKey::UserId;
  /// Servers holding data at the start (2..10), and spare machines add-server can bring in.
  int servers = 4;
  int spares = 2;
  /// Tokens per server on the consistent-hashing ring (1..256).
  int vnodes = 1;
  /// Rows in the orders table.
  int rows = 20'000;
  /// Client queries per second, both clients together (0..200).
  int rate_per_s = 40;
  /// Share of queries by another attribute than the shard key: they fan out to every server.
  int fanout_percent = 20;
  /// Time a shard server spends on a get by the shard key, and on its part of a scan by another
  /// column (no index on it: the server reads its whole shard). Requests queue behind each other.
  TimeUs get_us = 1 * kUsPerMs;
  TimeUs scan_us = 5 * kUsPerMs;
  /// A client gives up on a query after this long.
  TimeUs timeout_us = 500 * kUsPerMs;

  bool validate(std::string* error) const;
};

std::unique_ptr<Scenario> make_sharding_scenario(const ShardingConfig& config);

/// What the sharding lab's goals, predictions and tests read: the router's state (it holds the
/// shard map and counts what the servers answered).
struct ShardingStats {
  int servers = 0;                    ///< servers holding data now
  double key_imbalance = 0;           ///< max/mean of keys per server
  double request_imbalance = 0;       ///< max/mean of requests served per server (live)
  int64_t requests_served = 0;        ///< keyed queries answered by shard servers
  int hottest = -1;                   ///< index (0-based server id) of the busiest server
  double hottest_share = 0;           ///< its share of served keyed queries
  uint64_t hottest_key = 0;           ///< the shard-key value asked for most often
  double hottest_key_share = 0;       ///< its share of served keyed queries
  int reshards = 0;                   ///< add-server / remove-server done
  int64_t last_moved = 0;             ///< keys moved by the last resharding
  int64_t last_total = 0;             ///< keys stored at that time
  int64_t keyed_done = 0, fanout_done = 0;
  double keyed_latency_ms = 0, fanout_latency_ms = 0;  ///< mean client-observed latency
  int64_t timeouts = 0;               ///< client queries that got no answer in time
  bool directory_down = false;
};
/// Read from the router of a sharding run (an empty ShardingStats for any other engine).
ShardingStats sharding_stats(const Engine& engine);

}  // namespace sim
