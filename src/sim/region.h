// sim/region.h — one write region with read replicas in other regions (course lesson 6,
// "Multi-region architecture", "The speed of light is a hard limit"): latencies follow the real
// distances between cloud regions, reads are local and possibly stale, every write crosses to the
// primary region, a standby in the primary region takes over automatically, and losing the whole
// primary region leaves writes unavailable until an operator promotes a replica in another region
// (losing what asynchronous replication had not shipped yet).
//
// Usage:
//   sim::RegionConfig config;                       // primary us-east, replicas eu-central + ap-southeast
//   config.user_region = sim::kEuCentral;           // where the second client sits
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_region_scenario(config);
//   sim::TimeUs floor_us = sim::fibre_rtt_floor_us(sim::kUsEast, sim::kEuCentral);  // 65.6 ms
//
// Cast (node ids in this order): n1 the primary and n2 its standby (two zones of the primary
// region), then one replica per replica region (n3, ...), then c1 (a user in the primary region)
// and c2 (a user in user_region). Replication is asynchronous across regions (shipped in batches
// every ship_interval) and semi-synchronous to the standby (a write is acknowledged once the
// standby holds it, while the standby is alive).
//
// Light in fibre travels about 200 km per ms (two thirds of c), so a one-way trip over d km takes
// at least d / 200 ms; cables do not follow great circles, so links take route_pct % of that.
// Until the network can carry per-link latencies, the extra cross-region delay is applied by the
// receiving node, which holds a message until it would have arrived (see Wire in region.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sim/scenario.h"
#include "sim/types.h"

namespace sim {

enum RegionIndex : int { kUsEast = 0, kUsWest, kSaEast, kEuWest, kEuCentral, kApSouth, kApSoutheast, kApNortheast };
constexpr int kRegions = 8;

/// "us-east" ... (ASCII names, also the values of the region settings and of fail-region).
extern const char* const kRegionNames[kRegions];
/// Where the region's data centres are, e.g. "Virginia".
extern const char* const kRegionPlaces[kRegions];

/// Approximate great-circle distance between two regions, km.
int64_t region_distance_km(int a, int b);
/// The physical floor on a round trip: 2 * distance / (200 km/ms).
TimeUs fibre_rtt_floor_us(int a, int b);

/// Which regions hold a read replica (presets keep links short).
enum class ReplicaLayout : uint8_t { None, Europe, EuropeAsia, World };

struct RegionConfig {
  int primary_region = kUsEast;
  ReplicaLayout layout = ReplicaLayout::EuropeAsia;
  int user_region = kEuCentral;
  /// Fibre route length over the great-circle distance, percent (>= 100).
  int route_pct = 150;
  /// One-way delay between two zones of one region (and the base of every link).
  TimeUs zone_latency_us = 500;
  /// Statements in a write transaction, each a round trip to the primary (1 = batched).
  int round_trips = 5;
  /// Reads go to the nearest replica (true) or to the primary.
  bool local_reads = true;
  /// The primary ships WAL to cross-region replicas in batches this often (asynchronous
  /// replication: a batch not shipped yet dies with the region).
  TimeUs ship_interval_us = 100 * kUsPerMs;
  /// A replica applies what it received after this long (replay lag on top of the distance).
  TimeUs apply_delay_us = 50 * kUsPerMs;
  /// Silence from the primary after which its standby promotes itself.
  TimeUs failover_timeout_us = 1000 * kUsPerMs;
  /// Workload per client, operations per second, and the share that are writes.
  int ops_per_s = 4;
  int write_percent = 50;

  bool validate(std::string* error) const;
};

/// Regions holding a replica under `layout`, excluding the primary region, in region order.
std::vector<int> replica_regions(ReplicaLayout layout, int primary_region);

std::unique_ptr<Scenario> make_region_scenario(const RegionConfig& config);

/// Codes of the Note records the scenario writes (CheckerStats::notes index).
enum RegionNote : uint8_t {
  kNoteRegionFailed = 1,   ///< a = region index
  kNotePromoteAuto = 2,    ///< the standby promoted itself (in-region failover); a = epoch
  kNotePromoteManual = 3,  ///< an operator promoted this node (cross-region failover); a = epoch
};

}  // namespace sim
