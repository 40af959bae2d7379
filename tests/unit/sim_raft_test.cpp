// Raft (course lesson 5): the dissertation's rules, each test citing its section (Ongaro,
// "Consensus: Bridging Theory and Practice", 2014), the safety checkers of §3.6.3 fed broken
// traces, seed sweeps with random faults, and the lab's goals and prediction. A failing seed
// prints its run string: paste it into the lab to watch it (tigerbeetle vopr.zig).
#include <doctest/doctest.h>

#include <algorithm>
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

sim::NodeView view(const Lab& lab, NodeId n) { return lab.nodes()[static_cast<size_t>(n)]; }

// A server other than `n` (s1, or s2 when n is s1).
NodeId some_other(NodeId n) { return n == 0 ? 1 : 0; }

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

TEST_CASE("seed sweep: random crashes, pauses, partitions, one-way cuts, loss, duplicates and reordering break no safety property, and liveness returns") {
  // §3.6.3 figure 3.2: election safety, log matching, leader completeness, state machine safety
  // hold whatever the network and crashes do; once faults stop, a leader is elected and a new
  // write commits within a bounded time (§3.4: liveness needs a quiet enough network).
  const std::string settings = ";rate=40;keys=3;loss_ppm=20000;dup_ppm=20000;reorder_ppm=20000";
  int truncations = 0, elections = 0, writes = 0;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    std::unique_ptr<Lab> probe = open(settings, seed);
    sim::RunSpec run = probe->run();
    run.commands = sim::random_faults(*probe, seed, 1 * s, 12 * s);
    std::string error;
    std::unique_ptr<Lab> lab = Lab::create(run, &error);
    REQUIRE_MESSAGE(lab != nullptr, error);
    const TimeUs quiet_us = run.commands.empty() ? 0 : run.commands.back().time_us;
    lab->advance_to(quiet_us);
    Fixture f(*lab);
    // Liveness: a leader within 3 s of the last repair, then a fresh write commits within 2 s.
    const NodeId leader = f.step_until_primary(quiet_us + 3 * s);
    INFO("seed ", seed, ": ", findings_text(*lab));
    CHECK(leader != sim::kNoNode);
    f.rate(0);
    f.run_for(s);  // workload operations in flight finish or time out
    const int64_t acked = lab->checkers().stats().writes_acked;
    f.write(f.node("c1"), 7, 1000 + static_cast<int64_t>(seed));
    CHECK(f.step_until([&] { return lab->checkers().stats().writes_acked > acked; }, lab->now_us() + 2 * s));
    f.run_for(s);
    CHECK(safety_findings(*lab) == 0);
    CHECK(lab->checkers().count(FindingKind::StaleRead) == 0);  // ReadIndex is on by default
    const sim::LinearizabilityReport lin = lab->check_linearizability();
    CHECK(lin.verdict != sim::Verdict::NotLinearizable);
    // Quiet and healed: every server converges on the leader's log and commit index.
    const std::vector<sim::NodeView> nodes = lab->nodes();
    const NodeId p = f.primary();
    REQUIRE(p != sim::kNoNode);
    for (const sim::NodeView& n : nodes)
      if (std::string(n.kind) == "db") {
        CHECK(n.log_length == nodes[static_cast<size_t>(p)].log_length);
        CHECK(n.applied_pos == nodes[static_cast<size_t>(p)].applied_pos);
      }
    for (const auto& [term, who] : leaders_by_term(*lab)) CHECK(who.size() == 1);
    for (const TraceEvent& e : lab->trace()) truncations += e.kind == TraceKind::Truncate;
    elections += static_cast<int>(notes(*lab, sim::kRaftNoteElected));
    writes += static_cast<int>(lab->checkers().stats().writes_acked);
  }
  // The sweep reached the interesting paths (FoundationDB CODE_PROBE spirit).
  CHECK(truncations > 15);
  CHECK(elections > 200);
  CHECK(writes > 120 * 100);
  MESSAGE("sweep: ", truncations, " truncations, ", elections, " elections, ", writes, " acknowledged writes");
}

namespace {

// A lab with `settings` (key, value) on top of the defaults.
std::unique_ptr<Lab> open_with(const std::vector<std::pair<const char*, int64_t>>& settings, uint64_t seed) {
  const sim::LabInfo* info = sim::find_lab("raft");
  REQUIRE(info != nullptr);
  sim::RunSpec run = sim::default_run(*info, seed);
  for (const auto& [key, value] : settings) run.settings[static_cast<size_t>(sim::setting_index(*info, key))] = value;
  std::string error;
  std::unique_ptr<Lab> lab = Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

const sim::GoalSpec& goal(const char* id) {
  for (const sim::GoalSpec& g : sim::find_lab("raft")->goals)
    if (std::string(g.id) == id) return g;
  FAIL("no goal " << id);
  return sim::find_lab("raft")->goals[0];
}

bool goal_met(const Lab& lab, const char* id) {
  for (const sim::GoalStatus& g : lab.goals())
    if (g.id == id) return g.met;
  return false;
}

// Runs goal `id`'s demonstration from its settings.
std::unique_ptr<Lab> demo(const char* id, uint64_t seed) {
  const sim::GoalSpec& g = goal(id);
  std::unique_ptr<Lab> lab = open_with(g.demo_settings, seed);
  Fixture f(*lab);
  g.demo(f);
  return lab;
}

int servers_holding(const Lab& lab, int64_t write_id) {
  std::vector<std::vector<int64_t>> logs(lab.nodes().size());
  for (const TraceEvent& e : lab.trace()) {
    if (e.kind == TraceKind::Append) {
      logs[e.node].resize(static_cast<size_t>(e.a - 1));
      logs[e.node].push_back(e.c);
    }
    if (e.kind == TraceKind::Truncate) logs[e.node].resize(static_cast<size_t>(e.a));
  }
  int holders = 0;
  for (const std::vector<int64_t>& log : logs) holders += std::find(log.begin(), log.end(), write_id) != log.end();
  return holders;
}

}  // namespace

TEST_CASE("§3.4: equal election timeouts split the vote again and again; randomized ones elect a leader") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<Lab> equal = open(";spread_ms=0", seed);
    equal->advance_to(3 * s);
    INFO("seed ", seed);
    CHECK(equal->primary() == sim::kNoNode);
    CHECK(notes(*equal, sim::kRaftNoteSplitVote) >= 5 * 5);  // every server, every 150 ms round
    CHECK(notes(*equal, sim::kRaftNoteElected) == 0);
    std::unique_ptr<Lab> random = open("", seed);
    random->advance_to(3 * s);
    CHECK(random->primary() != sim::kNoNode);
    CHECK(notes(*random, sim::kRaftNoteSplitVote) <= 5);
  }
}

TEST_CASE("§3.4: when the leader crashes a follower times out and wins a higher term") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::unique_ptr<Lab> lab = open("", seed);
    Fixture f(*lab);
    const NodeId old = f.step_until_primary(2 * s);
    REQUIRE(old != sim::kNoNode);
    const int64_t old_term = view(*lab, old).epoch;
    f.run_for(300 * ms);
    f.crash(old);
    const TimeUs crashed_us = lab->now_us();
    const NodeId next = f.step_until_primary(lab->now_us() + 3 * s, old);
    INFO("seed ", seed);
    REQUIRE(next != sim::kNoNode);
    CHECK(view(*lab, next).epoch > old_term);
    // Detection takes one election timeout (150-300 ms) plus a vote round trip.
    CHECK(lab->now_us() - crashed_us >= 150 * ms);
    CHECK(lab->now_us() - crashed_us < 1500 * ms);
    CHECK(goal_met(*lab, "new-leader"));
  }
}

TEST_CASE("§3.6.1: a server missing committed entries never wins an election (leader completeness)") {
  // A follower is cut off while writes commit, so it stands for election in ever higher terms; after
  // the heal its term forces an election, but no up-to-date server votes for it.
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::unique_ptr<Lab> lab = open(";rate=50", seed);
    Fixture f(*lab);
    f.run_for(500 * ms);
    const NodeId stale = f.primary() == f.node("s5") ? f.node("s4") : f.node("s5");
    f.partition({stale});
    f.run_for(2 * s);
    const int64_t stale_term = view(*lab, stale).epoch;
    f.heal();
    f.run_for(3 * s);
    INFO("seed ", seed, ": ", findings_text(*lab));
    CHECK(stale_term > 3);
    for (const auto& [term, who] : leaders_by_term(*lab))
      if (term >= stale_term) CHECK(who.count(stale) == 0);
    CHECK(f.primary() != sim::kNoNode);
    CHECK(safety_findings(*lab) == 0);
  }
}

TEST_CASE("§3.5 and §3.6.2: a leader in a minority never commits; its entries are overwritten after the heal") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::unique_ptr<Lab> lab = demo("minority-leader", seed);
    INFO("seed ", seed, ": ", findings_text(*lab));
    CHECK(lab->checkers().stats().writes_acked == 0);
    CHECK(lab->checkers().stats().timeouts == 1);
    CHECK(goal_met(*lab, "minority-leader"));
    // c1's write (value 41) was appended by the old leader and its follower only, then erased.
    int64_t write_id = 0;
    int holders_max = 0;
    for (const TraceEvent& e : lab->trace())
      if (e.kind == TraceKind::Invoke && e.node == lab->nodes().size() - 2) write_id = e.c;
    for (const TraceEvent& e : lab->trace())
      if (e.kind == TraceKind::Append && e.c == write_id) ++holders_max;
    CHECK(holders_max == 2);
    CHECK(servers_holding(*lab, write_id) == 0);
    CHECK(safety_findings(*lab) == 0);
  }
}

TEST_CASE("§3.8: term, vote and log survive a crash; commit index and state machine are rebuilt") {
  std::unique_ptr<Lab> lab = open(";rate=40", 5);
  Fixture f(*lab);
  f.run_for(2 * s);
  const NodeId leader = f.primary();
  const NodeId follower = some_other(leader);
  const sim::NodeView before = view(*lab, follower);
  REQUIRE(before.log_length > 20);
  f.crash(follower);
  f.run_for(500 * ms);
  f.restart(follower);
  const sim::NodeView restarted = view(*lab, follower);
  CHECK(restarted.epoch == before.epoch);
  CHECK(restarted.log_length == before.log_length);
  CHECK(restarted.applied_pos == 0);  // volatile: learned again from the leader
  CHECK(restarted.role == Role::Follower);
  f.run_for(500 * ms);
  CHECK(view(*lab, follower).applied_pos >= before.applied_pos);
  CHECK(view(*lab, follower).log_length == view(*lab, f.primary()).log_length);
}

TEST_CASE("§6.4: reads at a deposed leader are stale with local reads, never with ReadIndex") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::unique_ptr<Lab> local = demo("stale-read", seed);
    INFO("seed ", seed, ": ", findings_text(*local));
    CHECK(local->checkers().count(FindingKind::StaleRead) > 0);
    CHECK(goal_met(*local, "stale-read"));
    CHECK(local->check_linearizability().verdict == sim::Verdict::NotLinearizable);
    // The same moves with ReadIndex: the old leader cannot confirm it still leads, so c1's read
    // waits and times out instead of answering.
    std::unique_ptr<Lab> index = open_with({{"reads", 1}}, seed);
    Fixture f(*index);
    goal("stale-read").demo(f);
    f.run_for(2 * s);
    CHECK(index->checkers().count(FindingKind::StaleRead) == 0);
    CHECK(index->checkers().stats().reads_acked == 0);
    CHECK(index->checkers().stats().timeouts == 1);
  }
}

TEST_CASE("§6.4: ReadIndex reads on a healthy leader return the latest acknowledged write") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    std::unique_ptr<Lab> lab = open(";rate=200;writes_pct=50;keys=1;clients=4", seed);
    lab->advance_to(10 * s);
    INFO("seed ", seed);
    CHECK(lab->checkers().stats().reads_acked > 300);  // 4 clients, one operation each at a time
    CHECK(lab->checkers().count(FindingKind::StaleRead) == 0);
    CHECK(lab->check_linearizability().verdict == sim::Verdict::Linearizable);
  }
}

TEST_CASE("§9.6: a server that cannot hear keeps deposing leaders; pre-vote stops it") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::unique_ptr<Lab> churn = demo("disruptive-server", seed);
    std::unique_ptr<Lab> calm = demo("prevote", seed);
    INFO("seed ", seed, ": ", findings_text(*churn));
    CHECK(notes(*churn, sim::kRaftNoteDeposed) >= 3);  // 3 s of one vote request per timeout
    CHECK(goal_met(*churn, "disruptive-server"));
    CHECK(notes(*calm, sim::kRaftNoteDeposed) == 0);
    CHECK(notes(*calm, sim::kRaftNoteElected) == 1);  // the first leader is never disturbed
    CHECK(goal_met(*calm, "prevote"));
    CHECK(safety_findings(*churn) + safety_findings(*calm) == 0);
  }
}

TEST_CASE("§3.10: promote (TimeoutNow) makes an up-to-date server the leader of the next term") {
  std::unique_ptr<Lab> lab = open(";rate=20", 3);
  Fixture f(*lab);
  f.run_for(s);
  const NodeId old = f.primary();
  const int64_t term = view(*lab, old).epoch;
  const NodeId target = some_other(old);
  CHECK(f.promote(target));
  f.run_for(200 * ms);
  CHECK(f.primary() == target);
  CHECK(view(*lab, target).epoch == term + 1);
  CHECK(notes(*lab, sim::kRaftNoteTimeoutNow) == 1);
  CHECK_FALSE(f.switchover(target));
  CHECK(f.last_error().find("Raft") != std::string::npos);
}

TEST_CASE("drop-next: the next message to a server is lost and traced; Raft recovers") {
  std::unique_ptr<Lab> lab = open(";rate=40", 4);
  Fixture f(*lab);
  f.run_for(s);
  const NodeId follower = some_other(f.primary());
  for (int i = 0; i < 3; ++i) CHECK(f.act("drop-next", follower));
  f.run_for(s);
  CHECK(notes(*lab, sim::kRaftNoteDropped) == 3);
  CHECK(view(*lab, follower).log_length == view(*lab, f.primary()).log_length);
  CHECK_FALSE(f.act("drop-next", f.node("c1")));
}

TEST_CASE("every guided goal: unmet on a fresh run, met by its own demonstration in every seed") {
  const sim::LabInfo& info = *sim::find_lab("raft");
  std::unique_ptr<Lab> fresh = open("", 1);
  for (const sim::GoalStatus& g : fresh->goals()) CHECK_FALSE(g.met);
  for (const sim::GoalSpec& g : info.goals)
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      std::unique_ptr<Lab> lab = demo(g.id, seed);
      INFO(g.id, " seed ", seed, ": ", findings_text(*lab));
      CHECK(goal_met(*lab, g.id));
      CHECK(safety_findings(*lab) == 0);
      // Every demonstration is a plain command log: it replays to the same trace.
      std::string error;
      std::unique_ptr<Lab> replay = Lab::create(lab->run(), &error);
      REQUIRE(replay != nullptr);
      replay->advance_to(lab->now_us());
      CHECK(replay->trace_hash() == lab->trace_hash());
    }
}

TEST_CASE("predict, then run: a write to a minority leader never commits and is erased, in every seed") {
  const sim::PredictSpec& p = sim::find_lab("raft")->predictions.at(0);
  REQUIRE(p.choices.size() == 3);
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::unique_ptr<Lab> lab = open_with(p.settings, seed);
    Fixture f(*lab);
    p.run(f);
    INFO("seed ", seed, ": ", findings_text(*lab), p.explain(*lab));
    CHECK(p.outcome(*lab) == 2);
    const std::string why = p.explain(*lab);
    CHECK(why.find("reached 2 of 5 servers; a majority is 3") != std::string::npos);
    CHECK(why.find("overwrote it on the 2 servers that held it") != std::string::npos);
  }
  // The outcome is read from the run: with c1 on the majority side the same write commits.
  std::unique_ptr<Lab> lab = open("", 2);
  Fixture f(*lab);
  f.run_for(s);
  f.write(f.node("c1"), 1, 41);
  f.run_for(s);
  CHECK(p.outcome(*lab) == 0);
}

TEST_CASE("the safety checkers flag broken traces (§3.6.3 figure 3.2)") {
  struct Feed {
    sim::Checkers core{{"s1", "s2", "s3", "c1"}};
    sim::RaftCheckers raft{core, {"s1", "s2", "s3", "c1"}};
    TimeUs t = 0;
    void push(TraceKind kind, int node, uint8_t code, int32_t y, int64_t a, int64_t b = 0, int64_t c = 0) {
      TraceEvent e;
      e.time_us = ++t;
      e.kind = kind;
      e.node = static_cast<uint8_t>(node);
      e.code = code;
      e.y = y;
      e.a = a;
      e.b = b;
      e.c = c;
      core.on_trace(e);
      raft.on_trace(e);
    }
    void leader(int node, int64_t term) { push(TraceKind::Role, node, static_cast<uint8_t>(Role::Leader), 0, term); }
    void follower(int node, int64_t term) { push(TraceKind::Role, node, static_cast<uint8_t>(Role::Follower), 0, term); }
    void append(int node, int64_t index, int32_t term, int64_t write_id) {
      push(TraceKind::Append, node, static_cast<uint8_t>(sim::AppendSource::Replicated), term, index, 0, write_id);
    }
    void commit(int node, int64_t from, int64_t to) { push(TraceKind::Note, node, sim::kRaftNoteCommit, 0, from, to); }
    int count(FindingKind k) const { return core.count(k); }
  };
  SUBCASE("a healthy history: nothing") {
    Feed f;
    f.leader(0, 1);
    for (int n : {0, 1, 2}) f.append(n, 1, 1, 11);
    f.commit(0, 0, 1);
    f.commit(1, 0, 1);
    f.follower(0, 3);
    f.leader(1, 3);
    // A late vote elects s3 for term 2 after term 3 committed more: allowed (§3.6.3 speaks of
    // entries committed in terms before the leader's).
    f.append(1, 2, 3, 12);
    f.append(0, 2, 3, 12);
    f.commit(1, 1, 2);
    f.leader(2, 2);
    CHECK(f.core.findings().empty());
  }
  SUBCASE("two leaders in one term") {
    Feed f;
    f.leader(0, 3);
    f.leader(1, 3);
    CHECK(f.count(FindingKind::ElectionSafety) == 1);
  }
  SUBCASE("same index and term, different history") {
    Feed f;
    f.append(0, 1, 1, 11);
    f.append(0, 2, 2, 12);
    f.append(1, 1, 2, 99);  // a different entry at #1 (of another term: no conflict there yet)
    f.append(1, 2, 2, 12);
    CHECK(f.count(FindingKind::LogMatching) == 1);
  }
  SUBCASE("a leader without a committed entry") {
    Feed f;
    f.leader(0, 1);
    f.append(0, 1, 1, 11);
    f.append(1, 1, 1, 11);
    f.commit(0, 0, 1);
    f.leader(2, 2);
    CHECK(f.count(FindingKind::LeaderCompleteness) == 1);
  }
  SUBCASE("two servers commit different entries at one index") {
    Feed f;
    f.append(0, 1, 1, 11);
    f.append(1, 1, 2, 21);
    f.commit(0, 0, 1);
    f.commit(1, 0, 1);
    f.commit(1, 0, 1);  // reported once per index
    CHECK(f.count(FindingKind::StateMachineSafety) == 1);
  }
  SUBCASE("an acknowledged write missing on the newest leader") {
    Feed f;
    f.push(TraceKind::Invoke, 3, static_cast<uint8_t>(sim::OpKind::Write), 0, 1, 5, 77);
    f.push(TraceKind::Complete, 3, static_cast<uint8_t>(sim::OpResult::Ok), 0, 1, 5, 77);
    f.leader(1, 4);
    CHECK(f.count(FindingKind::LostWrite) == 1);
  }
}

TEST_CASE("views: node detail, the Logs table and the election timer bars") {
  std::unique_ptr<Lab> lab = open(";rate=10", 7);
  Fixture f(*lab);
  f.run_for(2 * s);
  const NodeId leader = f.primary();
  REQUIRE(leader != sim::kNoNode);
  const std::vector<sim::NodeView> nodes = lab->nodes();
  REQUIRE(nodes.size() == 7);  // s1..s5 c1 c2
  CHECK(nodes[5].name == "c1");
  CHECK(nodes[static_cast<size_t>(leader)].detail.rfind("term ", 0) == 0);
  CHECK(nodes[static_cast<size_t>(leader)].detail.find(" ms") == std::string::npos);  // leaders have no timer
  CHECK(nodes[static_cast<size_t>(leader)].detail.find("commit") != std::string::npos);
  const std::string& follower = nodes[static_cast<size_t>(some_other(leader))].detail;
  CHECK(follower.find(" ms") != std::string::npos);
  CHECK(follower.find("voted s") != std::string::npos);
  const std::vector<sim::Figure> figures = lab->figures();
  REQUIRE(figures.size() == 2);
  const sim::Figure& logs = figures[0];
  CHECK(logs.title == "Logs");
  REQUIRE(logs.rows.size() == 5);
  CHECK(logs.columns.size() == 11);  // server + the last 10 indices
  // The leader's committed entries are green; nothing conflicts in a healthy cluster.
  const std::vector<sim::FigureCell>& row = logs.rows[static_cast<size_t>(leader)];
  CHECK(row[0].tone == sim::Tone::Accent);
  CHECK(row[1].tone == sim::Tone::Good);
  for (const auto& r : logs.rows)
    for (const sim::FigureCell& c : r) CHECK(c.tone != sim::Tone::Bad);
  CHECK(logs.caption.find("committed through #") != std::string::npos);
  const sim::Figure& timers = figures[1];
  REQUIRE(timers.bars.size() == 5);
  for (size_t i = 0; i < 5; ++i) {
    if (static_cast<NodeId>(i) == leader) {
      CHECK(timers.bars[i].label.find("(leader)") != std::string::npos);
      continue;
    }
    CHECK(timers.bars[i].value > 0);
    CHECK(timers.bars[i].value <= 300);
  }
  // A partitioned follower's log falls behind; after the leader changes, its extra entries show red.
  f.partition({leader, f.node("c1"), f.node("c2")});
  f.run_for(2 * s);
  bool red = false;
  const std::vector<sim::Figure> after = lab->figures();
  for (const auto& r : after[0].rows)
    for (const sim::FigureCell& c : r) red |= c.tone == sim::Tone::Bad;
  CHECK(red);
  CHECK(after[0].caption.find("conflict") != std::string::npos);
}

TEST_CASE("settings: bad combinations give a sentence, never a crash") {
  sim::RunSpec run;
  std::string error;
  CHECK(sim::decode_run("v1;lab=raft;seed=1;servers=7;clients=4", &run, &error));
  CHECK(Lab::create(run, &error) != nullptr);
  CHECK_FALSE(sim::decode_run("v1;lab=raft;seed=1;timeout_ms=50;hb_ms=50", &run, &error));
  CHECK(error.find("election timeout must be at least 2 heartbeat intervals") != std::string::npos);
  CHECK_FALSE(sim::decode_run("v1;lab=raft;seed=1;servers=8", &run, &error));
  std::unique_ptr<Lab> lab = open("", 1);
  Fixture f(*lab);
  CHECK_FALSE(f.write(f.node("s1"), 1, 5));
  CHECK_FALSE(f.write(f.node("c1"), 8, 5));
  CHECK(f.write(f.node("c1"), 7, 5));
}

TEST_CASE("3 and 7 servers: a majority of 2 and of 4 commits; a minority does not") {
  for (int n : {3, 7}) {
    std::unique_ptr<Lab> lab = open(";servers=" + std::to_string(n), 11);
    Fixture f(*lab);
    f.run_for(s);
    const NodeId leader = f.primary();
    REQUIRE(leader != sim::kNoNode);
    // Cut the leader off from all but majority-1 followers: writes still commit.
    int kept = 0;
    for (NodeId x = 0; x < n; ++x)
      if (x != leader && kept++ >= n / 2) f.partition({x});
    f.run_for(100 * ms);
    f.heal();
    CHECK(f.write(f.node("c1"), 1, 5));
    f.run_for(s);
    CHECK(lab->checkers().stats().writes_acked == 1);
  }
}
