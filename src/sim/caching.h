// sim/caching.h — an application cache (Redis/Memcached-like) in front of a database (course
// lesson 6 "Caching"): cache-aside, write-through and TTL-only invalidation, hit ratio, stale
// reads, and the stampede when a hot key expires.
//
// Usage:
//   sim::CachingConfig config;                  // 2 app servers, cache-aside, 60 s TTL
//   config.protection = sim::Protection::Coalesce;
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_caching_scenario(config);
//
// Cast (node ids in this order): a1..aN app servers (each serves requests arriving at its share
// of the rate: reads and writes of Zipf-popular keys), "cache", then "db".
//
// The behaviours the lesson promises (and the tests hold it to):
//  * Reads go to the cache; a miss reads the database and fills the cache with a TTL. The hit
//    ratio is what share of reads the cache answered.
//  * Writes go to the database; then cache-aside deletes the key, write-through sets the new
//    value, TTL-only does nothing, so the cache serves the old value until the entry expires. A
//    read that returns a version older than one the database committed before the read began is
//    a stale read (FindingKind::StaleRead).
//  * When a hot key expires (or everything is flushed), every concurrent reader misses and goes
//    to the database: a stampede. Request coalescing (Facebook's memcache leases, Nishtala et al.
//    NSDI 2013 §3.2.1: one reader loads, the others wait for its value) lets exactly one through;
//    early refresh (refresh-ahead: the first hit in the last 10% of the TTL reloads the entry
//    while it is still served) keeps a hot key from ever expiring.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/rng.h"
#include "sim/zipf.h"
#include "sim/scenario.h"
#include "sim/types.h"

namespace sim {

/// How writes reach the cache.
enum class WritePolicy : uint8_t {
  TtlOnly,       ///< writes go to the database only; the cache learns at expiry
  CacheAside,    ///< write the database, then delete the key (lesson 6 table)
  WriteThrough,  ///< write the database, then set the key to the new value
};

/// What protects the database when a popular key is missing from the cache.
enum class Protection : uint8_t {
  None,
  Coalesce,      ///< one loader per key; other readers wait for its value (memcache leases)
  EarlyRefresh,  ///< the first hit in the last 10% of the TTL refreshes the entry in the background
};

/// Popularity exponents the lab offers, in halves (0 = uniform ... 4 = s 2).
constexpr int kZipfHalves[] = {0, 1, 2, 4};

struct CachingConfig {
  /// App servers (1..4).
  int apps = 2;
  /// Requests per second over all app servers (0..5000).
  int rate_per_s = 500;
  /// true: each app server's requests come exactly evenly spaced; false: uniformly random gaps.
  bool even_arrivals = false;
  /// Distinct keys (1..1000) and their popularity (index into kZipfHalves).
  int keys = 100;
  int skew = 2;
  /// Share of requests that are writes.
  int write_percent = 2;
  WritePolicy policy = WritePolicy::CacheAside;
  TimeUs ttl_us = 60 * kUsPerS;
  /// Each entry's TTL is stretched by a random 0..jitter_percent % (lesson 6: "add jitter so keys
  /// do not expire together").
  int ttl_jitter_percent = 0;
  Protection protection = Protection::None;
  /// The database: cores and the time of one query.
  int db_cores = 4;
  TimeUs db_query_us = 10 * kUsPerMs;
  /// A request gives up after this long.
  TimeUs timeout_us = 5 * kUsPerS;

  bool validate(std::string* error) const;
};

std::unique_ptr<Scenario> make_caching_scenario(const CachingConfig& config);

/// Codes of the Note records the caching lab writes (CheckerStats::notes index).
enum CachingNote : uint8_t {
  kNoteDbWrite = 1,   ///< db: key (a) now has version (b)
  kNoteRead = 2,      ///< app: a read of key (a) returned version (b), invoked at (c); peer = cache or db
  kNoteFlush = 3,     ///< cache: every entry dropped
};

}  // namespace sim
