// Primary–secondary replication and failover (course lessons 2 and 5): what must go wrong does,
// in every seed; what the configuration guarantees holds, in every seed, under random faults.
// A failing seed prints its run string: paste it into the lab to watch it (tigerbeetle vopr.zig).
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/replication.h"

namespace {

using sim::FindingKind;
using sim::Fixture;
using sim::Lab;
using sim::NodeId;
using sim::TimeUs;
constexpr TimeUs s = sim::kUsPerS;
constexpr TimeUs ms = sim::kUsPerMs;

std::unique_ptr<Lab> open(const std::string& run_text) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run(run_text, &run, &error), error);
  std::unique_ptr<Lab> lab = Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

std::string with_seed(const std::string& settings, uint64_t seed) {
  return "v1;lab=split-brain;seed=" + std::to_string(seed) + settings;
}

// The lab with random faults between 1 s and `faults_end`, all repaired within 3 s more; then
// the workload stops so that replication can settle.
std::unique_ptr<Lab> faulty(const std::string& settings, uint64_t seed, TimeUs faults_end) {
  std::unique_ptr<Lab> probe = open(with_seed(settings, seed));
  sim::RunSpec run = probe->run();
  run.commands = sim::random_faults(*probe, seed, 1 * s, faults_end);
  run.commands.push_back({faults_end + 3 * s, sim::Verb::Rate, sim::kNoNode, -1, 0});
  std::string error;
  std::unique_ptr<Lab> lab = Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

std::string findings_text(const Lab& lab) {
  std::string out = sim::encode_run(lab.run()) + "\n";
  for (const sim::Finding& f : lab.findings()) out += "  " + f.text + "\n";
  return out;
}

int64_t notes(const Lab& lab, sim::ReplicationNote note) { return lab.checkers().stats().notes[note]; }

}  // namespace

TEST_CASE("sync replication + fencing: random faults in 200 seeds produce no finding") {
  // Lesson 5's promise: with every secondary acknowledging and the old primary fenced, failover
  // loses nothing and never runs two primaries. Lossy, duplicating, reordering network included.
  const std::string settings = ";mode=sync;fencing=on;rate=40;loss_ppm=20000;dup_ppm=20000;reorder_ppm=20000";
  int seeds_with_failover = 0, seeds_with_truncation = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::unique_ptr<Lab> lab = faulty(settings, seed, 14 * s);
    lab->advance_to(20 * s);
    INFO("seed ", seed, ": ", findings_text(*lab));
    CHECK(lab->findings().empty());
    const sim::LinearizabilityReport lin = lab->check_linearizability();
    CHECK(lin.verdict != sim::Verdict::NotLinearizable);
    CHECK(lab->checkers().stats().writes_acked > 0);
    seeds_with_failover += lab->checkers().stats().promotions > 0 ? 1 : 0;
    for (const sim::TraceEvent& e : lab->trace())
      if (e.kind == sim::TraceKind::Truncate) {
        ++seeds_with_truncation;
        break;
      }
    // Once repaired and quiet, the cluster converges: one primary, every log equally long.
    const std::vector<sim::NodeView> nodes = lab->nodes();
    CHECK(lab->primary() != sim::kNoNode);
    for (const sim::NodeView& n : nodes)
      if (std::string(n.kind) == "db") CHECK(n.log_length == nodes[static_cast<size_t>(lab->primary())].log_length);
  }
  // The sweep really reached the interesting paths (FoundationDB CODE_PROBE spirit).
  CHECK(seeds_with_failover > 60);
  CHECK(seeds_with_truncation > 5);
}

TEST_CASE("async replication: crashing the primary with unreplicated acknowledged writes loses them") {
  // Lesson 2: "Asynchronous: data loss risk higher". The replication links fail one way (the
  // primary still serves clients and heartbeats), so acknowledged writes pile up on the primary
  // alone; then it crashes. Every seed must lose at least one acknowledged write.
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    std::unique_ptr<Lab> lab = open("v1;lab=replication-failover;seed=" + std::to_string(seed) + ";rate=100");
    Fixture f(*lab);
    f.run_for(500 * ms + static_cast<TimeUs>(seed) * 7 * ms);
    const NodeId old = f.primary();
    REQUIRE(old != sim::kNoNode);
    f.cut(old, f.node("n2"));
    f.cut(old, f.node("n3"));
    REQUIRE(f.step_until([&] { return lab->checkers().acked_writes_only_on(old) > 0; }, lab->now_us() + 10 * s));
    CHECK(lab->checkers().acked_writes_missing_on(f.node("n2")) > 0);  // what promoting n2 would lose
    f.crash(old);
    const NodeId next = f.step_until_primary(lab->now_us() + 5 * s, old);
    CHECK(next != sim::kNoNode);
    f.run_for(200 * ms);
    INFO("seed ", seed, ": ", sim::encode_run(lab->run()));
    CHECK(lab->checkers().count(FindingKind::LostWrite) > 0);
    // Moves made between two events of one instant still replay identically from the log.
    std::unique_ptr<Lab> replay = open(sim::encode_run(lab->run()));
    replay->advance_to(lab->now_us());
    CHECK(replay->trace_hash() == lab->trace_hash());
  }
}

TEST_CASE("no fencing: isolating the primary with a client gives two primaries (lesson 5)") {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    for (const char* mode : {"async", "sync"}) {
      std::unique_ptr<Lab> lab = open(with_seed(std::string(";writes_pct=80;mode=") + mode, seed));
      Fixture f(*lab);
      f.run_for(300 * ms + static_cast<TimeUs>(seed) * 5 * ms);
      const NodeId old = f.primary();
      f.partition({old, f.node("c1")});
      f.run_for(6 * s);
      INFO("seed ", seed, " ", std::string(mode), ": ", findings_text(*lab));
      CHECK(lab->checkers().count(FindingKind::SplitBrain) > 0);
      int primaries = 0;
      for (const sim::NodeView& n : lab->nodes()) primaries += n.role == sim::Role::Primary ? 1 : 0;
      CHECK(primaries == 2);
    }
  }
}

TEST_CASE("fencing: the isolated primary's lease runs out and it steps down before the promotion") {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    std::unique_ptr<Lab> lab = open(with_seed(";fencing=on", seed));
    Fixture f(*lab);
    f.run_for(300 * ms);
    const NodeId old = f.primary();
    f.partition({old, f.node("c1")});
    f.run_for(4 * s);
    INFO("seed ", seed, ": ", findings_text(*lab));
    CHECK(lab->checkers().count(FindingKind::SplitBrain) == 0);
    CHECK(lab->nodes()[static_cast<size_t>(old)].role == sim::Role::Secondary);
    CHECK(notes(*lab, sim::kNoteLeaseExpired) == 1);
    CHECK(f.primary() != old);
  }
}

TEST_CASE("a long GC pause of the primary: split-brain without fencing, none with it") {
  for (const bool fencing : {false, true}) {
    std::unique_ptr<Lab> lab = open(with_seed(fencing ? ";fencing=on;rate=100" : ";rate=100", 3));
    Fixture f(*lab);
    f.run_for(500 * ms);
    const NodeId old = f.primary();
    f.pause(old);
    REQUIRE(f.step_until_primary(lab->now_us() + 5 * s, old) != sim::kNoNode);
    f.run_for(1 * s);  // the new primary takes writes while the old one is frozen
    f.resume(old);  // it wakes up believing it is still primary, with requests queued
    f.run_for(2 * s);
    INFO(findings_text(*lab));
    CHECK((lab->checkers().count(FindingKind::SplitBrain) > 0) == !fencing);
  }
}

TEST_CASE("planned switchover loses nothing, even with asynchronous replication") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::unique_ptr<Lab> lab = open("v1;lab=replication-failover;seed=" + std::to_string(seed) + ";rate=200;apply_ms=0");
    Fixture f(*lab);
    f.run_for(1 * s);
    f.switchover(f.node("n3"));
    f.run_for(3 * s);
    INFO("seed ", seed, ": ", findings_text(*lab));
    CHECK(notes(*lab, sim::kNotePromoteSwitchover) == 1);
    CHECK(f.primary() == f.node("n3"));
    CHECK(lab->findings().empty());
    const int64_t acked = lab->checkers().stats().writes_acked;
    f.run_for(1 * s);
    CHECK(lab->checkers().stats().writes_acked > acked);  // writes resumed on the new primary
  }
}

TEST_CASE("a switchover to a node that cannot catch up is abandoned and writes resume") {
  std::unique_ptr<Lab> lab = open("v1;lab=replication-failover;seed=4");
  Fixture f(*lab);
  f.run_for(1 * s);
  f.crash(f.node("n3"));
  f.switchover(f.node("n3"));
  f.run_for(6 * s);
  CHECK(notes(*lab, sim::kNoteSwitchoverAbort) == 1);
  CHECK(f.primary() == f.node("n1"));
  const int64_t acked = lab->checkers().stats().writes_acked;
  f.run_for(1 * s);
  CHECK(lab->checkers().stats().writes_acked > acked);
}

TEST_CASE("manual failover promotes the chosen node with a new epoch") {
  std::unique_ptr<Lab> lab = open("v1;lab=split-brain;seed=9;failover=manual");
  Fixture f(*lab);
  f.run_for(1 * s);
  f.crash(f.node("n1"));
  f.run_for(3 * s);
  CHECK(f.primary() == sim::kNoNode);  // nobody fails over automatically
  f.promote(f.node("n3"));
  f.run_for(100 * ms);
  CHECK(f.primary() == f.node("n3"));
  CHECK(lab->nodes()[static_cast<size_t>(f.node("n3"))].epoch == 2);
  CHECK(notes(*lab, sim::kNotePromoteManual) == 1);
}

TEST_CASE("an old primary rejoins as a secondary and discards its divergent writes") {
  std::unique_ptr<Lab> lab = open("v1;lab=split-brain;seed=12");
  Fixture f(*lab);
  f.run_for(500 * ms);
  f.partition({f.node("n1"), f.node("c1")});
  f.run_for(3 * s);
  f.heal();
  f.run_for(2 * s);
  bool truncated = false;
  for (const sim::TraceEvent& e : lab->trace()) truncated |= e.kind == sim::TraceKind::Truncate && e.node == 0;
  CHECK(truncated);
  CHECK(lab->nodes()[0].role == sim::Role::Secondary);
  CHECK(lab->nodes()[0].log_length == lab->nodes()[static_cast<size_t>(f.primary())].log_length);
  CHECK(lab->checkers().count(FindingKind::LostWrite) > 0);  // GitHub 2018: the divergent writes are gone
}

TEST_CASE("reads from any replica can be stale; read-your-writes never is (one client)") {
  // Lesson 2 "Handling replication lag". With a single client every write is the session's own.
  const std::string base = "v1;lab=replication-failover;clients=1;rate=100;apply_ms=300;keys=2;seed=";
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    std::unique_ptr<Lab> any = open(base + std::to_string(seed) + ";reads=any");
    std::unique_ptr<Lab> ryw = open(base + std::to_string(seed) + ";reads=ryw");
    any->advance_to(10 * s);
    ryw->advance_to(10 * s);
    CHECK(any->checkers().count(FindingKind::StaleRead) > 0);
    CHECK(ryw->checkers().count(FindingKind::StaleRead) == 0);
    CHECK(ryw->checkers().stats().reads_acked > 100);
  }
}

TEST_CASE("monotonic reads: a session never sees a key go back in time") {
  const auto backwards = [](const Lab& lab) {
    std::map<int64_t, int64_t> pos_of;                   // write id -> log position on the primary
    std::map<std::pair<int, int>, int64_t> last_seen;    // (client, key) -> newest position seen
    int count = 0;
    for (const sim::TraceEvent& e : lab.trace()) {
      if (e.kind == sim::TraceKind::Append && e.code == static_cast<uint8_t>(sim::AppendSource::ClientWrite))
        pos_of[e.c] = e.a;
      const bool read_ok = e.kind == sim::TraceKind::Complete && e.y == static_cast<int32_t>(sim::OpKind::Read) &&
                           e.code == static_cast<uint8_t>(sim::OpResult::Ok);
      if (!read_ok) continue;
      const int64_t pos = e.c == 0 ? 0 : pos_of[e.c];
      int64_t& seen = last_seen[{e.node, e.x}];
      count += pos < seen ? 1 : 0;
      seen = std::max(seen, pos);
    }
    return count;
  };
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    // n3 applies 400 ms late, n2 at once: hopping between them goes back in time.
    const std::string run = "v1;lab=replication-failover;rate=200;writes_pct=30;keys=1;apply_ms=0;seed=" +
                            std::to_string(seed) + ";cmds=0.apply.n3.400000;reads=";
    std::unique_ptr<Lab> mono = open(run.substr(0, run.find(";cmds")) + ";reads=monotonic;cmds=0.apply.n3.400000");
    std::unique_ptr<Lab> any = open(run.substr(0, run.find(";cmds")) + ";reads=any;cmds=0.apply.n3.400000");
    mono->advance_to(10 * s);
    any->advance_to(10 * s);
    CHECK(backwards(*mono) == 0);
    CHECK(mono->checkers().stats().reads_acked > 500);
    CHECK(backwards(*any) > 0);
  }
}

TEST_CASE("skew alone does not fool failure detection: it measures intervals on one clock") {
  // Each node's clock is sim time + its skew (lesson 5 "heartbeat"): the coordinator times
  // heartbeats on its own clock only, so offsets and even a jump do not trigger a failover.
  std::unique_ptr<Lab> lab = open(with_seed("", 21));
  Fixture f(*lab);
  f.skew(f.node("n1"), 7 * s);
  f.skew(f.node("n2"), -3 * s);
  f.run_for(1 * s);
  f.skew(f.node("mon"), 2 * s);  // an NTP step on the coordinator
  f.run_for(3 * s);
  CHECK(notes(*lab, sim::kNoteFailoverStart) == 0);
  CHECK(f.primary() == f.node("n1"));
  CHECK(lab->findings().empty());
}

TEST_CASE("a clock that jumps back defeats lease-based fencing (leases assume bounded drift)") {
  std::unique_ptr<Lab> lab = open(with_seed(";fencing=on;writes_pct=100", 22));
  Fixture f(*lab);
  f.run_for(500 * ms);
  const NodeId old = f.primary();
  f.partition({old, f.node("c1")});
  f.skew(old, -5 * s);  // its lease now seems to last 5 s longer
  f.run_for(4 * s);
  INFO(findings_text(*lab));
  CHECK(lab->checkers().count(FindingKind::SplitBrain) > 0);
}

TEST_CASE("semi-sync: the most up-to-date secondary is promoted and nothing acknowledged is lost") {
  // Lesson 5 "automatic failover": the coordinator promotes the reachable secondary with the
  // newest log. n3 never hears from the primary; n2 holds every acknowledged write.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<Lab> lab = open(with_seed(";mode=semisync;rate=100", seed));
    Fixture f(*lab);
    f.run_for(300 * ms);
    f.cut(f.node("n1"), f.node("n3"));
    f.run_for(1 * s + static_cast<TimeUs>(seed) * 13 * ms);
    f.crash(f.node("n1"));
    CHECK(f.step_until_primary(lab->now_us() + 5 * s, f.node("n1")) == f.node("n2"));
    f.run_for(500 * ms);
    INFO("seed ", seed, ": ", findings_text(*lab));
    CHECK(lab->findings().empty());
  }
}

// ================================================================================================
// Split-brain prevention (lesson 5 "The split-brain problem"): each mechanism stops it in every
// seed, each one's failure mode really happens, and the divergence figure counts what the
// checkers count.
// ================================================================================================

namespace {

std::unique_ptr<Lab> split(const std::string& settings, uint64_t seed) { return open(with_seed(settings, seed)); }

// The primary and one client cut off from everyone (the witness and the fencing device too),
// for long enough to fail over; then the network heals.
void isolate_and_heal(Fixture& f, uint64_t seed) {
  f.run_for(300 * ms + static_cast<TimeUs>(seed) * 7 * ms);
  f.partition({f.primary(), f.node("c1")});
  f.run_for(6 * s);
  f.heal();
  f.run_for(2 * s);
}

bool any_cut(const Lab& lab) {
  for (const sim::LinkView& l : lab.links())
    if (l.cut) return true;
  return false;
}

}  // namespace

TEST_CASE("no prevention: the isolated primary diverges, and the divergence figure counts the lost writes") {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    std::unique_ptr<Lab> lab = split(";writes_pct=80", seed);
    Fixture f(*lab);
    isolate_and_heal(f, seed);
    INFO("seed ", seed, ": ", findings_text(*lab));
    CHECK(lab->checkers().count(FindingKind::SplitBrain) > 0);
    const sim::Divergence d = sim::replication_divergence(*lab);
    CHECK(d.acknowledged > 0);
    CHECK(d.writes >= d.acknowledged);
    CHECK(d.keys_both_sides > 0);
    // Every write the deposed primary acknowledged and the surviving history lacks is one the
    // lost-write checker reported, unless its acknowledgement never reached the client (each
    // client has one operation outstanding, so at most one per client).
    CHECK(d.acknowledged >= lab->checkers().count(FindingKind::LostWrite));
    CHECK(d.acknowledged <= lab->checkers().count(FindingKind::LostWrite) + 2);
    CHECK_FALSE(any_cut(*lab));
  }
}

TEST_CASE("witness in a third site, or STONITH: an isolated primary never overlaps a new one (50 seeds)") {
  for (const char* prevention : {"witness", "stonith"}) {
    for (uint64_t seed = 1; seed <= 50; ++seed) {
      std::unique_ptr<Lab> lab = split(std::string(";writes_pct=80;prevention=") + prevention, seed);
      Fixture f(*lab);
      isolate_and_heal(f, seed);
      INFO(prevention, " seed ", seed, ": ", findings_text(*lab));
      CHECK(lab->checkers().count(FindingKind::SplitBrain) == 0);
      CHECK(notes(*lab, sim::kNotePromoteAuto) == 1);
      CHECK(lab->primary() != sim::kNoNode);
      CHECK(lab->primary() != f.node("n1"));
      if (std::string(prevention) == "witness") {
        CHECK(notes(*lab, sim::kNoteVoteGranted) == 1);
        CHECK(notes(*lab, sim::kNoteLeaseExpired) == 1);  // it stopped writing without a majority
      } else {
        CHECK(notes(*lab, sim::kNotePoweredOff) == 1);  // only n1: its own shot never left its site
        CHECK(lab->nodes()[0].status == sim::NodeStatus::Crashed);
      }
    }
  }
}

TEST_CASE("fencing tokens: the old primary's writes are refused by the storage, none is acknowledged (50 seeds)") {
  // Tokens do not stop the old primary from believing it leads (the checker may see two nodes
  // take writes as primary); they stop its writes from taking effect: none is acknowledged.
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    std::unique_ptr<Lab> lab = split(";writes_pct=80;prevention=tokens", seed);
    Fixture f(*lab);
    isolate_and_heal(f, seed);
    INFO("seed ", seed, ": ", findings_text(*lab));
    CHECK(lab->checkers().count(FindingKind::LostWrite) == 0);
    CHECK(sim::replication_divergence(*lab).acknowledged == 0);
    CHECK(notes(*lab, sim::kNotePromoteAuto) == 1);
  }
}

TEST_CASE("fencing tokens after a long GC pause: the late write carries the old token and is rejected") {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    for (const bool tokens : {false, true}) {
      // Every operation is a write, so the ones queued at the frozen primary are writes.
      std::unique_ptr<Lab> lab = split(tokens ? ";rate=100;writes_pct=100;prevention=tokens" : ";rate=100;writes_pct=100", seed);
      Fixture f(*lab);
      f.run_for(500 * ms);
      const NodeId old = f.primary();
      f.pause(old);
      REQUIRE(f.step_until_primary(lab->now_us() + 5 * s, old) != sim::kNoNode);
      f.run_for(1 * s);
      f.resume(old);
      f.run_for(2 * s);
      INFO("seed ", seed, tokens ? " tokens: " : " none: ", findings_text(*lab));
      CHECK((notes(*lab, sim::kNoteTokenRejected) > 0) == tokens);
      if (tokens) CHECK(lab->checkers().count(FindingKind::LostWrite) == 0);
      else CHECK(lab->checkers().count(FindingKind::SplitBrain) > 0);
    }
  }
}

TEST_CASE("witness with the primary: its site goes dark and nobody takes over (the outage), 50 seeds") {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    for (const bool with_primary : {true, false}) {
      std::unique_ptr<Lab> lab =
          split(std::string(";prevention=witness;witness=") + (with_primary ? "with-primary" : "third-site"), seed);
      Fixture f(*lab);
      f.run_for(300 * ms + static_cast<TimeUs>(seed) * 7 * ms);
      REQUIRE(f.act("site-down"));
      f.run_for(10 * s);
      INFO("seed ", seed, with_primary ? " with primary" : " third site");
      CHECK(notes(*lab, sim::kNoteVoteAsked) > 0);
      // A third-site witness votes and the standby takes over; one in the dead site cannot.
      CHECK((lab->primary() == sim::kNoNode) == with_primary);
      CHECK((notes(*lab, sim::kNotePromoteAuto) == 0) == with_primary);
    }
  }
}

TEST_CASE("prediction: witness with the primary, sites cut apart: no failover (25 seeds); without one, split-brain") {
  const sim::LabInfo* info = sim::find_lab("split-brain");
  REQUIRE(info != nullptr);
  REQUIRE(info->predictions.size() == 1);
  const sim::PredictSpec& p = info->predictions[0];
  for (uint64_t seed = 1; seed <= 25; ++seed) {
    for (const bool witness : {true, false}) {
      sim::RunSpec run = sim::default_run(*info, seed);
      if (witness)
        for (const auto& kv : p.settings) run.settings[static_cast<size_t>(sim::setting_index(*info, kv.first))] = kv.second;
      std::string error;
      std::unique_ptr<Lab> lab = Lab::create(run, &error);
      REQUIRE_MESSAGE(lab != nullptr, error);
      Fixture f(*lab);
      p.run(f);
      INFO("seed ", seed, ": ", p.explain(*lab));
      CHECK(p.outcome(*lab) == (witness ? 2 : 0));
    }
  }
}

TEST_CASE("STONITH fence race: with no delay both sides shoot and everything is off; a delay breaks the tie") {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    for (const bool delay : {false, true}) {
      std::unique_ptr<Lab> lab = split(delay ? ";prevention=stonith;fence_delay_ms=3000" : ";prevention=stonith", seed);
      Fixture f(*lab);
      f.run_for(300 * ms + static_cast<TimeUs>(seed) * 7 * ms);
      REQUIRE(f.act("cut-sites"));
      f.run_for(8 * s);
      INFO("seed ", seed, delay ? " delay: " : " no delay: ", findings_text(*lab));
      CHECK(lab->checkers().count(FindingKind::SplitBrain) == 0);
      int off = 0;
      for (const sim::NodeView& n : lab->nodes())
        off += std::string(n.kind) == "db" && n.status == sim::NodeStatus::Crashed ? 1 : 0;
      if (delay) {
        CHECK(off == 1);  // the standby's side shot first; the primary died before its own shot
        CHECK(lab->primary() != sim::kNoNode);
      } else {
        CHECK(off == 3);  // n1 shot n2 and n3, the coordinator shot n1
        CHECK(lab->primary() == sim::kNoNode);
      }
    }
  }
}

TEST_CASE("split-brain goals: each demonstration meets its goal on 20 seeds") {
  const sim::LabInfo* info = sim::find_lab("split-brain");
  REQUIRE(info != nullptr);
  for (const sim::GoalSpec& goal : info->goals) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      sim::RunSpec run = sim::default_run(*info, seed);
      for (const auto& kv : goal.demo_settings)
        run.settings[static_cast<size_t>(sim::setting_index(*info, kv.first))] = kv.second;
      std::string error;
      std::unique_ptr<Lab> lab = Lab::create(run, &error);
      REQUIRE_MESSAGE(lab != nullptr, error);
      Fixture f(*lab);
      goal.demo(f);
      INFO(goal.id, " seed ", seed, ": ", findings_text(*lab));
      CHECK(goal.met(*lab));
    }
  }
}
