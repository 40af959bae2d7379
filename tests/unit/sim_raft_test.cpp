// Raft (course lesson 5): the dissertation's rules, each test citing its section (Ongaro,
// "Consensus: Bridging Theory and Practice", 2014), the safety checkers of §3.6.3 fed broken
// traces, seed sweeps with random faults, and the lab's goals and prediction. A failing seed
// prints its run string: paste it into the lab to watch it (tigerbeetle vopr.zig).
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/raft.h"
#include "sim/raft_checkers.h"

namespace {

using sim::FindingKind;
using sim::Fixture;
using sim::Lab;
using sim::NodeId;
using sim::Role;
using sim::TimeUs;
using sim::TraceEvent;
using sim::TraceKind;
constexpr TimeUs s = sim::kUsPerS;
constexpr TimeUs ms = sim::kUsPerMs;

std::unique_ptr<Lab> open(const std::string& settings, uint64_t seed = 1) {
  sim::RunSpec run;
  std::string error;
  const std::string text = "v1;lab=raft;seed=" + std::to_string(seed) + settings;
  REQUIRE_MESSAGE(sim::decode_run(text, &run, &error), error);
  std::unique_ptr<Lab> lab = Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

std::string findings_text(const Lab& lab) {
  std::string out = sim::encode_run(lab.run()) + "\n";
  for (const sim::Finding& f : lab.findings()) out += "  " + f.text + "\n";
  return out;
}

int64_t notes(const Lab& lab, sim::RaftNote note) { return lab.checkers().stats().notes[note]; }

int safety_findings(const Lab& lab) {
  int n = 0;
  for (FindingKind k : {FindingKind::ElectionSafety, FindingKind::LogMatching, FindingKind::LeaderCompleteness,
                        FindingKind::StateMachineSafety, FindingKind::LostWrite})
    n += lab.checkers().count(k);
  return n;
}

// Leaders per term over the whole trace.
std::map<int64_t, std::set<int>> leaders_by_term(const Lab& lab) {
  std::map<int64_t, std::set<int>> out;
  for (const TraceEvent& e : lab.trace())
    if (e.kind == TraceKind::Role && static_cast<Role>(e.code) == Role::Leader) out[e.a].insert(e.node);
  return out;
}

const sim::NodeView& view(const Lab& lab, NodeId n) {
  static std::vector<sim::NodeView> nodes;
  nodes = lab.nodes();
  return nodes[static_cast<size_t>(n)];
}

}  // namespace

TEST_CASE("§3.4: servers start as followers and one of them is elected leader of term 1") {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    std::unique_ptr<Lab> lab = open("", seed);
    Fixture f(*lab);
    for (const sim::NodeView& v : lab->nodes())
      if (std::string(v.kind) == "db") CHECK(v.role == Role::Follower);
    const NodeId leader = f.step_until_primary(2 * s);
    REQUIRE(leader != sim::kNoNode);
    // Randomized timeouts (150-300 ms): the first election almost always succeeds.
    CHECK(lab->now_us() < 400 * ms);
    f.run_for(500 * ms);
    int leaders = 0;
    for (const sim::NodeView& v : lab->nodes()) {
      if (std::string(v.kind) != "db") continue;
      leaders += v.role == Role::Leader;
      CHECK(v.epoch == view(*lab, leader).epoch);  // everyone adopted the leader's term
    }
    CHECK(leaders == 1);
  }
}
