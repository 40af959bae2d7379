// The partitioning model of lesson 3: rows and requests per workload, the five strategies, the
// ring, and the resharding figures (see sharding.h for what the tests hold it to).
#include "sim/sharding.h"

#include <algorithm>
#include <map>

namespace sim {

namespace {

constexpr uint64_t kFirstTimestamp = 1'700'000'000;  // seconds; one order every 30 s

std::vector<int> first_servers(int n) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i) out.push_back(i);
  return out;
}

}  // namespace

const char* strategy_name(ShardStrategy s) {
  static const char* const kNames[] = {"range", "hash mod N", "directory", "geographic", "consistent hashing"};
  return kNames[static_cast<int>(s)];
}

const char* workload_name(Workload w) {
  static const char* const kNames[] = {"uniform", "sequential", "zipf", "country"};
  return kNames[static_cast<int>(w)];
}

const char* shard_key_name(ShardKey k) {
  static const char* const kNames[] = {"user_id", "order_id", "tenant_id", "status", "country", "timestamp"};
  return kNames[static_cast<int>(k)];
}

const char* country_name(uint64_t country) {
  static const char* const kNames[] = {"US", "DE", "FR", "GB", "IN", "BR", "JP", "NG", "MX", "AU"};
  return country < kCountries ? kNames[country] : "?";
}

uint64_t hash_key(uint64_t value) {
  uint64_t state = value;
  return splitmix64(state);
}

// --- Zipf ------------------------------------------------------------------------------------

// --- Rows and requests -------------------------------------------------------------------------

uint64_t Row::field(ShardKey key) const {
  switch (key) {
    case ShardKey::UserId: return user_id;
    case ShardKey::OrderId: return order_id;
    case ShardKey::TenantId: return tenant_id;
    case ShardKey::Status: return status;
    case ShardKey::Country: return country;
    case ShardKey::Timestamp: return timestamp;
  }
  return 0;
}

RowGenerator::RowGenerator(Workload workload) : workload_(workload), zipf_(workload == Workload::Zipf ? kUsers : 1, /*s_halves=*/2) {}

Row RowGenerator::row(Rng& rng, uint64_t order_id) const {
  Row r;
  r.order_id = order_id;
  r.timestamp = kFirstTimestamp + 30 * order_id;
  r.user_id = workload_ == Workload::Zipf ? static_cast<uint64_t>(zipf_.sample(rng)) + 1  // user ids are ranks 1..n
                                          : static_cast<uint64_t>(1 + rng.below(kUsers));
  r.tenant_id = 1 + hash_key(r.user_id) % kTenants;  // a tenant's users: as skewed as its users
  const int64_t status = rng.below(100);               // 70 % active, 20 % inactive, 10 % pending
  r.status = status < 70 ? 0 : status < 90 ? 1 : 2;
  if (workload_ == Workload::Country)
    r.country = rng.below(100) < 80 ? 0 : static_cast<uint64_t>(1 + rng.below(kCountries - 1));
  else
    r.country = static_cast<uint64_t>(rng.below(kCountries));
  return r;
}

Row RowGenerator::request(Rng& rng, uint64_t rows, uint64_t sequence) const {
  if (workload_ == Workload::Sequential) return row(rng, rows + 1 + sequence);
  const uint64_t order_id = 1 + static_cast<uint64_t>(rng.below(static_cast<int64_t>(rows)));
  return row(rng, order_id);
}

ShardData::ShardData(Workload workload, uint64_t seed, int rows, int requests) {
  const RowGenerator gen(workload);
  Rng rng(seed);
  for (int i = 1; i <= rows; ++i) rows_.push_back(gen.row(rng, static_cast<uint64_t>(i)));
  for (int i = 0; i < requests; ++i)
    requests_.push_back(gen.request(rng, static_cast<uint64_t>(rows), static_cast<uint64_t>(i)));
}

std::vector<uint64_t> ShardData::project(const std::vector<Row>& rows, ShardKey key) {
  std::vector<uint64_t> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(r.field(key));
  return out;
}

// --- Strategies --------------------------------------------------------------------------------

ShardMap::ShardMap(ShardStrategy strategy, std::vector<int> servers, int vnodes, uint64_t salt)
    : strategy_(strategy), servers_(std::move(servers)), vnodes_(std::max(1, vnodes)), salt_(salt) {
  if (strategy_ == ShardStrategy::Consistent) build_ring();
}

// Each server's tokens depend only on the salt and its own id, so adding a server leaves every
// other token where it was (Karger et al. 1997; Dynamo §4.2 virtual nodes).
void ShardMap::build_ring() {
  ring_.clear();
  for (int s : servers_)
    for (int v = 0; v < vnodes_; ++v) {
      const uint64_t h = hash_key(salt_ ^ hash_key((static_cast<uint64_t>(s) + 1) << 20 | static_cast<uint64_t>(v)));
      ring_.push_back(RingToken{static_cast<uint32_t>(h >> 32), s});
    }
  std::sort(ring_.begin(), ring_.end(), [](const RingToken& a, const RingToken& b) {
    return a.position != b.position ? a.position < b.position : a.server < b.server;
  });
}

int ShardMap::server_index(int server) const {
  for (size_t i = 0; i < servers_.size(); ++i)
    if (servers_[i] == server) return static_cast<int>(i);
  return 0;
}

void ShardMap::fit(const std::vector<uint64_t>& values) {
  if (values.empty()) return;
  if (strategy_ == ShardStrategy::Range) {
    range_lo_ = *std::min_element(values.begin(), values.end());
    range_hi_ = *std::max_element(values.begin(), values.end());
  }
  if (strategy_ != ShardStrategy::Directory) return;
  // A new value goes to the server with the fewest keys so far (ties: the lowest index).
  std::map<uint64_t, int> entries;
  std::vector<int64_t> load(servers_.size(), 0);
  for (uint64_t v : values) {
    auto it = entries.find(v);
    if (it == entries.end()) {
      const int least = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
      it = entries.emplace(v, servers_[static_cast<size_t>(least)]).first;
    }
    ++load[static_cast<size_t>(server_index(it->second))];
  }
  directory_.assign(entries.begin(), entries.end());
}

int ShardMap::shard_of(uint64_t value) const {
  const uint64_t n = servers_.size();
  switch (strategy_) {
    case ShardStrategy::Range: {
      // Equal-width ranges over the stored keys' min..max; the last range is open-ended.
      if (value <= range_lo_) return 0;
      const uint64_t width = (range_hi_ - range_lo_) / n + 1;
      return static_cast<int>(std::min<uint64_t>((value - range_lo_) / width, n - 1));
    }
    case ShardStrategy::Hash: return static_cast<int>(hash_key(value) % n);
    case ShardStrategy::Directory: {
      const auto it = std::lower_bound(directory_.begin(), directory_.end(), std::make_pair(value, INT32_MIN));
      if (it != directory_.end() && it->first == value) return server_index(it->second);
      return static_cast<int>(hash_key(value) % n);  // a key never seen: the directory's default
    }
    case ShardStrategy::Geo:
      // Countries in blocks of neighbours: with 4 servers, US DE FR | GB IN | BR JP NG | MX AU.
      return static_cast<int>(std::min<uint64_t>(value, kCountries - 1) * n / kCountries);
    case ShardStrategy::Consistent: {
      const uint32_t pos = ring_position(value);
      auto it = std::lower_bound(ring_.begin(), ring_.end(), pos,
                                 [](const RingToken& t, uint32_t p) { return t.position < p; });
      if (it == ring_.end()) it = ring_.begin();  // past the last token: wrap to the first
      return server_index(it->server);
    }
  }
  return 0;
}

std::vector<int64_t> ShardMap::count(const std::vector<uint64_t>& values) const {
  std::vector<int64_t> out(servers_.size(), 0);
  for (uint64_t v : values) ++out[static_cast<size_t>(shard_of(v))];
  return out;
}

ShardMap ShardMap::resized(std::vector<int> servers, const std::vector<uint64_t>& values) const {
  ShardMap next(strategy_, std::move(servers), vnodes_, salt_);
  if (strategy_ != ShardStrategy::Directory) {
    next.range_lo_ = range_lo_;
    next.range_hi_ = range_hi_;
    return next;
  }
  // Keys per directory entry, then: entries of a removed server go to the least-loaded server;
  // a new server takes entries from the most loaded ones until it holds its share.
  next.directory_ = directory_;
  std::vector<int64_t> weight(directory_.size(), 0);
  for (uint64_t v : values) {
    const auto it = std::lower_bound(directory_.begin(), directory_.end(), std::make_pair(v, INT32_MIN));
    if (it != directory_.end() && it->first == v) ++weight[static_cast<size_t>(it - directory_.begin())];
  }
  const size_t n = next.servers_.size();
  std::vector<int64_t> load(n, 0);
  std::vector<std::vector<size_t>> held(n);
  std::vector<size_t> orphans;
  for (size_t i = 0; i < next.directory_.size(); ++i) {
    const int s = next.directory_[i].second;
    const auto at = std::find(next.servers_.begin(), next.servers_.end(), s);
    if (at == next.servers_.end()) {
      orphans.push_back(i);
      continue;
    }
    const size_t k = static_cast<size_t>(at - next.servers_.begin());
    load[k] += weight[i];
    held[k].push_back(i);
  }
  const auto least = [&load] { return static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin()); };
  for (size_t i : orphans) {
    const size_t k = least();
    next.directory_[i].second = next.servers_[k];
    load[k] += weight[i];
    held[k].push_back(i);
  }
  int64_t total = 0;
  for (int64_t l : load) total += l;
  for (size_t k = 0; k < n; ++k) {
    if (!held[k].empty() || load[k] > 0) continue;  // only a newcomer starts empty
    while (load[k] < total / static_cast<int64_t>(n)) {
      const size_t donor = static_cast<size_t>(std::max_element(load.begin(), load.end()) - load.begin());
      if (donor == k || held[donor].empty()) break;
      const size_t i = held[donor].back();
      held[donor].pop_back();
      next.directory_[i].second = next.servers_[k];
      load[donor] -= weight[i];
      load[k] += weight[i];
      held[k].push_back(i);
    }
  }
  return next;
}

double moved_fraction(ShardStrategy strategy, int from, int to, int vnodes, uint64_t salt,
                      const std::vector<uint64_t>& values) {
  if (values.empty()) return 0;
  ShardMap before(strategy, first_servers(from), vnodes, salt);
  before.fit(values);
  const ShardMap after = before.resized(first_servers(to), values);
  int64_t moved = 0;
  for (uint64_t v : values)
    moved += before.servers()[static_cast<size_t>(before.shard_of(v))] != after.servers()[static_cast<size_t>(after.shard_of(v))];
  return static_cast<double>(moved) / static_cast<double>(values.size());
}

double imbalance(const std::vector<int64_t>& counts) {
  int64_t total = 0, top = 0;
  for (int64_t c : counts) {
    total += c;
    top = std::max(top, c);
  }
  return total <= 0 ? 0.0 : static_cast<double>(top) * static_cast<double>(counts.size()) / static_cast<double>(total);
}

std::vector<uint64_t> random_keys(uint64_t seed, int count) {
  Rng rng(seed);
  std::vector<uint64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(rng.next());
  return out;
}

}  // namespace sim
