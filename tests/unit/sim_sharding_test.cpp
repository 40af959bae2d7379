// Lesson 3's partitioning figures against their theoretical values, over many seeds: how many
// keys move when a server joins (hash mod N: N/(N+1); consistent hashing: 1/(N+1)), how evenly
// virtual nodes spread keys, the hotspot of range sharding on an increasing key, the Zipf hot
// key's share; then the lab itself: its router, directory, fan-out, goals and predictions.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/sharding.h"

namespace {

using sim::ShardKey;
using sim::ShardStrategy;
using sim::Workload;

constexpr int kKeys = 100'000;
constexpr int kSeeds = 20;

std::unique_ptr<sim::Lab> open(const std::string& run_text) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run(run_text, &run, &error), error);
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

}  // namespace

TEST_CASE("hash mod N moves N/(N+1) of the keys when a server joins (within 2 points, 20 seeds)") {
  for (int n = 3; n <= 10; ++n)
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      const double moved = sim::moved_fraction(ShardStrategy::Hash, n, n + 1, 1, seed, sim::random_keys(seed, kKeys));
      const double theory = static_cast<double>(n) / (n + 1);
      INFO("N=", n, " seed=", seed, " moved=", moved, " theory=", theory);
      CHECK(std::fabs(moved - theory) < 0.02);
    }
}

TEST_CASE("consistent hashing moves about 1/(N+1) of the keys, closer as virtual nodes grow") {
  // The newcomer's share of the ring is the sum of V arcs: Beta(V, N·V), standard deviation
  // about 1/((N+1)·sqrt(V)). Per seed we allow ~4.5 standard deviations; the mean over 20 seeds
  // must sit within a tighter band.
  struct Band {
    int vnodes;
    double per_seed;  // absolute tolerance of one seed, in fractions of all keys
    double mean;      // of the mean over the seeds
  };
  for (const Band band : {Band{16, 0.12, 0.04}, Band{256, 0.03, 0.01}})
    for (int n = 3; n <= 10; ++n) {
      double sum = 0;
      for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
        const double moved =
            sim::moved_fraction(ShardStrategy::Consistent, n, n + 1, band.vnodes, seed, sim::random_keys(seed, kKeys));
        const double theory = 1.0 / (n + 1);
        INFO("V=", band.vnodes, " N=", n, " seed=", seed, " moved=", moved, " theory=", theory);
        CHECK(std::fabs(moved - theory) < band.per_seed);
        sum += moved;
      }
      INFO("V=", band.vnodes, " N=", n, " mean moved=", sum / kSeeds);
      CHECK(std::fabs(sum / kSeeds - 1.0 / (n + 1)) < band.mean);
    }
}

TEST_CASE("removing a server: hash mod N moves most keys, the ring only the leaver's") {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const std::vector<uint64_t> keys = sim::random_keys(seed, kKeys);
    CHECK(std::fabs(sim::moved_fraction(ShardStrategy::Hash, 5, 4, 1, seed, keys) - 0.8) < 0.02);
    CHECK(std::fabs(sim::moved_fraction(ShardStrategy::Consistent, 5, 4, 256, seed, keys) - 0.2) < 0.03);
  }
}

TEST_CASE("imbalance (max/mean keys per server) shrinks as virtual nodes grow 1 -> 16 -> 256") {
  double mean[3] = {0, 0, 0};
  const int vnodes[3] = {1, 16, 256};
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const std::vector<uint64_t> keys = sim::random_keys(seed, kKeys);
    double im[3];
    for (int i = 0; i < 3; ++i) {
      sim::ShardMap map(ShardStrategy::Consistent, {0, 1, 2, 3, 4, 5, 6, 7}, vnodes[i], seed);
      im[i] = sim::imbalance(map.count(keys));
      mean[i] += im[i] / kSeeds;
    }
    INFO("seed ", seed, ": ", im[0], " ", im[1], " ", im[2]);
    CHECK(im[2] < im[0]);
    CHECK(im[2] < 1.25);  // 8 servers x Gamma(256) arcs: sd 6 % each, max ~1.4 sd above
  }
  CHECK(mean[0] > 1.8);  // one token per server: arcs as uneven as random points make them
  CHECK(mean[1] < mean[0]);
  CHECK(mean[1] < 1.45);
  CHECK(mean[2] < mean[1]);
  CHECK(mean[2] < 1.12);
  MESSAGE("mean imbalance for 1, 16, 256 vnodes: ", mean[0], " ", mean[1], " ", mean[2]);
  // hash mod N over 100k keys is even: only sampling noise.
  sim::ShardMap hash(ShardStrategy::Hash, {0, 1, 2, 3, 4, 5, 6, 7}, 1, 1);
  CHECK(sim::imbalance(hash.count(sim::random_keys(3, kKeys))) < 1.03);
}

TEST_CASE("range sharding on an increasing key sends every new write to the last shard") {
  for (const ShardKey key : {ShardKey::OrderId, ShardKey::Timestamp})
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      const sim::ShardData data(Workload::Sequential, seed, 20'000, 5'000);
      sim::ShardMap range(ShardStrategy::Range, {0, 1, 2, 3}, 1, seed);
      range.fit(data.values(key));
      CHECK(sim::imbalance(range.count(data.values(key))) < 1.01);  // stored keys: even
      const std::vector<int64_t> writes = range.count(data.request_values(key));
      CHECK(writes[3] == 5'000);  // new writes: all on the last shard
      sim::ShardMap hash(ShardStrategy::Hash, {0, 1, 2, 3}, 1, seed);
      CHECK(sim::imbalance(hash.count(data.request_values(key))) < 1.15);  // hashing spreads them
    }
}

TEST_CASE("the Zipf sampler's hottest key takes 1/H(n) of the draws") {
  const sim::ZipfSampler zipf(sim::kUsers, /*s_halves=*/2);
  const double analytic = zipf.probability(0);
  CHECK(analytic == doctest::Approx(1.0 / 9.787606).epsilon(1e-5));  // H(10000) = 9.787606...
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    sim::Rng rng(seed);
    int hottest = 0, second = 0, out_of_range = 0;
    for (int i = 0; i < kKeys; ++i) {
      const int64_t k = zipf.sample(rng) + 1;  // rank
      hottest += k == 1;
      second += k == 2;
      out_of_range += k < 1 || k > sim::kUsers;
    }
    CHECK(out_of_range == 0);
    // Binomial(100k, 0.102): standard deviation 0.1 points; allow 0.5.
    CHECK(std::fabs(hottest / double(kKeys) - analytic) < 0.005);
    CHECK(std::fabs(second / double(kKeys) - zipf.probability(1)) < 0.005);
  }
}

TEST_CASE("shard-key candidates: cardinality and skew as lesson 3 describes them") {
  const sim::ShardData data(Workload::Country, 5, 20'000);
  sim::ShardMap hash(ShardStrategy::Hash, {0, 1, 2, 3}, 1, 5);
  // status has 3 values: with 4 servers at least one holds nothing.
  const std::vector<int64_t> by_status = hash.count(data.values(ShardKey::Status));
  CHECK(std::count(by_status.begin(), by_status.end(), 0) >= 1);
  // country with 80 % in one country: one server holds at least 80 % of the keys.
  const std::vector<int64_t> by_country = hash.count(data.values(ShardKey::Country));
  CHECK(*std::max_element(by_country.begin(), by_country.end()) >= 20'000 * 78 / 100);
  CHECK(sim::imbalance(hash.count(data.values(ShardKey::UserId))) < 1.1);
}

TEST_CASE("directory: a new server takes its share and the rest stays put") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const sim::ShardData data(Workload::Uniform, seed, 20'000);
    const std::vector<uint64_t> v = data.values(ShardKey::UserId);
    sim::ShardMap dir(ShardStrategy::Directory, {0, 1, 2, 3}, 1, seed);
    dir.fit(v);
    CHECK(sim::imbalance(dir.count(v)) < 1.01);
    const sim::ShardMap grown = dir.resized({0, 1, 2, 3, 4}, v);
    CHECK(sim::imbalance(grown.count(v)) < 1.05);
    CHECK(std::fabs(sim::moved_fraction(ShardStrategy::Directory, 4, 5, 1, seed, v) - 0.2) < 0.01);
  }
}

// ================================================================================================
// The lab
// ================================================================================================

namespace {

std::string sharding_run(uint64_t seed, const std::string& settings) {
  return "v1;lab=sharding;seed=" + std::to_string(seed) + settings;
}

const sim::LabInfo& sharding_lab() { return *sim::find_lab("sharding"); }

// Runs prediction `id` on `seed` the way the UI does: its settings on top of the defaults.
std::unique_ptr<sim::Lab> run_prediction(const sim::LabInfo& info, const sim::PredictSpec& p, uint64_t seed) {
  sim::RunSpec run = sim::default_run(info, seed);
  for (const auto& s : p.settings) run.settings[static_cast<size_t>(sim::setting_index(info, s.first))] = s.second;
  std::string error;
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  sim::Fixture f(*lab);
  p.run(f);
  REQUIRE_MESSAGE(f.last_error().empty(), f.last_error());
  return lab;
}

}  // namespace

TEST_CASE("sharding lab: predictions come out the same in 20 seeds (hash: ~80% moves; ring: ~20%)") {
  const sim::LabInfo& info = sharding_lab();
  REQUIRE(info.predictions.size() == 2);
  const int expected[] = {2, 0};
  for (size_t i = 0; i < info.predictions.size(); ++i)
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      std::unique_ptr<sim::Lab> lab = run_prediction(info, info.predictions[i], seed);
      const sim::PredictSpec& p = info.predictions[i];
      INFO(p.id, " seed ", seed, ": ", p.explain(*lab));
      CHECK(p.outcome(*lab) == expected[i]);
      CHECK(p.explain(*lab).find("keys moved") != std::string::npos);
    }
}

TEST_CASE("sharding lab: the live resharding moves what the model predicts, and messages carry it") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    std::unique_ptr<sim::Lab> lab = open(sharding_run(seed, ";strategy=hash;servers=4"));
    sim::Fixture f(*lab);
    f.run_for(sim::kUsPerS);
    const sim::ShardingStats before = sim::sharding_stats(lab->engine());
    CHECK(before.servers == 4);
    REQUIRE(f.act("add-server"));
    f.run_for(sim::kUsPerS);
    const sim::ShardingStats after = sim::sharding_stats(lab->engine());
    CHECK(after.servers == 5);
    CHECK(after.reshards == 1);
    CHECK(std::fabs(double(after.last_moved) / double(after.last_total) - 0.8) < 0.02);
    // The servers hand the moved keys over: the migrate messages add up to the moved count.
    int64_t migrated = 0;
    for (const sim::TraceEvent& e : lab->trace())
      if (e.kind == sim::TraceKind::Deliver && lab->engine().names()[e.node] != "rt" && e.x == 8) migrated += e.b;
    CHECK(migrated == after.last_moved);
    // remove it again: the ring strategy would move only its keys; hash mod N moves most again.
    REQUIRE(f.act("remove-server", f.node("s5")));
    f.run_for(100 * sim::kUsPerMs);
    CHECK(sim::sharding_stats(lab->engine()).servers == 4);
  }
}

TEST_CASE("sharding lab: a crashed directory stops every lookup by key; fan-out scans go on") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    std::unique_ptr<sim::Lab> lab = open(sharding_run(seed, ";strategy=directory;fanout_pct=30"));
    sim::Fixture f(*lab);
    f.run_for(2 * sim::kUsPerS);
    const sim::ShardingStats up = sim::sharding_stats(lab->engine());
    CHECK(up.keyed_done > 20);
    CHECK(up.timeouts == 0);
    f.crash(f.node("dir"));
    f.run_for(600 * sim::kUsPerMs);  // answers already on their way arrive
    const sim::ShardingStats crashed = sim::sharding_stats(lab->engine());
    f.run_for(4 * sim::kUsPerS);
    const sim::ShardingStats later = sim::sharding_stats(lab->engine());
    CHECK(later.keyed_done == crashed.keyed_done);  // not one more get answered
    CHECK(later.fanout_done > crashed.fanout_done);  // scans do not need the directory
    CHECK(later.timeouts > 3);
    f.restart(f.node("dir"));
    f.run_for(2 * sim::kUsPerS);
    CHECK(sim::sharding_stats(lab->engine()).keyed_done > later.keyed_done);
  }
}

TEST_CASE("sharding lab: a crashed server fails its gets and every scan; the rest keeps working") {
  std::unique_ptr<sim::Lab> lab = open(sharding_run(2, ";fanout_pct=20"));
  sim::Fixture f(*lab);
  f.run_for(sim::kUsPerS);
  f.crash(f.node("s1"));
  f.run_for(20 * sim::kUsPerS);  // long enough to fill the router's table if it never forgot
  const sim::ShardingStats crashed = sim::sharding_stats(lab->engine());
  f.run_for(5 * sim::kUsPerS);
  const sim::ShardingStats later = sim::sharding_stats(lab->engine());
  // Gets for s2..s4 are still answered (fewer: each client waits out its timeouts first).
  CHECK(later.keyed_done > crashed.keyed_done + 10);
  CHECK(later.fanout_done == crashed.fanout_done);    // a scan needs every server
  CHECK(later.timeouts > crashed.timeouts);
}

TEST_CASE("sharding lab: a fan-out scan costs more than a get by the shard key") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    std::unique_ptr<sim::Lab> lab = open(sharding_run(seed, ";servers=8;fanout_pct=50"));
    lab->advance_to(10 * sim::kUsPerS);
    const sim::ShardingStats s = sim::sharding_stats(lab->engine());
    INFO("seed ", seed, ": keyed ", s.keyed_latency_ms, " ms, fan-out ", s.fanout_latency_ms, " ms");
    CHECK(s.keyed_done > 50);
    CHECK(s.fanout_done > 50);
    CHECK(s.fanout_latency_ms > 1.2 * s.keyed_latency_ms);
  }
}

TEST_CASE("sharding lab: every goal's demonstration meets it in 10 seeds") {
  const sim::LabInfo& info = sharding_lab();
  for (const sim::GoalSpec& goal : info.goals)
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      sim::RunSpec run = sim::default_run(info, seed);
      for (const auto& s : goal.demo_settings) run.settings[static_cast<size_t>(sim::setting_index(info, s.first))] = s.second;
      std::string error;
      std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
      REQUIRE_MESSAGE(lab != nullptr, error);
      CHECK_FALSE(goal.met(*lab));
      sim::Fixture f(*lab);
      goal.demo(f);
      const sim::ShardingStats s = sim::sharding_stats(lab->engine());
      INFO(goal.id, " seed ", seed, ": ", sim::encode_run(lab->run()), " served ", s.requests_served, " imbalance ",
           s.request_imbalance);
      CHECK(goal.met(*lab));
    }
}

TEST_CASE("sharding lab: bad settings give a sentence, the same seed the same run") {
  sim::RunSpec run;
  std::string error;
  CHECK_FALSE(sim::decode_run(sharding_run(1, ";servers=10;spares=5"), &run, &error));
  CHECK(error == "servers + spares must be at most 12");
  std::unique_ptr<sim::Lab> a = open(sharding_run(4, ";strategy=consistent;vnodes=16")),
                            b = open(sharding_run(4, ";strategy=consistent;vnodes=16"));
  sim::Fixture fa(*a), fb(*b);
  for (sim::Fixture* f : {&fa, &fb}) {
    f->run_for(sim::kUsPerS);
    f->act("add-server");
    f->run_for(sim::kUsPerS);
  }
  CHECK(a->trace_hash() == b->trace_hash());
  CHECK(a->figures().size() == 6);  // keys, gets, ring, resharding, query cost, candidates
}

TEST_CASE("sharding lab figures: the ring holds every token and the sample keys, moved ones marked") {
  std::unique_ptr<sim::Lab> lab = open(sharding_run(4, ";strategy=consistent;vnodes=16;workload=zipf"));
  sim::Fixture f(*lab);
  f.run_for(3 * sim::kUsPerS);
  REQUIRE(f.act("add-server"));
  f.run_for(sim::kUsPerS);
  const std::vector<sim::Figure> figures = lab->figures();
  REQUIRE(figures.size() == 6);
  const sim::Figure& keys = figures[0];
  int64_t stored = 0;
  for (const sim::FigureBar& b : keys.bars) stored += b.value;
  CHECK(keys.bars.size() == 5);
  CHECK(stored == 20'000);
  const sim::Figure& ring = figures[2];
  REQUIRE(ring.kind == sim::Figure::Kind::Ring);
  int tokens = 0, sample = 0, moved = 0;
  for (const sim::RingMark& m : ring.ring) {
    tokens += m.token ? 1 : 0;
    sample += m.token ? 0 : 1;
    moved += m.moved ? 1 : 0;
    if (m.moved) CHECK(m.owner == 4);  // a moved key now belongs to the newcomer s5
  }
  CHECK(tokens == 5 * 16);
  CHECK(sample == 120);
  CHECK(moved > 5);   // about 1/5 of 120
  CHECK(moved < 50);
  const sim::Figure& resharding = figures[3];
  CHECK(resharding.rows.size() == 3);  // hash mod N, ring, and this lab's own move
  const sim::Figure& candidates = figures[5];
  REQUIRE(candidates.rows.size() == 6);
  CHECK(candidates.rows[3][0].text == "status");
  CHECK(candidates.rows[3][1].text == "3");
  CHECK(candidates.rows[1][2].text == "increasing");
}
