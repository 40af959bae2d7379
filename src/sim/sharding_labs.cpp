// The lesson 3 sharding lab: strategies side by side on one key stream, resharding, hot keys,
// the directory as a single point of failure and the cost of fan-out queries; its goals and the
// "predict, then run" questions about how many keys move.
#include <cmath>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/sharding.h"

namespace sim {

namespace {

const char* const kStrategies[] = {"range", "hash", "directory", "geo", "consistent"};
const char* const kWorkloads[] = {"uniform", "sequential", "zipf", "country"};
const char* const kKeys[] = {"user_id", "order_id", "tenant_id", "status", "country", "timestamp"};

// Order is part of the URL format: append only.
enum SettingIndex { kStrategy, kWorkload, kKey, kServers, kSpares, kVnodes, kRate, kFanoutPct, kLatency, kJitter };

std::vector<SettingSpec> settings() {
  return {
      {"strategy", "how keys map to servers: range, hash mod N, directory lookup, geographic (by country), "
                   "consistent hashing", 0, 4, 1, kStrategies},
      {"workload", "key stream: uniform, sequential (new rows), zipf (hot users), country (80% in one)", 0, 3, 0, kWorkloads},
      {"key", "shard key: the column that picks the server", 0, 5, 0, kKeys},
      {"servers", "servers holding data at the start", 2, 10, 4, nullptr},
      {"spares", "spare machines add-server can bring in", 0, 10, 2, nullptr},
      {"vnodes", "virtual nodes (tokens) per server on the consistent-hashing ring", 1, 256, 1, nullptr},
      {"rate", "client queries per second", 0, 200, 40, nullptr},
      {"fanout_pct", "share of queries by another column than the shard key (they ask every server)", 0, 100, 20, nullptr},
      {"latency_ms", "one-way network latency (ms)", 0, 1000, 2, nullptr},
      {"jitter_ms", "extra random latency, up to (ms)", 0, 1000, 2, nullptr},
  };
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  ShardingConfig c;
  c.strategy = static_cast<ShardStrategy>(v[kStrategy]);
  c.workload = static_cast<Workload>(v[kWorkload]);
  c.shard_key = static_cast<ShardKey>(v[kKey]);
  c.servers = static_cast<int>(v[kServers]);
  c.spares = static_cast<int>(v[kSpares]);
  c.vnodes = static_cast<int>(v[kVnodes]);
  c.rate_per_s = static_cast<int>(v[kRate]);
  c.fanout_percent = static_cast<int>(v[kFanoutPct]);
  network->link.latency_us = v[kLatency] * kUsPerMs;
  network->link.jitter_us = v[kJitter] * kUsPerMs;
  if (!c.validate(error)) return nullptr;
  return make_sharding_scenario(c);
}

ShardingStats stats(const Lab& lab) { return sharding_stats(lab.engine()); }
template <class Enum>
bool uses(const Lab& lab, const char* key, Enum value) { return lab.setting(key) == static_cast<int64_t>(value); }
double moved_share(const ShardingStats& s) { return s.last_total == 0 ? 0 : double(s.last_moved) / double(s.last_total); }

// --- Goals -------------------------------------------------------------------------------------

bool hash_moves_met(const Lab& lab) {
  const ShardingStats s = stats(lab);
  return uses(lab, "strategy", ShardStrategy::Hash) && s.reshards > 0 && moved_share(s) > 0.5;
}

bool ring_moves_met(const Lab& lab) {
  const ShardingStats s = stats(lab);
  return uses(lab, "strategy", ShardStrategy::Consistent) && s.reshards > 0 && moved_share(s) < 0.5;
}

bool even_ring_met(const Lab& lab) {
  const ShardingStats s = stats(lab);
  return uses(lab, "strategy", ShardStrategy::Consistent) && lab.setting("vnodes") >= 32 && s.key_imbalance < 1.25 && s.requests_served >= 100;
}

bool hot_key_met(const Lab& lab) {
  const ShardingStats s = stats(lab);
  return uses(lab, "workload", Workload::Zipf) && uses(lab, "key", ShardKey::UserId) && s.requests_served >= 150 && s.hottest_key_share >= 0.05;
}

bool last_range_met(const Lab& lab) {
  const ShardingStats s = stats(lab);
  return uses(lab, "strategy", ShardStrategy::Range) && uses(lab, "workload", Workload::Sequential) && s.requests_served >= 50 && s.hottest_share > 0.99;
}

bool directory_down_met(const Lab& lab) {
  const ShardingStats s = stats(lab);
  return uses(lab, "strategy", ShardStrategy::Directory) && s.directory_down && s.timeouts >= 3;
}

bool fanout_met(const Lab& lab) {
  const ShardingStats s = stats(lab);
  return s.keyed_done >= 10 && s.fanout_done >= 10 && s.fanout_latency_ms > s.keyed_latency_ms;
}

void add_server_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.act("add-server");
  f.run_for(kUsPerS);
}

void play_demo(Fixture& f) { f.run_for(8 * kUsPerS); }

void directory_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.crash(f.node("dir"));
  f.run_for(3 * kUsPerS);
}

const GoalSpec kHashMoves{"hash-moves-most", "Add a server under hash mod N: most keys move",
                          "strategy=hash, then Add a server: a key stays only if hash mod 4 equals hash mod 5.",
                          {{"strategy", 1}}, hash_moves_met, add_server_demo};
const GoalSpec kRingMoves{"ring-moves-few", "Add a server on a hash ring: few keys move",
                          "strategy=consistent, then Add a server: only keys on the arcs it takes over move.",
                          {{"strategy", 4}, {"vnodes", 64}}, ring_moves_met, add_server_demo};
const GoalSpec kEvenRing{"even-ring", "Even out the ring with virtual nodes",
                         "strategy=consistent with vnodes 32 or more, then play: keys per server within 25% of the mean.",
                         {{"strategy", 4}, {"vnodes", 128}}, even_ring_met, play_demo};
const GoalSpec kHotKey{"hot-key", "See a hot key that no strategy can split",
                       "workload=zipf, key=user_id: one user sends a tenth of all gets, and every one of them goes to the same server.",
                       {{"workload", 2}, {"servers", 8}}, hot_key_met, play_demo};
const GoalSpec kLastRange{"last-range-hotspot", "Pile every new row onto the last range",
                          "strategy=range, workload=sequential, key=order_id: new ids are all above the last bound.",
                          {{"strategy", 0}, {"workload", 1}, {"key", 1}}, last_range_met, play_demo};
const GoalSpec kDirectoryDown{"directory-down", "Crash the directory: lookups stop",
                              "strategy=directory, then crash dir: every get needs a lookup; fan-out scans still work.",
                              {{"strategy", 2}}, directory_down_met, directory_demo};
const GoalSpec kFanout{"fan-out", "Compare a get by the shard key with a fan-out scan",
                       "Play with fan-out queries on: a scan waits for the slowest of all servers.",
                       {{"fanout_pct", 50}, {"servers", 8}}, fanout_met, play_demo};

// --- Predictions -------------------------------------------------------------------------------

const std::vector<const char*> kMoveChoices = {"About 20% (1 in 5)", "About 50%", "About 80% (4 in 5)"};

// The choice nearest to the share that really moved.
int moved_outcome(const Lab& lab) {
  const double share = moved_share(stats(lab));
  const double centres[] = {0.2, 0.5, 0.8};
  int best = 0;
  for (int i = 1; i < 3; ++i)
    if (std::fabs(share - centres[i]) < std::fabs(share - centres[best])) best = i;
  return best;
}

std::string moved_sentence(const Lab& lab, const char* why) {
  const ShardingStats s = stats(lab);
  return std::to_string(s.last_moved) + " of " + std::to_string(s.last_total) + " keys moved (" +
         std::to_string(static_cast<int>(moved_share(s) * 100 + 0.5)) + "%): " + why;
}

std::string hash_explain(const Lab& lab) {
  return moved_sentence(lab, "a key stays only where hash mod 4 equals hash mod 5, which holds for 1 key in 5.");
}

std::string ring_explain(const Lab& lab) {
  return moved_sentence(lab, "the new server's tokens take over about 1/5 of the ring; every other key stays.");
}

void add_fifth(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  f.act("add-server");
  f.run_for(500 * kUsPerMs);
}

const PredictSpec kPredictHash{"hash-add-fifth", "4 servers with hash mod N. Add a fifth: what share of the keys moves?",
                               kMoveChoices, {{"strategy", 1}, {"servers", 4}}, add_fifth, moved_outcome, hash_explain};
const PredictSpec kPredictRing{"ring-add-fifth",
                               "4 servers on a consistent-hashing ring, 64 virtual nodes each. Add a fifth: what share moves?",
                               kMoveChoices, {{"strategy", 4}, {"servers", 4}, {"vnodes", 64}}, add_fifth, moved_outcome,
                               ring_explain};

}  // namespace

std::vector<LabInfo> sharding_labs() {
  LabInfo info{"sharding", "Sharding lab", "partitioning", settings(),
               {kHashMoves, kRingMoves, kEvenRing, kHotKey, kLastRange, kDirectoryDown, kFanout}, make};
  info.predictions = {kPredictHash, kPredictRing};
  info.checks = {};
  info.views = kViewCluster | kViewTimeline | kViewCharts | kViewFigures;
  return {info};
}

}  // namespace sim
