// The lesson 6 caching lab: its settings, guided goals (a warm cache's hit ratio, a stampede
// when every key expires, coalescing stopping it, stale values after an update) and its
// "predict, then run" questions, answered from the run's own figures.
#include <cstring>

#include "sim/caching.h"
#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/pooling.h"  // latest_metric, mean_metric, figure_number

namespace sim {

namespace {

const char* const kArrivals[] = {"random", "even"};
const char* const kSkews[] = {"uniform", "mild", "zipf", "steep"};
const char* const kStrategies[] = {"ttl-only", "cache-aside", "write-through"};
const char* const kProtections[] = {"none", "coalesce", "early"};

// Order is part of the URL format: append only.
std::vector<SettingSpec> settings() {
  return {
      {"apps", "app servers", 1, 4, 2, nullptr},
      {"rate", "requests per second, all app servers together", 0, 5000, 500, nullptr},
      {"arrivals", "gaps between requests: random, or exactly even", 0, 1, 0, kArrivals},
      {"keys", "distinct keys", 1, 1000, 100, nullptr},
      {"skew", "key popularity: uniform, mild (Zipf s=0.5), zipf (s=1), steep (s=2)", 0, 3, 2, kSkews},
      {"writes_pct", "share of requests that update a key (%)", 0, 100, 2, nullptr},
      {"strategy", "after a database write: nothing (ttl-only), delete the key (cache-aside), set it (write-through)",
       0, 2, 1, kStrategies},
      {"ttl_ms", "time to live of a cache entry (ms)", 100, 600'000, 60'000, nullptr},
      {"jitter_pct", "stretch each entry's TTL by a random 0..this % so keys do not expire together", 0, 100, 0, nullptr},
      {"protect", "stampede protection: none, request coalescing, early refresh", 0, 2, 0, kProtections},
      {"db_cores", "database CPU cores", 1, 64, 4, nullptr},
      {"db_ms", "time of one database query (ms)", 1, 1000, 10, nullptr},
      {"latency_ms", "one-way network latency (ms)", 0, 1000, 1, nullptr},
  };
}

int64_t value(const std::vector<int64_t>& v, const char* key) {
  static const std::vector<SettingSpec> schema = settings();
  return setting_value(schema, v, key);
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  CachingConfig c;
  c.apps = static_cast<int>(value(v, "apps"));
  c.rate_per_s = static_cast<int>(value(v, "rate"));
  c.even_arrivals = value(v, "arrivals") != 0;
  c.keys = static_cast<int>(value(v, "keys"));
  c.skew = static_cast<int>(value(v, "skew"));
  c.write_percent = static_cast<int>(value(v, "writes_pct"));
  c.policy = static_cast<WritePolicy>(value(v, "strategy"));
  c.ttl_us = value(v, "ttl_ms") * kUsPerMs;
  c.ttl_jitter_percent = static_cast<int>(value(v, "jitter_pct"));
  c.protection = static_cast<Protection>(value(v, "protect"));
  c.db_cores = static_cast<int>(value(v, "db_cores"));
  c.db_query_us = value(v, "db_ms") * kUsPerMs;
  network->link.latency_us = value(v, "latency_ms") * kUsPerMs;
  network->link.jitter_us = 0;
  if (!c.validate(error)) return nullptr;
  return make_caching_scenario(c);
}

// --- Reading the run ---------------------------------------------------------------------------

int64_t stale_reads(const Lab& lab) { return lab.checkers().count(FindingKind::StaleRead); }
int64_t peak_same_key(const Lab& lab) { return figure_number(lab, "Most reads of one key at once"); }
int64_t flushes(const Lab& lab) { return lab.checkers().stats().notes[kNoteFlush]; }
int64_t reads(const Lab& lab) { return lab.checkers().stats().notes[kNoteRead]; }

// --- Goals -------------------------------------------------------------------------------------

bool warm_met(const Lab& lab) { return reads(lab) >= 500 && latest_metric(lab, "hit ratio") >= 90; }
bool stampede_met(const Lab& lab) { return peak_same_key(lab) >= 10; }

bool coalesce_met(const Lab& lab) {
  return lab.setting("protect") == static_cast<int64_t>(Protection::Coalesce) && flushes(lab) > 0 &&
         reads(lab) >= 1000 && peak_same_key(lab) <= 1;
}

// The TTL-only kind of staleness: the old version served long after the update, not the instant
// between a write and its delete that cache-aside allows.
bool stale_met(const Lab& lab) { return figure_number(lab, "Longest staleness") >= 500; }

void warm_demo(Fixture& f) { f.run_for(5 * kUsPerS); }

// Lesson 6: "a cache stampede happens when a hot key expires and thousands of requests miss at once".
void flush_demo(Fixture& f) {
  f.run_for(3 * kUsPerS);
  f.act("flush");
  f.run_for(3 * kUsPerS);
}

void update_demo(Fixture& f) {
  f.run_for(2 * kUsPerS);
  f.act("update");
  f.run_for(2 * kUsPerS);
}

const GoalSpec kWarm{"warm", "Reach a 90% hit ratio",
                     "Let the workload run: each key misses once, then the cache answers until the TTL runs out.",
                     {}, warm_met, warm_demo};
const GoalSpec kStampede{"stampede", "Cause a stampede on the hot key",
                         "With a busy workload, expire every key at once and watch the database's queries pile up.",
                         {{"rate", 2000}}, stampede_met, flush_demo};
const GoalSpec kCoalesce{"coalesce", "Stop the stampede with request coalescing",
                         "Set protect=coalesce and expire every key again: one reader per key goes to the database.",
                         {{"rate", 2000}, {"protect", 1}}, coalesce_met, flush_demo};
const GoalSpec kStale{"stale", "Serve stale values after an update",
                      "With strategy=ttl-only, update the hot key: the cache keeps serving the old version.",
                      {{"strategy", 0}}, stale_met, update_demo};

// --- Predictions -------------------------------------------------------------------------------

constexpr TimeUs kTtlChangeUs = 10 * kUsPerS;

void halve_ttl(Fixture& f) {
  f.run_for(kTtlChangeUs);
  f.act("ttl", kNoNode, f.lab().setting("ttl_ms") / 2);
  f.run_for(kTtlChangeUs);
}

int64_t hit_ratio_before(const Lab& lab) { return mean_metric(lab, "hit ratio", kTtlChangeUs - 4 * kUsPerS, kTtlChangeUs); }
int64_t hit_ratio_after(const Lab& lab) { return mean_metric(lab, "hit ratio", 2 * kTtlChangeUs - 4 * kUsPerS, 2 * kTtlChangeUs); }

int ttl_outcome(const Lab& lab) {
  const int64_t before = hit_ratio_before(lab), after = hit_ratio_after(lab);
  if (after * 10 <= before * 6) return 0;
  return after * 100 <= before * 98 ? 1 : 2;
}

std::string ttl_explain(const Lab& lab) {
  const int64_t rate = lab.setting("rate") / lab.setting("keys");
  return "The hit ratio went from " + std::to_string(hit_ratio_before(lab)) + "% to " +
         std::to_string(hit_ratio_after(lab)) + "%. Each key is read about " + std::to_string(rate) +
         " times a second, so an entry serves many hits before it expires: a key misses once per TTL, "
         "and halving the TTL only doubles those few misses.";
}

void burst_20(Fixture& f) {
  f.run_for(100 * kUsPerMs);
  f.act("burst", kNoNode, 20);
  f.run_for(kUsPerS);
}

int64_t db_reads(const Lab& lab) { return figure_number(lab, "database"); }

int burst_outcome(const Lab& lab) {
  const int64_t n = db_reads(lab);
  return n >= 20 ? 0 : n <= 1 ? 2 : 1;
}

std::string burst_explain(const Lab& lab) {
  return std::to_string(db_reads(lab)) + " of 20 reads reached the database. The first reader got the lease and "
         "loaded the key; the cache held the other 19 until that value arrived, then answered them all.";
}

void update_hot(Fixture& f) {
  f.run_for(2 * kUsPerS);
  f.act("update");
  f.run_for(3 * kUsPerS);
}

int64_t longest_stale_ms(const Lab& lab) { return figure_number(lab, "Longest staleness"); }

int staleness_outcome(const Lab& lab) { return longest_stale_ms(lab) >= 1000 ? 0 : 1; }

std::string staleness_explain(const Lab& lab) {
  return std::to_string(stale_reads(lab)) + " stale reads, the longest " + std::to_string(longest_stale_ms(lab)) + " ms" +
         " after the update. Cache-aside deletes the key right after the database write, so only reads "
         "that reach the cache in that instant see the old version; the 60 s TTL never comes into it.";
}

const PredictSpec kTtlPrediction{
    "ttl-halves", "100 keys of equal popularity, 500 reads a second, a 4 s TTL. At 10 s the TTL halves to 2 s. "
                  "What does the hit ratio do?",
    {"It halves", "It drops, by much less than half", "It does not change"},
    {{"skew", 0}, {"ttl_ms", 4000}, {"writes_pct", 0}}, halve_ttl, ttl_outcome, ttl_explain};

const PredictSpec kBurstPrediction{
    "coalesce-20", "The hot key is not in the cache and 20 readers ask for it at the same moment. With request "
                   "coalescing on, how many of them reach the database?",
    {"All 20", "About half", "Just 1"},
    {{"protect", 1}, {"rate", 0}}, burst_20, burst_outcome, burst_explain};

const PredictSpec kStalenessPrediction{
    "aside-staleness", "Cache-aside with a 60 s TTL: the app updates the hot key in the database and then deletes "
                       "it from the cache. For how long do readers get the old version?",
    {"Up to the TTL, 60 s", "At most a moment, until the delete lands"},
    {}, update_hot, staleness_outcome, staleness_explain};

}  // namespace

std::vector<LabInfo> caching_labs() {
  LabInfo lab{"caching", "Caching lab", "production", settings(), {kWarm, kStampede, kCoalesce, kStale}, make};
  lab.predictions = {kTtlPrediction, kBurstPrediction, kStalenessPrediction};
  lab.checks = {FindingKind::StaleRead};
  return {lab};
}

}  // namespace sim
