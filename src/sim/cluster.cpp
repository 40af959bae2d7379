// Lesson 1's cluster explorer (see cluster.h): placement, rebalancing on add-node, and which
// shards stay readable and writable as nodes, racks and regions fail.
#include "sim/cluster.h"

#include <algorithm>
#include <numeric>

#include "sim/sharding.h"

namespace sim {

namespace {

// ================================================================================================
// Wire format: a rebalancing copy, the only message (it animates replicas moving to a new node)
// ================================================================================================

enum MsgType : uint16_t { kCopyOrder = 1, kCopy };

struct CopyOrder {  // operator -> the node giving up a replica
  static constexpr uint16_t kType = kCopyOrder;
  int32_t shard;
  int32_t to;
  TraceArgs trace_args() const { return {shard, to}; }
};

struct Copy {  // that node -> the new node: the shard's data
  static constexpr uint16_t kType = kCopy;
  int32_t shard;
  int32_t keys;
  TraceArgs trace_args() const { return {shard, keys}; }
};

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  out += type == kCopyOrder ? "op-copy s" : "copy s";
  append_int(out, a.a + 1);
  if (type == kCopy) {
    out += ", ";
    append_int(out, a.b);
    out += " keys";
  }
}

const char* timer_name(int32_t) { return "?"; }
void note_text(const TraceEvent& e, const std::vector<std::string>&, std::string& out) { append_int(out, e.code); }

const char* const kRegionNames[] = {"eu-west", "us-east", "ap-south"};

// The region actions offer only this cluster's regions.
Vocabulary vocabulary_for(int regions) {
  return {label, timer_name, note_text,
          {{"add-node", "", "Add a node", "bring a spare machine into the cluster; replicas move to it"},
           {"fail-region", "v", "Fail a region", "crash every node of one region", 1, regions, kRegionNames},
           {"restore-region", "v", "Restore a region", "restart the crashed nodes of one region", 1, regions, kRegionNames}}};
}

// ================================================================================================
// Placement: shared by the nodes (each holds the replicas listed for it)
// ================================================================================================

struct Placement {
  explicit Placement(const ClusterConfig& c) : config(c) {}

  int total() const { return config.nodes + config.spares; }
  int region(NodeId n) const { return n % config.regions; }
  int rack(NodeId n) const { return (n / config.regions) % config.racks; }
  int rack_id(NodeId n) const { return region(n) * config.racks + rack(n); }
  bool member(NodeId n) const { return n < members; }
  int load(NodeId n) const {
    int l = 0;
    for (const std::vector<NodeId>& r : replicas) l += static_cast<int>(std::count(r.begin(), r.end(), n));
    return l;
  }
  bool holds(int shard, NodeId n) const {
    const std::vector<NodeId>& r = replicas[static_cast<size_t>(shard)];
    return std::find(r.begin(), r.end(), n) != r.end();
  }
  // Could `n` take a replica of `shard` from `giver` (kNoNode: a new replica) without sharing a
  // rack with another replica? Regions count first: with 3 regions, a shard spans them all.
  int conflicts(int shard, NodeId n, NodeId giver) const {
    int c = 0;
    for (NodeId other : replicas[static_cast<size_t>(shard)]) {
      if (other == giver) continue;
      c += (region(other) == region(n)) * 2 + (rack_id(other) == rack_id(n));
    }
    return c;
  }

  // The run seed reaches the placement through the first node's first start (its random stream).
  void place(uint64_t seed) {
    Rng rng(seed);
    members = config.nodes;
    replicas.assign(static_cast<size_t>(config.shards), {});
    for (int s = 0; s < config.shards; ++s)
      for (int r = 0; r < config.rf; ++r) replicas[static_cast<size_t>(s)].push_back(pick(s, rng));
    keys.assign(static_cast<size_t>(config.shards), 0);
    for (int k = 1; k <= config.keys; ++k) ++keys[hash_key(static_cast<uint64_t>(k)) % static_cast<uint64_t>(config.shards)];
    ready = true;
  }

  // Rack-aware: fewest conflicts, then least loaded, ties at random. Otherwise: any node at random.
  NodeId pick(int shard, Rng& rng) const {
    std::vector<NodeId> candidates;
    for (NodeId n = 0; n < members; ++n)
      if (!holds(shard, n)) candidates.push_back(n);
    if (!config.rack_aware) return candidates[static_cast<size_t>(rng.below(static_cast<int64_t>(candidates.size())))];
    NodeId best = kNoNode;
    int64_t best_score = INT64_MAX;
    for (NodeId n : candidates) {
      const int64_t score = (int64_t{conflicts(shard, n, kNoNode)} << 48) + (int64_t{load(n)} << 32) + rng.below(1 << 30);
      if (score < best_score) best = n, best_score = score;
    }
    return best;
  }

  /// Brings the next spare in and moves replicas onto it until it holds its share; returns the
  /// (shard, giver) moves. A move never adds a rack conflict under rack-aware placement.
  std::vector<std::pair<int, NodeId>> add_node() {
    std::vector<std::pair<int, NodeId>> moves;
    if (members >= total()) return moves;
    const NodeId fresh = members++;
    ++nodes_added;
    const int target = config.shards * config.rf / members;
    while (load(fresh) < target) {
      std::vector<NodeId> givers;
      for (NodeId n = 0; n < fresh; ++n) givers.push_back(n);
      std::stable_sort(givers.begin(), givers.end(), [this](NodeId a, NodeId b) { return load(a) > load(b); });
      bool moved = false;
      for (NodeId giver : givers) {
        if (load(giver) <= load(fresh) + 1) break;  // already even
        for (int s = 0; s < config.shards && !moved; ++s) {
          if (!holds(s, giver) || holds(s, fresh)) continue;
          if (config.rack_aware && conflicts(s, fresh, giver) > conflicts(s, giver, giver)) continue;
          std::vector<NodeId>& r = replicas[static_cast<size_t>(s)];
          *std::find(r.begin(), r.end(), giver) = fresh;
          moves.emplace_back(s, giver);
          moved = true;
        }
        if (moved) break;
      }
      if (!moved) break;
    }
    replicas_moved += static_cast<int64_t>(moves.size());
    return moves;
  }

  const ClusterConfig config;
  bool ready = false;
  int members = 0;
  std::vector<std::vector<NodeId>> replicas;  // per shard
  std::vector<int64_t> keys;                  // per shard
  int nodes_added = 0;
  int64_t replicas_moved = 0;
};

class ClusterNode : public Protocol {
 public:
  explicit ClusterNode(Placement& placement) : placement_(placement) {}
  const Placement& placement() const { return placement_; }

  void on_start(Context& ctx) override {
    if (!placement_.ready) placement_.place(ctx.rng().next());
  }
  void on_crash() override {}
  void on_timer(Context&, TimerId) override {}
  void on_message(Context& ctx, const Message& m) override {
    if (m.type != kCopyOrder) return;
    const CopyOrder o = m.body_as<CopyOrder>();
    ctx.send(o.to, Copy{o.shard, static_cast<int32_t>(placement_.keys[static_cast<size_t>(o.shard)])});
  }

 private:
  Placement& placement_;  // durable: which replicas a node holds is on its disk
};

// ================================================================================================
// Availability
// ================================================================================================

// Groups of up nodes that can reach each other both ways (a partition splits them).
std::vector<int> components(const Engine& engine) {
  const int n = engine.node_count();
  std::vector<int> group(static_cast<size_t>(n));
  std::iota(group.begin(), group.end(), 0);
  const auto root = [&group](int a) {
    while (group[static_cast<size_t>(a)] != a) a = group[static_cast<size_t>(a)];
    return a;
  };
  for (NodeId a = 0; a < n; ++a)
    for (NodeId b = a + 1; b < n; ++b)
      if (!engine.network().is_cut(a, b) && !engine.network().is_cut(b, a)) group[static_cast<size_t>(root(b))] = root(a);
  for (NodeId a = 0; a < n; ++a) group[static_cast<size_t>(a)] = root(a);
  return group;
}

ShardHealth health(const Engine& engine, const Placement& p, int shard, const std::vector<int>& group) {
  ShardHealth h;
  h.replicas = p.replicas[static_cast<size_t>(shard)];
  h.keys = p.keys[static_cast<size_t>(shard)];
  std::vector<int> up_in(static_cast<size_t>(engine.node_count()), 0);
  for (NodeId n : h.replicas)
    if (engine.status(n) == NodeStatus::Up) {
      ++h.up;
      ++up_in[static_cast<size_t>(group[static_cast<size_t>(n)])];
    }
  h.readable = h.up > 0;
  const int majority = static_cast<int>(h.replicas.size()) / 2 + 1;
  h.writable = *std::max_element(up_in.begin(), up_in.end()) >= majority;
  return h;
}

// True when some rack (region) with members has all of them down.
bool all_down(const Engine& engine, const Placement& p, bool whole_region) {
  const int units = whole_region ? p.config.regions : p.config.regions * p.config.racks;
  for (int u = 0; u < units; ++u) {
    int members = 0, down = 0;
    for (NodeId n = 0; n < p.members; ++n)
      if ((whole_region ? p.region(n) : p.rack_id(n)) == u) {
        ++members;
        down += engine.status(n) != NodeStatus::Up ? 1 : 0;
      }
    if (members > 0 && down == members) return true;
  }
  return false;
}

// ================================================================================================
// The scenario
// ================================================================================================

std::string node_name(NodeId n) { return "n" + std::to_string(n + 1); }
std::string shard_name(int s) { return "s" + std::to_string(s + 1); }

class ClusterScenario : public Scenario {
 public:
  explicit ClusterScenario(const ClusterConfig& config)
      : config_(config), vocabulary_(vocabulary_for(config.regions)), placement_(config) {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (NodeId n = 0; n < placement_.total(); ++n) out.push_back(node_name(n));
    return out;
  }

  void build(Engine& engine) override {
    for (NodeId n = 0; n < placement_.total(); ++n) engine.add_node(node_name(n), std::make_unique<ClusterNode>(placement_));
  }

  const Vocabulary& vocabulary() const override { return vocabulary_; }

  bool validate(const Command& c, std::string* error) const override {
    if (c.verb == Verb::Act) return true;  // the lab checked the region against value_max
    *error = "not a cluster-explorer command";
    return false;
  }

  void apply(Engine& engine, const Command& c) override {
    if (c.verb != Verb::Act) return;
    if (c.b == 0) {
      const NodeId fresh = placement_.members;
      for (const auto& [shard, giver] : placement_.add_node()) engine.inject(giver, CopyOrder{shard, fresh});
      return;
    }
    for (NodeId n = 0; n < placement_.total(); ++n) {
      if (placement_.region(n) != c.value - 1) continue;
      if (c.b == 1) engine.crash(n);
      else engine.restart(n);
    }
  }

  void describe(const Engine&, NodeId node, NodeView& view) const override {
    const int region = placement_.region(node), rack = placement_.rack(node);
    view.group = std::string(region_name(region)) + " / rack " + std::to_string(rack + 1);
    // Regions side by side, racks side by side inside them, a rack's nodes one above the other.
    const int per_rack = (placement_.total() + config_.regions * config_.racks - 1) / (config_.regions * config_.racks);
    const int slot = node / (config_.regions * config_.racks);
    view.x = 0.06f + 0.88f * (static_cast<float>(region) + (static_cast<float>(rack) + 0.5f) / static_cast<float>(config_.racks)) /
                         static_cast<float>(config_.regions);
    view.y = 0.18f + 0.72f * (static_cast<float>(slot) + 0.5f) / static_cast<float>(per_rack);
    if (!placement_.member(node)) {
      view.kind = "spare";
      view.detail = "spare";
      return;
    }
    view.kind = "db";
    std::string held;
    for (int s = 0; s < config_.shards; ++s)
      if (placement_.holds(s, node)) held += (held.empty() ? "" : " ") + shard_name(s);
    view.detail = held.empty() ? "no replicas" : held;
  }

  // Nothing changes between commands, so there is no time series: the figures tell it all.
  bool traces_client_ops() const override { return false; }
  std::vector<MetricSpec> metrics() const override { return {}; }
  void sample(const Engine&, std::vector<int64_t>&) const override {}

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    const ClusterReport r = cluster_report(engine);
    shards_figure(r, out);
    data_figure(engine, r, out);
  }

 private:
  void shards_figure(const ClusterReport& r, std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Table, "Shards");
    f.columns = {"shard", "replicas on", "up", "readable", "writable"};
    for (size_t s = 0; s < r.shards.size(); ++s) {
      const ShardHealth& h = r.shards[s];
      std::string on;
      for (NodeId n : h.replicas) on += (on.empty() ? "" : " ") + node_name(n);
      const int rf = static_cast<int>(h.replicas.size());
      f.rows.push_back({{shard_name(static_cast<int>(s))},
                        {on},
                        {std::to_string(h.up) + " of " + std::to_string(rf), h.up == rf ? Tone::Good : h.up > 0 ? Tone::Warn : Tone::Bad},
                        {h.readable ? "yes" : "no", h.readable ? Tone::Good : Tone::Bad},
                        {h.writable ? "yes" : "no", h.writable ? Tone::Good : Tone::Bad}});
    }
    f.caption = std::to_string(r.readable) + " of " + std::to_string(r.shards.size()) + " shards readable (a copy up), " +
                std::to_string(r.writable) + " writable (a majority up and connected: " + std::to_string(config_.rf / 2 + 1) +
                " of " + std::to_string(config_.rf) + ")";
  }

  void data_figure(const Engine& engine, const ClusterReport& r, std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Bars, "Data per node", "keys");
    for (NodeId n = 0; n < placement_.members; ++n)
      f.bars.push_back({node_name(n), r.keys_per_node[static_cast<size_t>(n)],
                        engine.status(n) == NodeStatus::Up ? Tone::Neutral : Tone::Bad});
    f.caption = std::to_string(config_.keys) + " keys x " + std::to_string(config_.rf) + " copies over " +
                std::to_string(placement_.members) + " nodes: " + std::to_string(static_cast<int64_t>(r.mean_keys + 0.5)) +
                " keys per node on average" +
                (r.nodes_added > 0 ? " (was " + std::to_string(static_cast<int64_t>(r.mean_keys_at_start + 0.5)) + "; " +
                                         std::to_string(r.replicas_moved) + " replicas moved)"
                                   : "");
  }

  const ClusterConfig config_;
  const Vocabulary vocabulary_;
  Placement placement_;
};

}  // namespace

const char* region_name(int region) { return region >= 0 && region < 3 ? kRegionNames[region] : "?"; }

bool ClusterConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const std::string& message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(nodes >= 3 && nodes <= kMaxNodes, "nodes must be 3..16") &&
         check(spares >= 0 && nodes + spares <= kMaxNodes, "nodes + spares must be at most 16") &&
         check(regions >= 1 && regions <= 3, "regions must be 1..3") &&
         check(racks >= 1 && racks <= 4, "racks per region must be 1..4") &&
         check(shards >= 1 && shards <= 24, "shards must be 1..24") &&
         check(rf >= 1 && rf <= 5, "replication factor must be 1..5") &&
         check(rf <= nodes, "replication factor " + std::to_string(rf) + " needs at least " + std::to_string(rf) +
                                " nodes: each copy of a shard sits on a different node") &&
         check(keys >= 1 && keys <= 1'000'000, "keys must be 1..1000000");
}

std::unique_ptr<Scenario> make_cluster_scenario(const ClusterConfig& config) {
  return std::make_unique<ClusterScenario>(config);
}

ClusterReport cluster_report(const Engine& engine) {
  ClusterReport r;
  if (engine.node_count() == 0) return r;
  const ClusterNode* node = dynamic_cast<const ClusterNode*>(&engine.protocol(0));
  if (node == nullptr || !node->placement().ready) return r;
  const Placement& p = node->placement();
  const std::vector<int> group = components(engine);
  r.keys_per_node.assign(static_cast<size_t>(engine.node_count()), 0);
  for (int s = 0; s < p.config.shards; ++s) {
    r.shards.push_back(health(engine, p, s, group));
    r.readable += r.shards.back().readable ? 1 : 0;
    r.writable += r.shards.back().writable ? 1 : 0;
    for (NodeId n : r.shards.back().replicas) r.keys_per_node[static_cast<size_t>(n)] += r.shards.back().keys;
  }
  for (NodeId n = 0; n < engine.node_count(); ++n) {
    r.member.push_back(p.member(n));
    r.region.push_back(p.region(n));
    r.rack.push_back(p.rack(n));
  }
  r.nodes_added = p.nodes_added;
  r.replicas_moved = p.replicas_moved;
  const double copies = static_cast<double>(p.config.keys) * p.config.rf;
  r.mean_keys_at_start = copies / p.config.nodes;
  r.mean_keys = copies / p.members;
  r.rack_aware = p.config.rack_aware;
  r.rack_down = all_down(engine, p, false);
  r.region_down = all_down(engine, p, true);
  return r;
}

}  // namespace sim
