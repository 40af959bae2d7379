// The lesson 1 cluster explorer: nodes, shards and replicas made visible; crash nodes, racks or a
// region and see which shards stay readable and writable; add nodes and see data spread.
#include <algorithm>

#include "sim/cluster.h"
#include "sim/fixture.h"
#include "sim/lab.h"

namespace sim {

namespace {

const char* const kPlacements[] = {"random", "rack-aware"};

// Order is part of the URL format: append only.
enum SettingIndex { kNodes, kSpares, kRegions, kRacks, kShards, kRf, kPlacement };

std::vector<SettingSpec> settings() {
  return {
      {"nodes", "nodes in the cluster at the start", 3, 16, 12, nullptr},
      {"spares", "spare machines Add a node can bring in", 0, 13, 2, nullptr},
      {"regions", "regions (eu-west, us-east, ap-south)", 1, 3, 3, nullptr},
      {"racks", "racks in each region", 1, 4, 2, nullptr},
      {"shards", "shards the data is split into", 1, 24, 12, nullptr},
      {"rf", "replication factor: copies of each shard, on different nodes", 1, 5, 3, nullptr},
      {"placement", "where copies go: random nodes, or different regions and racks first", 0, 1, 1, kPlacements},
  };
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig*, std::string* error) {
  ClusterConfig c;
  c.nodes = static_cast<int>(v[kNodes]);
  c.spares = static_cast<int>(v[kSpares]);
  c.regions = static_cast<int>(v[kRegions]);
  c.racks = static_cast<int>(v[kRacks]);
  c.shards = static_cast<int>(v[kShards]);
  c.rf = static_cast<int>(v[kRf]);
  c.rack_aware = v[kPlacement] == 1;
  if (!c.validate(error)) return nullptr;
  return make_cluster_scenario(c);
}

ClusterReport report(const Lab& lab) { return cluster_report(lab.engine()); }
int shard_count(const ClusterReport& r) { return static_cast<int>(r.shards.size()); }

// --- Goals -------------------------------------------------------------------------------------

bool lost_shard_met(const Lab& lab) {
  const ClusterReport r = report(lab);
  return r.readable < shard_count(r);
}

bool rack_survived_met(const Lab& lab) {
  const ClusterReport r = report(lab);
  return r.rack_aware && r.rack_down && r.writable == shard_count(r);
}

bool region_survived_met(const Lab& lab) {
  const ClusterReport r = report(lab);
  return lab.setting("regions") >= 3 && r.region_down && r.writable == shard_count(r);
}

bool spread_met(const Lab& lab) {
  const ClusterReport r = report(lab);
  if (r.nodes_added == 0 || r.mean_keys >= r.mean_keys_at_start) return false;
  for (size_t n = 0; n < r.member.size(); ++n)
    if (r.member[n] && r.keys_per_node[n] == 0) return false;  // every newcomer took a share
  return true;
}

// The first node and every other member of its rack.
std::vector<NodeId> first_rack(const ClusterReport& r) {
  std::vector<NodeId> out;
  for (size_t n = 0; n < r.member.size(); ++n)
    if (r.member[n] && r.region[n] == r.region[0] && r.rack[n] == r.rack[0]) out.push_back(static_cast<NodeId>(n));
  return out;
}

void crash_all(Fixture& f, const std::vector<NodeId>& nodes) {
  for (NodeId n : nodes) f.crash(n);
  f.run_for(200 * kUsPerMs);
}

void lose_shard_demo(Fixture& f) {
  f.run_for(200 * kUsPerMs);
  crash_all(f, {f.node("n1")});
}

void rack_demo(Fixture& f) {
  f.run_for(200 * kUsPerMs);
  crash_all(f, first_rack(report(f.lab())));
}

void region_demo(Fixture& f) {
  f.run_for(200 * kUsPerMs);
  f.act("fail-region", kNoNode, 1);
  f.run_for(200 * kUsPerMs);
}

void spread_demo(Fixture& f) {
  f.run_for(200 * kUsPerMs);
  f.act("add-node");
  f.run_for(300 * kUsPerMs);
  f.act("add-node");
  f.run_for(500 * kUsPerMs);
}

const GoalSpec kLoseShard{"lose-shard", "Lose a shard completely",
                          "With rf=1 every shard has one copy: crash the node that holds it.",
                          {{"rf", 1}}, lost_shard_met, lose_shard_demo};
const GoalSpec kSurviveRack{"survive-rack", "Survive a rack failure",
                            "With rack-aware placement and rf=3, crash every node of one rack: all shards stay writable.",
                            {{"placement", 1}, {"rf", 3}}, rack_survived_met, rack_demo};
const GoalSpec kSurviveRegion{"survive-region", "Survive a region failure",
                              "rf=3 across 3 regions: fail a whole region; each shard keeps 2 of its 3 copies.",
                              {{"regions", 3}, {"rf", 3}}, region_survived_met, region_demo};
const GoalSpec kSpread{"spread", "Add nodes and watch data per node fall",
                       "Add a node: replicas move to it until it holds its share.",
                       {}, spread_met, spread_demo};

// --- Predictions -------------------------------------------------------------------------------

const std::vector<const char*> kRackChoices = {"None of them", "Some of them", "All of them"};

int unwritable_outcome(const Lab& lab) {
  const ClusterReport r = report(lab);
  const int lost = shard_count(r) - r.writable;
  return lost == 0 ? 0 : lost == shard_count(r) ? 2 : 1;
}

std::string unwritable_explain(const Lab& lab) {
  const ClusterReport r = report(lab);
  // Shards with two or more replicas in the crashed rack.
  int doubled = 0;
  for (const ShardHealth& h : r.shards) doubled += h.up < 2 ? 1 : 0;
  const std::string lost = std::to_string(shard_count(r) - r.writable) + " of " + std::to_string(shard_count(r)) +
                           " shards lost their write majority: ";
  return r.rack_aware ? lost + "rack-aware placement put each shard's 3 copies in 3 different racks, so one rack "
                               "takes at most one copy of each."
                      : lost + "random placement put 2 copies of " + std::to_string(doubled) +
                               " shards in that one rack, and 1 copy left is not a majority of 3.";
}

// Crashes the rack holding two or more copies of the most shards (for rack-aware placement,
// every rack ties at zero and the first one goes).
void crash_worst_rack(Fixture& f) {
  f.run_for(200 * kUsPerMs);
  const ClusterReport r = report(f.lab());
  std::vector<NodeId> worst;
  int worst_doubled = -1;
  for (size_t a = 0; a < r.member.size(); ++a) {
    std::vector<NodeId> rack;
    for (size_t n = 0; n < r.member.size(); ++n)
      if (r.member[n] && r.region[n] == r.region[a] && r.rack[n] == r.rack[a]) rack.push_back(static_cast<NodeId>(n));
    int doubled = 0;
    for (const ShardHealth& h : r.shards) {
      int in_rack = 0;
      for (NodeId n : h.replicas) in_rack += std::find(rack.begin(), rack.end(), n) != rack.end() ? 1 : 0;
      doubled += in_rack >= 2 ? 1 : 0;
    }
    if (doubled > worst_doubled) worst = rack, worst_doubled = doubled;
  }
  crash_all(f, worst);
}

// 6 nodes in 3 racks of 2, one region: a rack is a third of the cluster.
const std::vector<std::pair<const char*, int64_t>> kRackRun = {
    {"nodes", 6}, {"spares", 0}, {"regions", 1}, {"racks", 3}, {"shards", 12}, {"rf", 3}};

std::vector<std::pair<const char*, int64_t>> rack_run(int64_t placement) {
  std::vector<std::pair<const char*, int64_t>> out = kRackRun;
  out.push_back({"placement", placement});
  return out;
}

}  // namespace

std::vector<LabInfo> cluster_labs() {
  LabInfo info{"cluster-explorer", "Cluster explorer", "introduction", settings(),
               {kLoseShard, kSurviveRack, kSurviveRegion, kSpread}, make};
  info.predictions = {
      {"rack-aware-rack", "rf=3, rack-aware placement, 3 racks of 2 nodes. Both nodes of one rack crash: how many of "
                          "the 12 shards can no longer take writes?",
       kRackChoices, rack_run(1), crash_worst_rack, unwritable_outcome, unwritable_explain},
      {"random-rack", "rf=3, random placement, 3 racks of 2 nodes. The rack holding the most doubled-up copies "
                      "crashes: how many of the 12 shards can no longer take writes?",
       kRackChoices, rack_run(0), crash_worst_rack, unwritable_outcome, unwritable_explain},
  };
  info.checks = {};
  info.views = kViewCluster | kViewFigures;  // the figures say it all; nothing changes between commands
  return {info};
}

}  // namespace sim
