// Lesson 1's cluster explorer: placement keeps a shard's copies apart, a shard is readable with
// one copy up and writable with a majority up and connected, add-node spreads data; every goal
// and prediction comes out the same over many seeds.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>

#include "sim/cluster.h"
#include "sim/fixture.h"
#include "sim/lab.h"

namespace {

using sim::ClusterReport;
constexpr int kSeeds = 20;

std::unique_ptr<sim::Lab> open(uint64_t seed, const std::string& settings) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run("v1;lab=cluster-explorer;seed=" + std::to_string(seed) + settings, &run, &error), error);
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

ClusterReport report(const sim::Lab& lab) { return sim::cluster_report(lab.engine()); }

int rack_of(const ClusterReport& r, sim::NodeId n) { return r.region[static_cast<size_t>(n)] * 4 + r.rack[static_cast<size_t>(n)]; }

}  // namespace

TEST_CASE("rack-aware placement: copies in distinct regions, then distinct racks, evenly loaded") {
  for (const char* settings : {"", ";regions=1;racks=3;nodes=6;spares=0", ";regions=2;racks=2;nodes=8;rf=4",
                               ";regions=3;racks=1;nodes=9;rf=5;shards=18"})
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      std::unique_ptr<sim::Lab> lab = open(seed, settings);
      const ClusterReport r = report(*lab);
      const int regions = static_cast<int>(lab->setting("regions")), racks = static_cast<int>(lab->setting("racks"));
      const int rf = static_cast<int>(lab->setting("rf"));
      INFO(settings, " seed ", seed);
      int64_t copies = 0;
      for (const sim::ShardHealth& h : r.shards) {
        REQUIRE(static_cast<int>(h.replicas.size()) == rf);
        std::set<int> nodes(h.replicas.begin(), h.replicas.end()), region_set, rack_set;
        for (sim::NodeId n : h.replicas) {
          region_set.insert(r.region[static_cast<size_t>(n)]);
          rack_set.insert(rack_of(r, n));
        }
        CHECK(static_cast<int>(nodes.size()) == rf);
        CHECK(static_cast<int>(region_set.size()) == std::min(rf, regions));
        CHECK(static_cast<int>(rack_set.size()) == std::min(rf, regions * racks));
        CHECK(h.readable);
        CHECK(h.writable);
      }
      for (size_t n = 0; n < r.member.size(); ++n) copies += r.keys_per_node[n];
      CHECK(copies == 12'000 * rf);  // every key stored rf times
    }
}

TEST_CASE("availability: readable with one copy up, writable with a majority up and connected") {
  std::unique_ptr<sim::Lab> lab = open(3, ";rf=3");
  sim::Fixture f(*lab);
  const std::vector<sim::NodeId> copies = report(*lab).shards[0].replicas;
  f.crash(copies[0]);
  CHECK(report(*lab).shards[0].writable);  // 2 of 3
  f.crash(copies[1]);
  CHECK(report(*lab).shards[0].readable);
  CHECK_FALSE(report(*lab).shards[0].writable);  // 1 of 3 is no majority
  f.crash(copies[2]);
  CHECK_FALSE(report(*lab).shards[0].readable);
  for (sim::NodeId n : copies) f.restart(n);
  CHECK(report(*lab).writable == 12);
  // A partition: the copy cut off alone cannot write, the two together still can.
  f.partition({copies[0]});
  CHECK(report(*lab).shards[0].writable);
  f.heal();
  f.partition({copies[0], copies[1]});  // the majority side holds 2 of 3
  CHECK(report(*lab).shards[0].writable);
  f.heal();
  // rf=5: 3 of 5 needed.
  std::unique_ptr<sim::Lab> five = open(3, ";rf=5");
  sim::Fixture g(*five);
  const std::vector<sim::NodeId> c5 = report(*five).shards[0].replicas;
  g.crash(c5[0]);
  g.crash(c5[1]);
  CHECK(report(*five).shards[0].writable);
  g.crash(c5[2]);
  CHECK_FALSE(report(*five).shards[0].writable);
  CHECK(report(*five).shards[0].readable);
}

TEST_CASE("rf=1: crashing a node loses exactly the shards it holds") {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    std::unique_ptr<sim::Lab> lab = open(seed, ";rf=1;shards=24");
    sim::Fixture f(*lab);
    const sim::NodeId victim = static_cast<sim::NodeId>(seed % 12);
    int held = 0;
    for (const sim::ShardHealth& h : report(*lab).shards) held += h.replicas[0] == victim ? 1 : 0;
    CHECK(held == 2);  // 24 shards over 12 nodes, evenly
    f.crash(victim);
    CHECK(report(*lab).readable == 24 - held);
  }
}

TEST_CASE("a region fails: rf=3 over 3 regions keeps every shard writable, rf=2 does not") {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    for (int region = 1; region <= 3; ++region) {
      std::unique_ptr<sim::Lab> lab = open(seed, ";rf=3");
      sim::Fixture f(*lab);
      REQUIRE(f.act("fail-region", sim::kNoNode, region));
      CHECK(report(*lab).region_down);
      CHECK(report(*lab).writable == 12);
      REQUIRE(f.act("restore-region", sim::kNoNode, region));
      CHECK_FALSE(report(*lab).region_down);
    }
    std::unique_ptr<sim::Lab> two = open(seed, ";rf=2");
    sim::Fixture g(*two);
    g.act("fail-region", sim::kNoNode, 1);
    // Each shard has 2 copies in 2 of the 3 regions: 2/3 of them have one in eu-west.
    CHECK(report(*two).writable < 12);
    CHECK(report(*two).readable == 12);
  }
  std::unique_ptr<sim::Lab> one = open(1, ";regions=1;racks=3");
  sim::Fixture h(*one);
  CHECK_FALSE(h.act("fail-region", sim::kNoNode, 2));
  CHECK(h.last_error() == "fail-region takes a value 1..1");
}

TEST_CASE("add-node: the newcomer takes its share, copies stay apart, data per node falls") {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    std::unique_ptr<sim::Lab> lab = open(seed, ";nodes=9;spares=3;regions=3;racks=3;shards=12");
    sim::Fixture f(*lab);
    const double before = report(*lab).mean_keys;
    for (int added = 1; added <= 3; ++added) {
      REQUIRE(f.act("add-node"));
      f.run_for(100 * sim::kUsPerMs);
      const ClusterReport r = report(*lab);
      const int members = 9 + added;
      CHECK(r.nodes_added == added);
      int load = 0;
      for (const sim::ShardHealth& h : r.shards) {
        load += static_cast<int>(std::count(h.replicas.begin(), h.replicas.end(), members - 1));
        std::set<int> racks;
        for (sim::NodeId n : h.replicas) racks.insert(rack_of(r, n));
        CHECK(racks.size() == 3);  // still one copy per region
      }
      CHECK(load == 36 / members);
      CHECK(r.mean_keys == doctest::Approx(12'000.0 * 3 / members));
    }
    CHECK(report(*lab).mean_keys < before);
    // Each move is a copy message from the giver to the newcomer, delivered.
    int64_t copies = 0;
    for (const sim::TraceEvent& e : lab->trace()) copies += e.kind == sim::TraceKind::Deliver && e.x == 2 ? 1 : 0;
    CHECK(copies == report(*lab).replicas_moved);
    CHECK(f.act("add-node"));  // no spare left: accepted, and nothing happens
    CHECK(report(*lab).nodes_added == 3);
  }
}

TEST_CASE("cluster explorer: predictions come out the same in 20 seeds") {
  const sim::LabInfo& info = *sim::find_lab("cluster-explorer");
  REQUIRE(info.predictions.size() == 2);
  const int expected[] = {0, 1};  // rack-aware: none; random: some
  for (size_t i = 0; i < info.predictions.size(); ++i)
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      const sim::PredictSpec& p = info.predictions[i];
      sim::RunSpec run = sim::default_run(info, seed);
      for (const auto& s : p.settings) run.settings[static_cast<size_t>(sim::setting_index(info, s.first))] = s.second;
      std::string error;
      std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
      REQUIRE_MESSAGE(lab != nullptr, error);
      sim::Fixture f(*lab);
      p.run(f);
      INFO(p.id, " seed ", seed, ": ", p.explain(*lab));
      CHECK(p.outcome(*lab) == expected[i]);
      CHECK(report(*lab).rack_down);
    }
}

TEST_CASE("cluster explorer: every goal's demonstration meets it in 10 seeds; bad settings give a sentence") {
  const sim::LabInfo& info = *sim::find_lab("cluster-explorer");
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
      INFO(goal.id, " seed ", seed, ": ", sim::encode_run(lab->run()));
      CHECK(goal.met(*lab));
    }
  sim::RunSpec run;
  std::string error;
  CHECK_FALSE(sim::decode_run("v1;lab=cluster-explorer;seed=1;nodes=4;rf=5", &run, &error));
  CHECK(error == "replication factor 5 needs at least 5 nodes: each copy of a shard sits on a different node");
  CHECK_FALSE(sim::decode_run("v1;lab=cluster-explorer;seed=1;nodes=16;spares=2", &run, &error));
  CHECK(error == "nodes + spares must be at most 16");
}
