// sim/cluster.h — lesson 1's cluster explorer: nodes in racks and regions, data split into
// shards, each shard replicated on `rf` nodes (lesson 1 "Node", "Replica", "Shard", "Cluster";
// the Cassandra-style ring of lesson 2: "Replication factor determines copies").
//
// Usage:
//   sim::ClusterConfig config;  config.rf = 3;  config.rack_aware = true;
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_cluster_scenario(config);
//   ...  sim::ClusterReport r = sim::cluster_report(lab.engine());   // which shards survive
//
// Cast: n1..nK, the nodes in the cluster first, then spare machines ("add-node" brings the next
// one in and moves replicas onto it). Node i sits in region i mod regions and rack
// (i / regions) mod racks, so consecutive nodes land in different regions, then racks.
//
// The rule the figures follow (lesson 4 previews it): a shard stays readable while one replica
// is up, and writable while a majority of its replicas (2 of 3, 3 of 5) are up and can reach
// each other. Rack-aware placement puts a shard's replicas in different regions first, then
// different racks, so losing one rack (or one region, with rf >= 3 over 3 regions) costs each
// shard at most one replica; random placement can put two replicas behind the same switch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace sim {

struct ClusterConfig {
  /// Nodes in the cluster at the start (3..16), and spare machines add-node can bring in.
  int nodes = 12;
  int spares = 2;
  /// Regions (1..3) and racks in each region (1..4).
  int regions = 3;
  int racks = 2;
  /// Shards the data is split into (1..24) and copies of each (1..5, at most nodes).
  int shards = 12;
  int rf = 3;
  /// Replicas in distinct regions, then racks; otherwise on random nodes.
  bool rack_aware = true;
  /// Keys in the data set; each lands on shard hash(key) mod shards.
  int keys = 12'000;

  bool validate(std::string* error) const;
};

std::unique_ptr<Scenario> make_cluster_scenario(const ClusterConfig& config);

struct ShardHealth {
  std::vector<NodeId> replicas;
  int up = 0;           ///< replicas on nodes that are up
  bool readable = false;
  bool writable = false;
  int64_t keys = 0;
};

/// The cluster as the figures, goals and tests read it (empty for any other engine).
struct ClusterReport {
  std::vector<ShardHealth> shards;
  std::vector<int64_t> keys_per_node;  ///< by node id; 0 for spares
  std::vector<bool> member;            ///< by node id: in the cluster (not a spare)
  std::vector<int> region, rack;       ///< by node id
  int readable = 0, writable = 0;
  int nodes_added = 0;
  int64_t replicas_moved = 0;          ///< by add-node, in all
  double mean_keys_at_start = 0;       ///< per member node, before any add-node
  double mean_keys = 0;                ///< per member node, now
  bool rack_aware = false;
  /// True when every member of some rack (region) is down.
  bool rack_down = false, region_down = false;
};
ClusterReport cluster_report(const Engine& engine);

/// "eu-west", "us-east", "ap-south".
const char* region_name(int region);

}  // namespace sim
