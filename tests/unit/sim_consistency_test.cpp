// Session guarantees over the replication lab (lesson 2 "Handling lag") and the consistency-model
// checkers (lesson 4 "Consistency models"): each anomaly appears where the lesson says it does,
// and disappears under the routing or model that prevents it, over many seeds.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/consistency_models.h"
#include "sim/session_checkers.h"

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

int violations(const Lab& lab, const char* guarantee) {
  int n = 0;
  for (const sim::Finding& f : lab.findings())
    n += f.kind == FindingKind::ConsistencyViolation && f.text.find(guarantee) != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("session tracker: each guarantee judged on its own, per session and key") {
  sim::SessionTracker t;
  t.wrote(0, 1, 5);
  sim::SessionVerdict v = t.read(0, 1, 3);
  CHECK(v.read_your_writes);
  CHECK_FALSE(v.monotonic_reads);
  CHECK(v.wrote_rank == 5);
  CHECK_FALSE(t.read(1, 1, 3).read_your_writes);  // another session: no promise
  CHECK_FALSE(t.read(0, 2, 0).read_your_writes);  // another key
  v = t.read(0, 1, 7);
  CHECK_FALSE((v.read_your_writes || v.monotonic_reads));
  v = t.read(0, 1, 6);
  CHECK(v.monotonic_reads);
  CHECK_FALSE(v.read_your_writes);
  CHECK(v.read_rank == 7);
  v = t.read(0, 1, 2);
  CHECK((v.read_your_writes && v.monotonic_reads));
}

TEST_CASE("replication lab: reads from any lagging replica break both session guarantees") {
  // n3 applies 400 ms late, the others at once: a session hopping between replicas misses its
  // own writes and goes back in time.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<Lab> lab = open("v1;lab=replication-failover;rate=200;writes_pct=40;keys=2;apply_ms=0;reads=any;seed=" +
                                    std::to_string(seed) + ";cmds=0.apply.n3.400000");
    lab->advance_to(10 * s);
    CHECK(violations(*lab, "(read-your-writes)") > 0);
    CHECK(violations(*lab, "(monotonic reads)") > 0);
  }
}

TEST_CASE("replication lab: each routing strategy removes the anomaly it is named for") {
  const std::string base = "v1;lab=replication-failover;rate=200;writes_pct=40;keys=2;apply_ms=0;seed=";
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const std::string cmds = ";cmds=0.apply.n3.400000";
    std::unique_ptr<Lab> ryw = open(base + std::to_string(seed) + ";reads=ryw" + cmds);
    std::unique_ptr<Lab> mono = open(base + std::to_string(seed) + ";reads=monotonic" + cmds);
    std::unique_ptr<Lab> primary = open(base + std::to_string(seed) + ";reads=primary" + cmds);
    for (Lab* lab : {ryw.get(), mono.get(), primary.get()}) lab->advance_to(10 * s);
    CHECK(violations(*ryw, "(read-your-writes)") == 0);
    CHECK(ryw->checkers().stats().reads_acked > 300);
    CHECK(violations(*mono, "(monotonic reads)") == 0);
    CHECK(mono->checkers().stats().reads_acked > 500);
    CHECK(primary->checkers().count(FindingKind::ConsistencyViolation) == 0);
  }
}

TEST_CASE("a violation sentence names the session, key, versions and replica") {
  std::unique_ptr<Lab> lab = open("v1;lab=replication-failover;rate=200;writes_pct=40;keys=2;apply_ms=0;reads=any;seed=3;"
                                  "cmds=0.apply.n3.400000");
  lab->advance_to(10 * s);
  bool found = false;
  for (const sim::Finding& f : lab->findings()) {
    if (f.kind != FindingKind::ConsistencyViolation || f.text.find("(read-your-writes)") == std::string::npos) continue;
    found = true;
    CHECK(f.text.rfind("c", 0) == 0);
    CHECK(f.text.find(" read k") != std::string::npos);
    CHECK(f.text.find(" via n3 ") != std::string::npos);  // only the lagging replica can miss a write
    CHECK(f.text.find("after writing version #") != std::string::npos);
  }
  CHECK(found);
}

// --- Consistency models (lesson 4) -----------------------------------------------------------------

namespace {

using sim::Model;
using sim::OpKind;

std::string verdicts(const std::vector<sim::ModelVerdict>& v) {
  std::string out;
  for (const sim::ModelVerdict& m : v) out += m.pending ? '?' : m.holds ? '+' : '-';
  return out;
}

}  // namespace

TEST_CASE("consistency models: hand-made histories against the six models") {
  const std::vector<std::string> sessions = {"a", "b", "c"}, keys = {"x", "y"};
  sim::History h;
  h.rank = {0, 1, 2};
  h.final_states = {{2}, {2}};
  // Two writes by a; b reads the newer, then the older one: WriteCORead (b's second read's causal
  // past holds w1 -> w2 -> its first read).
  h.ops = {{0, OpKind::Write, 0, 1, 0, 10, 0}, {0, OpKind::Write, 0, 2, 20, 30, 0},
           {1, OpKind::Read, 0, 2, 40, 50, 0}, {1, OpKind::Read, 0, 1, 60, 70, 1}};
  std::vector<sim::ModelVerdict> v = sim::judge(h, sessions, keys);
  CHECK(verdicts(v) == "---+-+");
  CHECK(v[2].violating == std::vector<size_t>{3});
  CHECK(v[4].violating == std::vector<size_t>{3});
  CHECK(v[2].why.rfind("b read x -> 1: ", 0) == 0);
  // Concurrent writes on two keys seen in opposite orders by two readers (IRIW): causal
  // consistency allows it; sequential consistency does not.
  h.ops = {{0, OpKind::Write, 0, 1, 0, 10, 0}, {1, OpKind::Write, 1, 2, 0, 10, 1},
           {2, OpKind::Read, 0, 1, 20, 30, 0}, {2, OpKind::Read, 1, 0, 40, 50, 0}};
  sim::History h2 = h;
  h2.ops.push_back({0, OpKind::Read, 1, 2, 20, 30, 1});
  h2.ops.push_back({0, OpKind::Read, 0, 1, 40, 50, 1});
  h2.ops[4].session = 1;  // b reads y = 2 then x = 0
  h2.ops[5] = {1, OpKind::Read, 0, 0, 40, 50, 1};
  v = sim::judge(h2, sessions, keys);
  CHECK(v[1].holds == false);  // no single order: c saw x before y, b saw y before x
  CHECK(v[2].holds);           // but nothing causally forbids it
  // Not quiescent yet: eventual is pending, not a verdict.
  h.final_states.clear();
  CHECK(sim::judge(h, sessions, keys)[5].pending);
  // Replicas that disagree at the end break eventual consistency.
  h.final_states = {{1}, {2}};
  CHECK_FALSE(sim::judge(h, sessions, keys)[5].holds);
}

TEST_CASE("consistency-models lab: each story's verdicts, violating operations highlighted, over seeds") {
  const std::vector<std::pair<const char*, const char*>> expected = {
      {"alice-bob", "---+++"}, {"stale-read", "-+++++"}, {"own-write", "----++"},
      {"time-travel", "---+-+"}, {"diverge", "-++++-"}, {"strong", "++++++"}};
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    for (const auto& story : expected) {
      std::unique_ptr<Lab> lab = open(std::string("v1;lab=consistency-models;history=") + story.first + ";seed=" + std::to_string(seed));
      lab->advance_to(2 * s);
      const std::vector<sim::Figure> figures = lab->figures();
      REQUIRE(figures.size() == 2);
      std::string got;
      for (const std::vector<sim::FigureCell>& row : figures[0].rows) got += row[1].text == "holds" ? '+' : '-';
      CAPTURE(story.first);
      CHECK(got == story.second);
      int bad_ops = 0;
      for (const std::vector<sim::FigureCell>& row : figures[1].rows) bad_ops += row[2].tone == sim::Tone::Bad ? 1 : 0;
      CHECK((bad_ops > 0) == (std::string(story.second).substr(0, 5) != "+++++"));
      // One finding per model broken by an operation.
      CHECK(lab->checkers().count(FindingKind::ConsistencyViolation) ==
            static_cast<int>(std::count(got.begin(), got.begin() + 5, '-')));
    }
  }
  // The seed's Alice-and-Bob: carol's read of the post is what causal consistency forbids.
  std::unique_ptr<Lab> lab = open("v1;lab=consistency-models;history=alice-bob");
  lab->advance_to(2 * s);
  const std::vector<sim::Figure> figures = lab->figures();
  CHECK(figures[0].rows[2][2].text == "carol read post -> (initial)");
  CHECK(figures[1].rows[4][2].tone == sim::Tone::Bad);
  CHECK(figures[0].caption == "5 of 5 operations done; strongest model that holds: Read-your-writes.");
}

TEST_CASE("consistency-models lab: goals met by their demos; predictions hold over 20 seeds") {
  const sim::LabInfo& info = *sim::find_lab("consistency-models");
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    for (const sim::GoalSpec& g : info.goals) {
      sim::RunSpec run = sim::default_run(info, seed);
      for (const auto& kv : g.demo_settings) run.settings[static_cast<size_t>(sim::setting_index(info, kv.first))] = kv.second;
      std::string error;
      std::unique_ptr<Lab> lab = Lab::create(run, &error);
      REQUIRE(lab != nullptr);
      sim::Fixture f(*lab);
      CHECK_FALSE(g.met(*lab));  // not before the history has played out
      g.demo(f);
      CAPTURE(g.id);
      CHECK(g.met(*lab));
    }
    const int want[] = {3, 1};  // alice-bob: only the weaker ones; stale-read: sequential
    for (size_t p = 0; p < info.predictions.size(); ++p) {
      sim::RunSpec run = sim::default_run(info, seed);
      for (const auto& kv : info.predictions[p].settings) run.settings[static_cast<size_t>(sim::setting_index(info, kv.first))] = kv.second;
      std::string error;
      std::unique_ptr<Lab> lab = Lab::create(run, &error);
      sim::Fixture f(*lab);
      info.predictions[p].run(f);
      CHECK(info.predictions[p].outcome(*lab) == want[p]);
      CHECK(info.predictions[p].explain(*lab).find("Not Linearizable") != std::string::npos);
    }
  }
}
