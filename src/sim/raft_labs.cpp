// The lesson 5 Raft lab: settings, guided goals with their demonstrations, and a "predict, then
// run" question on a partitioned leader (lesson 5, "A Raft cluster during a partition").
#include <algorithm>
#include <cstring>
#include <set>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/raft.h"

namespace sim {

namespace {

const char* const kReads[] = {"local", "readindex"};
const char* const kOnOff[] = {"off", "on"};

// Order is part of the URL format: append only.
const std::vector<SettingSpec>& settings() {
  static const std::vector<SettingSpec> s = {
      {"servers", "Raft servers", 3, kRaftMaxServers, 5, nullptr},
      {"timeout_ms", "shortest election timeout (ms)", 2, 60'000, 150, nullptr},
      {"spread_ms", "election timeouts are random in [timeout, timeout + spread] (ms); 0 = all equal", 0, 60'000, 150,
       nullptr},
      {"hb_ms", "leader heartbeat interval (ms)", 1, 10'000, 50, nullptr},
      {"reads", "reads answered by the leader at once (local) or after a majority confirms it still leads "
                "(readindex)", 0, 1, 1, kReads},
      {"prevote", "pre-vote: ask whether an election could be won before starting one", 0, 1, 0, kOnOff},
      {"clients", "client processes", 1, 4, 2, nullptr},
      {"rate", "workload operations per second, all clients together", 0, 10'000, 0, nullptr},
      {"writes_pct", "share of workload operations that are writes (%)", 0, 100, 50, nullptr},
      {"keys", "keys the workload touches", 1, kRaftKeys, 2, nullptr},
      {"op_timeout_ms", "client gives up on an operation after (ms)", 1, 60'000, 2000, nullptr},
      {"latency_ms", "one-way network latency (ms)", 0, 10'000, 5, nullptr},
      {"jitter_ms", "extra random latency, up to (ms)", 0, 10'000, 2, nullptr},
      {"loss_ppm", "message loss, parts per million", 0, 1'000'000, 0, nullptr},
      {"dup_ppm", "message duplication, parts per million", 0, 1'000'000, 0, nullptr},
      {"reorder_ppm", "messages held back so later ones overtake them, parts per million", 0, 1'000'000, 0, nullptr},
  };
  return s;
}

int64_t value(const std::vector<int64_t>& v, const char* key) { return setting_value(settings(), v, key); }

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  RaftConfig c;
  c.servers = static_cast<int>(value(v, "servers"));
  c.election_min_us = value(v, "timeout_ms") * kUsPerMs;
  c.election_spread_us = value(v, "spread_ms") * kUsPerMs;
  c.heartbeat_us = value(v, "hb_ms") * kUsPerMs;
  c.read_mode = static_cast<RaftReadMode>(value(v, "reads"));
  c.prevote = value(v, "prevote") != 0;
  c.clients = static_cast<int>(value(v, "clients"));
  c.workload_ops_per_s = static_cast<int>(value(v, "rate"));
  c.write_percent = static_cast<int>(value(v, "writes_pct"));
  c.keys = static_cast<int>(value(v, "keys"));
  c.op_timeout_us = value(v, "op_timeout_ms") * kUsPerMs;
  network->link.latency_us = value(v, "latency_ms") * kUsPerMs;
  network->link.jitter_us = value(v, "jitter_ms") * kUsPerMs;
  network->link.loss_ppm = static_cast<uint32_t>(value(v, "loss_ppm"));
  network->link.duplicate_ppm = static_cast<uint32_t>(value(v, "dup_ppm"));
  network->link.reorder_ppm = static_cast<uint32_t>(value(v, "reorder_ppm"));
  if (!c.validate(error)) return nullptr;
  return make_raft_scenario(c);
}

// --- Reading a run ------------------------------------------------------------------------------

int64_t notes(const Lab& lab, RaftNote note) { return lab.checkers().stats().notes[note]; }
int servers(const Lab& lab) { return static_cast<int>(lab.setting("servers")); }

/// The newest term whose leader was crashed while leading, and whether a later term then got a
/// leader (scans the kept trace: goals are checked a few times a second, runs are short).
bool leader_replaced_after_crash(const Lab& lab) {
  std::vector<int64_t> leading(static_cast<size_t>(servers(lab)), 0);  // term a server leads, or 0
  int64_t crashed_term = 0;
  for (const TraceEvent& e : lab.trace()) {
    if (e.node >= leading.size()) continue;
    if (e.kind == TraceKind::Crash && leading[e.node] > 0) crashed_term = std::max(crashed_term, leading[e.node]);
    if (e.kind == TraceKind::Crash) leading[e.node] = 0;
    if (e.kind != TraceKind::Role) continue;
    const bool leads = static_cast<Role>(e.code) == Role::Leader;
    leading[e.node] = leads ? e.a : 0;
    if (leads && crashed_term > 0 && e.a > crashed_term) return true;
  }
  return false;
}

/// Client writes erased from some server's log (uncommitted entries of a deposed leader).
int64_t client_writes_discarded(const Lab& lab) {
  int64_t writes = 0;
  for (const TraceEvent& e : lab.trace())
    if (e.kind == TraceKind::Note && e.code == kRaftNoteDiscard && e.node < servers(lab)) writes += e.c;
  return writes;
}

/// Time of the first command issuing scenario action `name`, or -1.
TimeUs first_action_us(const Lab& lab, const char* name) {
  for (const Command& c : lab.run().commands)
    if (c.verb == Verb::Act && static_cast<size_t>(c.b) < lab.actions().size() &&
        std::strcmp(lab.actions()[static_cast<size_t>(c.b)].name, name) == 0)
      return c.time_us;
  return -1;
}

NodeId some_follower(const Fixture& f, NodeId leader) {
  return leader == f.node("s1") ? f.node("s2") : f.node("s1");
}

// --- Goals ----------------------------------------------------------------------------------------

bool elected_met(const Lab& lab) { return notes(lab, kRaftNoteElected) > 0; }
bool committed_met(const Lab& lab) { return lab.checkers().stats().writes_acked > 0; }
bool split_votes_met(const Lab& lab) { return lab.setting("spread_ms") == 0 && notes(lab, kRaftNoteSplitVote) >= 3; }
bool minority_met(const Lab& lab) { return client_writes_discarded(lab) > 0; }
bool stale_read_met(const Lab& lab) { return lab.checkers().count(FindingKind::StaleRead) > 0; }
bool churn_met(const Lab& lab) { return notes(lab, kRaftNoteDeposed) >= 2; }

// Pre-vote on, a server deafened for at least 2 s, and no leader was deposed.
bool calm_met(const Lab& lab) {
  const TimeUs since = first_action_us(lab, "deafen");
  return lab.setting("prevote") == 1 && since >= 0 && lab.now_us() >= since + 2 * kUsPerS &&
         notes(lab, kRaftNoteDeposed) == 0 && lab.primary() != kNoNode;
}

void elect_demo(Fixture& f) { f.run_for(kUsPerS); }

void commit_demo(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  f.write(f.node("c1"), 1, 7);
  f.run_for(500 * kUsPerMs);
}

void new_leader_demo(Fixture& f) {
  f.run_for(kUsPerS);
  const NodeId old = f.primary();
  f.crash(old);
  f.step_until_primary(f.lab().now_us() + 5 * kUsPerS, old);
  f.run_for(500 * kUsPerMs);
}

void split_votes_demo(Fixture& f) { f.run_for(2 * kUsPerS); }

// Lesson 5: "A Raft cluster during a partition": the leader and one follower (with client c1)
// are cut off; c1's write reaches the old leader, which can never commit it.
void partition_minority(Fixture& f) {
  f.run_for(kUsPerS);
  const NodeId old = f.primary();
  f.partition({old, some_follower(f, old), f.node("c1")});
}

void minority_demo(Fixture& f) {
  partition_minority(f);
  f.write(f.node("c1"), 1, 41);
  f.run_for(3 * kUsPerS);
  f.heal();
  f.run_for(kUsPerS);
}

// With local reads the deposed leader answers c1 from its old state after c2's newer write
// committed on the majority side.
void stale_read_demo(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  f.write(f.node("c1"), 1, 10);
  f.run_for(500 * kUsPerMs);
  const NodeId old = f.primary();
  f.partition({old, some_follower(f, old), f.node("c1")});
  const int64_t acked = f.lab().checkers().stats().writes_acked;
  f.write(f.node("c2"), 1, 20);
  f.step_until([&] { return f.lab().checkers().stats().writes_acked > acked; }, f.lab().now_us() + 5 * kUsPerS);
  f.run_for(100 * kUsPerMs);  // the read begins after c2 was told its write succeeded
  f.read(f.node("c1"), 1);
  f.run_for(kUsPerS);
}

// Lesson 5 callout on pre-vote: a follower that hears nobody keeps standing for election with
// ever higher terms, and each vote request deposes the working leader.
void deafen_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.act("deafen", some_follower(f, f.primary()));
  f.run_for(3 * kUsPerS);
}

const GoalSpec kElect{"elect-leader", "Elect a leader",
                      "Press play: the first follower whose election timer runs out asks for votes.",
                      {}, elected_met, elect_demo};
const GoalSpec kCommit{"commit-write", "Replicate and commit a write",
                       "Click a client and write: the leader appends it, a majority stores it, then it is acknowledged.",
                       {}, committed_met, commit_demo};
const GoalSpec kNewLeader{"new-leader", "Kill the leader and see a new one in a higher term",
                          "Crash the leader: a follower's timer runs out and it wins the next term.",
                          {}, leader_replaced_after_crash, new_leader_demo};
const GoalSpec kSplitVotes{"split-votes", "Count split votes with equal timeouts",
                           "Set spread_ms to 0: every server times out at once, votes for itself, and nobody wins.",
                           {{"spread_ms", 0}}, split_votes_met, split_votes_demo};
const GoalSpec kMinority{"minority-leader", "Watch a minority leader's write get erased",
                         "Cut the leader and one follower off with c1, write from c1, then heal the network.",
                         {}, minority_met, minority_demo};
const GoalSpec kStaleRead{"stale-read", "Read stale data from a deposed leader",
                          "With reads=local, partition the leader with c1, write from c2, then read from c1.",
                          {{"reads", 0}}, stale_read_met, stale_read_demo};
const GoalSpec kChurn{"disruptive-server", "Let a server that cannot hear depose leaders",
                      "Cut every link into one follower: its vote requests keep forcing new elections.",
                      {}, churn_met, deafen_demo};
const GoalSpec kCalm{"prevote", "Stop the disruption with pre-vote",
                     "Turn prevote on and deafen a follower again: no leader is deposed for 2 s.",
                     {{"prevote", 1}}, calm_met, deafen_demo};

// --- Prediction -------------------------------------------------------------------------------------

struct MinorityWrite {
  bool acked = false;
  int holders = 0;           // servers that ever appended it
  int committed_on = 0;      // servers whose log held it at their last commit
  int erased_on = 0;         // servers that erased uncommitted client writes after the heal
  TimeUs gave_up_us = -1;    // when the client timed out
};

// Follows c1's last write through the trace: who appended it, whether it was acknowledged, and
// whether it survives in the logs of the servers that committed past it.
MinorityWrite follow_c1_write(const Lab& lab) {
  MinorityWrite w;
  const NodeId c1 = static_cast<NodeId>(servers(lab));  // clients follow the servers
  int64_t write_id = 0, seq = 0;
  const size_t n = static_cast<size_t>(servers(lab));
  std::vector<std::vector<int64_t>> logs(n);  // write ids by index
  std::set<int> holders;
  for (const TraceEvent& e : lab.trace()) {
    if (e.kind == TraceKind::Invoke && e.node == c1 && static_cast<OpKind>(e.code) == OpKind::Write) {
      write_id = e.c;
      seq = e.a;
    } else if (e.kind == TraceKind::Complete && e.node == c1 && e.a == seq && write_id != 0) {
      w.acked = static_cast<OpResult>(e.code) == OpResult::Ok;
      if (!w.acked) w.gave_up_us = e.time_us;
    } else if (e.kind == TraceKind::Append && e.node < n) {
      logs[e.node].resize(static_cast<size_t>(e.a - 1));
      logs[e.node].push_back(e.c);
      if (e.c == write_id && write_id != 0) holders.insert(e.node);
    } else if (e.kind == TraceKind::Truncate && e.node < n) {
      logs[e.node].resize(static_cast<size_t>(e.a));
    } else if (e.kind == TraceKind::Note && e.code == kRaftNoteDiscard && e.node < n && e.c > 0) {
      ++w.erased_on;
    }
  }
  w.holders = static_cast<int>(holders.size());
  for (const NodeView& v : lab.nodes()) {
    if (v.id >= static_cast<NodeId>(n)) continue;
    const std::vector<int64_t>& log = logs[static_cast<size_t>(v.id)];
    const size_t upto = std::min(log.size(), static_cast<size_t>(std::max<int64_t>(0, v.applied_pos)));
    w.committed_on += std::find(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(upto), write_id) !=
                      log.begin() + static_cast<std::ptrdiff_t>(upto);
  }
  return w;
}

void minority_run(Fixture& f) { minority_demo(f); }

int minority_outcome(const Lab& lab) {
  const MinorityWrite w = follow_c1_write(lab);
  if (w.acked) return 0;
  return w.committed_on >= lab.setting("servers") / 2 + 1 ? 1 : 2;
}

std::string minority_explain(const Lab& lab) {
  const MinorityWrite w = follow_c1_write(lab);
  const int64_t n = lab.setting("servers");
  std::string s = "c1's write reached " + std::to_string(w.holders) + " of " + std::to_string(n) +
                  " servers; a majority is " + std::to_string(n / 2 + 1) + ". ";
  if (w.acked) return s + "It was acknowledged.";
  if (w.gave_up_us >= 0) s += "c1 gave up at " + format_seconds(w.gave_up_us) + ". ";
  s += "The other side elected a leader of a higher term; after the heal ";
  s += w.committed_on > 0 ? "the write is committed on " + std::to_string(w.committed_on) + " servers."
                          : "the new leader's log overwrote it on the " + std::to_string(w.erased_on) +
                                " servers that held it.";
  return s;
}

const PredictSpec kMinorityPrediction{
    "minority-write",
    "5 servers: the leader and one follower are cut off, with client c1, from the other three. c1 writes to the "
    "old leader, and 3 s later the network heals. What happens to that write?",
    {"It commits: the old leader is still the leader on its side",
     "It waits, and commits once the partition heals",
     "It never commits; the old leader's copy is overwritten after the heal"},
    {},
    minority_run,
    minority_outcome,
    minority_explain};

}  // namespace

std::vector<LabInfo> raft_labs() {
  LabInfo raft{"raft", "Raft lab", "failover", settings(),
               {kElect, kCommit, kNewLeader, kSplitVotes, kMinority, kStaleRead, kChurn, kCalm}, make};
  raft.predictions = {kMinorityPrediction};
  raft.checks = {FindingKind::ElectionSafety, FindingKind::LogMatching, FindingKind::LeaderCompleteness,
                 FindingKind::StateMachineSafety, FindingKind::LostWrite, FindingKind::StaleRead};
  return {raft};
}

}  // namespace sim
