// The caching lab (lesson 6): hit ratio, stampedes and staleness against hand-computed cases,
// the Zipf sampler against its formula, and each prediction's outcome over 20 seeds.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "sim/caching.h"
#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/pooling.h"

namespace {

std::unique_ptr<sim::Lab> make(const std::string& text) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run(text, &run, &error), error);
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

int64_t number(const sim::Lab& lab, const char* label) { return sim::figure_number(lab, label); }

}  // namespace

TEST_CASE("zipf sampler: key k is drawn with probability (1/(k+1)^s) / H") {
  // s = 1 over 4 keys: weights 1, 1/2, 1/3, 1/4, H = 25/12 -> 48%, 24%, 16%, 12%.
  const sim::ZipfSampler zipf(4, 2);
  CHECK(zipf.ppm(0) == 480'000);
  CHECK(zipf.ppm(1) == 240'000);
  CHECK(std::abs(zipf.ppm(2) - 160'000) <= 1);  // integer weights round 2^40 / 3
  CHECK(zipf.ppm(3) == 120'000);
  const sim::ZipfSampler uniform(5, 0);
  for (int32_t k = 0; k < 5; ++k) CHECK(uniform.ppm(k) == 200'000);
  // s = 2 over 2 keys: 1 and 1/4 -> 80%, 20%; s = 0.5 over 4: 1, 0.707, 0.577, 0.5 -> 35.91% for k0.
  CHECK(sim::ZipfSampler(2, 4).ppm(0) == 800'000);
  CHECK(std::abs(sim::ZipfSampler(4, 1).ppm(0) - 359'130) < 100);
  // Draws follow the weights (100k draws: within 0.5 percentage points).
  sim::Rng rng(7);
  int counts[4] = {};
  for (int i = 0; i < 100'000; ++i) ++counts[zipf.sample(rng)];
  CHECK(std::abs(counts[0] - 48'000) < 500);
  CHECK(std::abs(counts[3] - 12'000) < 500);
}

TEST_CASE("caching lab: TTL 1 s, one key read every 100 ms for 10 s -> hit ratio 90%") {
  // Hand-computed: the first read misses and fills the entry; it expires 1 s after the fill,
  // so one read in ten misses. Reads at 0, 0.1, ... 9.9 s: 100 reads, 10 misses.
  std::unique_ptr<sim::Lab> lab = make(
      "v1;lab=caching;seed=1;apps=1;rate=10;arrivals=even;keys=1;writes_pct=0;ttl_ms=1000;latency_ms=0");
  lab->advance_to(10 * sim::kUsPerS - 1);
  CHECK(number(*lab, "cache hit") == 90);
  CHECK(number(*lab, "database") == 10);
  CHECK(lab->checkers().count(sim::FindingKind::StaleRead) == 0);
}

TEST_CASE("caching lab: random arrivals, one key -> hit ratio near rate*TTL / (rate*TTL + 1)") {
  // With memoryless-ish arrivals each cycle is one miss plus ~rate*TTL hits: 10/s x 1 s -> 10/11.
  int64_t hits = 0, all = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<sim::Lab> lab = make("v1;lab=caching;seed=" + std::to_string(seed) +
                                         ";apps=1;rate=10;keys=1;writes_pct=0;ttl_ms=1000;latency_ms=0");
    lab->advance_to(60 * sim::kUsPerS);
    hits += number(*lab, "cache hit");
    all += number(*lab, "cache hit") + number(*lab, "database");
  }
  MESSAGE("hit ratio over 20 seeds: ", hits * 1000 / all, " per mille");
  CHECK(hits * 1000 / all >= 890);
  CHECK(hits * 1000 / all <= 925);
}

TEST_CASE("caching lab: 20 readers of a missing hot key -> 20 database reads, 1 with coalescing") {
  for (const char* protect : {"none", "coalesce"}) {
    std::unique_ptr<sim::Lab> lab = make(std::string("v1;lab=caching;seed=2;rate=0;protect=") + protect);
    sim::Fixture f(*lab);
    f.run_for(100 * sim::kUsPerMs);
    REQUIRE(f.act("burst", sim::kNoNode, 20));
    f.run_for(sim::kUsPerS);
    const bool coalesce = std::string(protect) == "coalesce";
    CHECK(number(*lab, "database") == (coalesce ? 1 : 20));
    CHECK(number(*lab, "cache hit") == 0);
    CHECK(number(*lab, "Most reads of one key at once") == (coalesce ? 1 : 20));
    // 4 cores, 10 ms: without coalescing 20 reads queue 5 deep -> the last returns after 50 ms.
    CHECK(number(*lab, "Database queries in flight") == 0);
    if (coalesce) CHECK(number(*lab, "waited for loader") == 19);
  }
}

TEST_CASE("caching lab: stale reads by write policy after an update of the hot key") {
  // TTL-only: the cache serves the old version until the entry expires (here 2 s), so staleness
  // reaches ~TTL. Cache-aside and write-through: at most the instant until the delete/set lands.
  for (const char* strategy : {"ttl-only", "cache-aside", "write-through"}) {
    int64_t longest_ms = 0, stale = 0;
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      std::unique_ptr<sim::Lab> lab = make("v1;lab=caching;seed=" + std::to_string(seed) +
                                           ";writes_pct=0;ttl_ms=2000;strategy=" + strategy);
      sim::Fixture f(*lab);
      f.run_for(3 * sim::kUsPerS);
      f.act("update");
      f.run_for(3 * sim::kUsPerS);
      longest_ms = std::max(longest_ms, number(*lab, "Longest staleness"));
      stale += lab->checkers().count(sim::FindingKind::StaleRead);
    }
    MESSAGE(strategy, ": ", stale, " stale reads over 10 seeds, longest ", longest_ms, " ms");
    if (std::string(strategy) == "ttl-only") {
      CHECK(stale > 100);
      CHECK(longest_ms > 1000);
      CHECK(longest_ms <= 2000);
    } else {
      CHECK(longest_ms <= 5);  // a round trip of 1 ms links plus the database's reply
    }
  }
}

TEST_CASE("caching lab: expiring every key under load is a stampede; coalescing caps it at one per key") {
  for (const char* protect : {"none", "coalesce", "early"}) {
    std::unique_ptr<sim::Lab> lab = make(std::string("v1;lab=caching;seed=3;rate=2000;writes_pct=0;protect=") + protect);
    sim::Fixture f(*lab);
    f.run_for(3 * sim::kUsPerS);
    const int64_t warm_db = number(*lab, "database");
    f.act("flush");
    f.run_for(3 * sim::kUsPerS);
    const int64_t after_flush = number(*lab, "database") - warm_db;
    const int64_t peak = number(*lab, "Most reads of one key at once");
    MESSAGE(protect, ": ", after_flush, " database reads after the flush, peak ", peak, " of one key, peak inside ",
            number(*lab, "Database queries in flight"));
    if (std::string(protect) == "coalesce") {
      CHECK(after_flush <= 100);  // one per key
      CHECK(peak == 1);
    } else {
      CHECK(peak >= 10);
    }
  }
}

TEST_CASE("caching lab: early refresh keeps a hot key from expiring") {
  // One key, 200 reads/s, TTL 1 s, a 50 ms query: the cold start misses ~200/s x 52 ms = ~10
  // times either way. After that, without protection each expiry repeats it (9 more expiries
  // in 10 s); with early refresh a read in the last 100 ms reloads the entry before it expires.
  for (const char* protect : {"none", "early"}) {
    std::unique_ptr<sim::Lab> lab =
        make(std::string("v1;lab=caching;seed=4;apps=1;rate=200;keys=1;writes_pct=0;ttl_ms=1000;db_ms=50;protect=") + protect);
    lab->advance_to(sim::kUsPerS);
    const int64_t cold = number(*lab, "database");
    lab->advance_to(10 * sim::kUsPerS);
    const int64_t later = number(*lab, "database") - cold;
    MESSAGE(protect, ": ", cold, " database reads in the first second, ", later, " after");
    CHECK(cold >= 5);
    CHECK(cold <= 15);
    if (std::string(protect) == "early") CHECK(later == 0);
    else CHECK(later >= 9 * 5);
  }
}

TEST_CASE("caching lab: every prediction's outcome holds over 20 seeds") {
  const sim::LabInfo* info = sim::find_lab("caching");
  REQUIRE(info != nullptr);
  const int expected[] = {1, 2, 1};
  REQUIRE(info->predictions.size() == 3);
  for (size_t p = 0; p < info->predictions.size(); ++p) {
    const sim::PredictSpec& spec = info->predictions[p];
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      sim::RunSpec run = sim::default_run(*info, seed);
      for (const auto& s : spec.settings) run.settings[static_cast<size_t>(sim::setting_index(*info, s.first))] = s.second;
      std::string error;
      std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
      REQUIRE_MESSAGE(lab != nullptr, error);
      sim::Fixture f(*lab);
      spec.run(f);
      INFO(spec.id << " seed " << seed << ": " << spec.explain(*lab));
      CHECK(spec.outcome(*lab) == expected[p]);
      if (seed == 1) MESSAGE(spec.explain(*lab));
    }
  }
}
