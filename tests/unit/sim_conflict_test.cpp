// The topologies / multi-master lab (lesson 2) and the conflicts lab (lesson 4): lag per hop
// against the hand-computed sum of delays, what a crash does to each topology, conflicts only
// with several writers, LWW losing a later write to skew, siblings, the cart merge and CRDTs
// converging under loss, duplication and reordering — each over many seeds. Every goal's demo
// meets its goal and every prediction's outcome holds over 20+ seeds.
#include <doctest/doctest.h>

#include <string>

#include "sim/fixture.h"
#include "sim/lab.h"

using sim::FindingKind;
using sim::Lab;

namespace {

constexpr sim::TimeUs s = sim::kUsPerS;

std::unique_ptr<Lab> open(const std::string& text) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run(text, &run, &error), error);
  std::unique_ptr<Lab> lab = Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

const sim::Figure& figure(const Lab& lab, const std::vector<sim::Figure>& figures, const char* title) {
  for (const sim::Figure& f : figures)
    if (f.title == title) return f;
  FAIL("no figure '" << title << "' in " << lab.info().id);
  return figures.front();
}

int64_t ms_cell(const sim::FigureCell& c) { return std::stoll(c.text); }

// Runs a lab from its settings plus a goal's demo settings, then the demo.
std::unique_ptr<Lab> demo_run(const sim::LabInfo& info, uint64_t seed,
                              const std::vector<std::pair<const char*, int64_t>>& settings, void (*moves)(sim::Fixture&)) {
  sim::RunSpec run = sim::default_run(info, seed);
  for (const auto& kv : settings) run.settings[static_cast<size_t>(sim::setting_index(info, kv.first))] = kv.second;
  std::string error;
  std::unique_ptr<Lab> lab = Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  sim::Fixture f(*lab);
  moves(f);
  return lab;
}

}  // namespace

TEST_CASE("topologies: hops and lag per node match the topology (lesson 2)") {
  // Each hop costs latency (10 ms) + jitter (0..2 ms) + the node's apply time (20 ms) = 30..32 ms.
  const char* base = "v1;lab=replication-topologies;rate=20;seed=";
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    for (const char* topology : {"star", "chain", "ring", "mesh"}) {
      std::unique_ptr<Lab> lab = open(base + std::to_string(seed) + ";topology=" + topology);
      lab->advance_to(5 * s);
      const std::vector<sim::Figure> figures = lab->figures();
      const sim::Figure& table = figure(*lab, figures, "How far writes travel");
      REQUIRE(table.rows.size() == 6);
      for (int node = 1; node < 6; ++node) {
        const int hops = std::string(topology) == "chain" || std::string(topology) == "ring" ? node : 1;
        CAPTURE(topology);
        CAPTURE(node);
        CHECK(std::stoi(table.rows[static_cast<size_t>(node)][1].text) == hops);
        const int64_t mean_ms = ms_cell(table.rows[static_cast<size_t>(node)][2]);
        CHECK(mean_ms >= 30 * hops);
        CHECK(mean_ms <= 32 * hops);
        CHECK(std::stoi(table.rows[static_cast<size_t>(node)][4].text) < 8);  // writes missing: in flight only
      }
      CHECK(lab->checkers().count(FindingKind::SilentOverwrite) == 0);  // one writer: no conflict
      for (const auto& row : table.rows) CHECK(row[4].tone != sim::Tone::Bad);  // in flight is not cut off
    }
  }
}

TEST_CASE("topologies: a crash in a chain or ring cuts off what is downstream; star and mesh lose one node") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    for (const char* topology : {"chain", "ring", "star", "mesh"}) {
      std::unique_ptr<Lab> lab = open("v1;lab=replication-topologies;rate=20;topology=" + std::string(topology) +
                                      ";seed=" + std::to_string(seed) + ";cmds=1000000.crash.m3");
      lab->advance_to(4 * s);
      int cut_off = 0;
      for (const sim::NodeView& v : lab->nodes()) cut_off += v.status == sim::NodeStatus::Up && v.lag_us > s ? 1 : 0;
      CAPTURE(topology);
      // Chain: m4, m5, m6. Ring (one way): m4, m5, m6 too. Star and mesh: nobody else.
      CHECK(cut_off == (std::string(topology) == "chain" || std::string(topology) == "ring" ? 3 : 0));
      const std::vector<sim::Figure> figures = lab->figures();
      int red = 0;  // the figure marks exactly the cut-off nodes (and the crashed one) in red
      for (const auto& row : figure(*lab, figures, "How far writes travel").rows) red += row[4].tone == sim::Tone::Bad ? 1 : 0;
      CHECK(red == cut_off + 1);
    }
  }
}

TEST_CASE("topologies: a restarted node catches up by anti-entropy, and so does everything behind it") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    std::unique_ptr<Lab> lab = open("v1;lab=replication-topologies;topology=chain;rate=20;seed=" + std::to_string(seed) +
                                    ";cmds=1000000.crash.m3,3000000.restart.m3");
    lab->advance_to(3 * s);
    CHECK(lab->nodes()[5].lag_entries > 20);
    lab->advance_to(6 * s);
    for (const sim::NodeView& v : lab->nodes()) CHECK(v.lag_us < 500 * sim::kUsPerMs);
  }
}

TEST_CASE("multi-master: concurrent writes conflict; LWW keeps one and the checker names the lost one") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<Lab> multi = open("v1;lab=replication-topologies;mode=multi;rate=100;keys=2;seed=" + std::to_string(seed));
    multi->advance_to(5 * s);
    CHECK(multi->checkers().count(FindingKind::SilentOverwrite) > 0);
    for (const sim::Finding& f : multi->findings())
      if (f.kind == FindingKind::SilentOverwrite) CHECK(f.text.find("was silently lost to") != std::string::npos);
  }
  std::string error;
  std::unique_ptr<Lab> primary = open("v1;lab=replication-topologies;seed=1");
  CHECK_FALSE(primary->issue({0, sim::Verb::Write, 1, 0, 5}, &error));
  CHECK(error == "in primary-secondary mode only m1 accepts writes");
  sim::RunSpec bad;
  CHECK_FALSE(sim::decode_run("v1;lab=replication-topologies;strategy=vv", &bad, &error));
  CHECK(error.find("multi-master") != std::string::npos);
}

TEST_CASE("conflicts: LWW with a clock 500 ms behind silently loses the later write (lesson 4)") {
  const sim::LabInfo& info = *sim::find_lab("conflicts");
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::unique_ptr<Lab> lab = demo_run(info, seed, {}, info.predictions[0].run);
    for (const sim::NodeView& v : lab->nodes()) CHECK(v.detail == "k0=1");
    REQUIRE(lab->checkers().count(FindingKind::SilentOverwrite) == 1);
    const std::string& text = lab->findings().back().text;
    CHECK(text.rfind("m2's write k0=2 at 0.300 s was silently lost to m1's write k0=1 at 0.200 s", 0) == 0);
    CHECK(text.find("clock is behind") != std::string::npos);
    CHECK(info.predictions[0].outcome(*lab) == 1);
    // Version vectors see that m2 wrote after seeing m1's write: 2 wins, clocks play no part.
    std::unique_ptr<Lab> vv = demo_run(info, seed, info.predictions[1].settings, info.predictions[1].run);
    for (const sim::NodeView& v : vv->nodes()) CHECK(v.detail == "k0=2");
    CHECK(vv->checkers().count(FindingKind::SilentOverwrite) == 0);
    CHECK(info.predictions[1].outcome(*vv) == 0);
  }
}

TEST_CASE("conflicts: version vectors keep concurrent writes as siblings; the cart merge keeps both items") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const std::string sd = ";seed=" + std::to_string(seed);
    std::unique_ptr<Lab> vv = open("v1;lab=conflicts;strategy=vv" + sd + ";cmds=200000.act.concurrent");
    vv->advance_to(s);
    for (const sim::NodeView& v : vv->nodes()) CHECK(v.detail == "siblings 1 | 2");
    const std::vector<sim::Figure> figures = vv->figures();
    const sim::Figure& table = figure(*vv, figures, "What each replica holds");
    CHECK(table.rows[2][1].text == "siblings 1 {m1:1, m2:0, m3:0} | 2 {m1:0, m2:1, m3:0}");
    CHECK(table.rows[2][1].tone == sim::Tone::Warn);
    // A later write on m3 has seen both siblings and replaces them.
    vv->issue({0, sim::Verb::Write, 2, 0, 7}, nullptr);
    vv->advance_to(2 * s);
    for (const sim::NodeView& v : vv->nodes()) CHECK(v.detail == "k0=7");

    std::unique_ptr<Lab> cart = open("v1;lab=conflicts;strategy=merge" + sd + ";cmds=200000.act.concurrent");
    cart->advance_to(s);
    for (const sim::NodeView& v : cart->nodes()) CHECK(v.detail == "cart {1, 2}");
    CHECK(cart->checkers().count(FindingKind::SilentOverwrite) == 0);
  }
}

TEST_CASE("conflicts: CRDTs converge under loss, duplication and reordering, with every update counted") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    for (const char* kind : {"g-counter", "pn-counter", "or-set"}) {
      std::unique_ptr<Lab> lab = open("v1;lab=conflicts;strategy=crdt;crdt=" + std::string(kind) +
                                      ";rate=40;loss_ppm=100000;dup_ppm=100000;reorder_ppm=200000;seed=" +
                                      std::to_string(seed));
      sim::Fixture f(*lab);
      f.run_for(3 * s);
      f.partition({f.node("m1")});
      f.run_for(2 * s);
      f.heal();
      f.rate(0);
      f.run_for(5 * s);  // anti-entropy repairs what was lost or cut off
      CAPTURE(kind);
      CAPTURE(seed);
      const std::vector<sim::NodeView> nodes = lab->nodes();
      for (const sim::NodeView& v : nodes) {
        CHECK(v.lag_entries == 0);
        CHECK(v.detail == nodes[0].detail);
      }
      const std::vector<sim::Figure> figures = lab->figures();
      const sim::Figure& table = figure(*lab, figures, "What each replica holds");
      CHECK(table.caption.rfind("All replicas agree.", 0) == 0);
      if (std::string(kind) != "or-set") {  // the counter equals the sum of every update made
        const std::string sum = table.caption.substr(table.caption.rfind(' ') + 1);
        CHECK(nodes[0].detail == "count " + sum.substr(0, sum.size() - 1));
      }
      CHECK(lab->checkers().count(FindingKind::SilentOverwrite) == 0);
      CHECK(lab->checkers().stats().writes_acked > 150);
    }
  }
}

TEST_CASE("every goal's demonstration meets its goal; every prediction holds over 20 seeds") {
  for (const char* id : {"replication-topologies", "conflicts"}) {
    const sim::LabInfo& info = *sim::find_lab(id);
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      for (const sim::GoalSpec& g : info.goals) {
        std::unique_ptr<Lab> lab = demo_run(info, seed, g.demo_settings, g.demo);
        CAPTURE(g.id);
        CHECK(g.met(*lab));
      }
    }
  }
  const auto expect = [](const char* lab_id, size_t prediction, int choice) {
    const sim::LabInfo& info = *sim::find_lab(lab_id);
    const sim::PredictSpec& p = info.predictions[prediction];
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      std::unique_ptr<Lab> lab = demo_run(info, seed, p.settings, p.run);
      CAPTURE(p.id);
      CHECK(p.outcome(*lab) == choice);
      CHECK(!p.explain(*lab).empty());
    }
  };
  expect("replication-topologies", 0, 1);  // only m2
  expect("conflicts", 0, 1);               // LWW keeps the earlier write
  expect("conflicts", 1, 0);               // version vectors keep the later one
  expect("conflicts", 2, 1);               // PN-Counter: 6
}
