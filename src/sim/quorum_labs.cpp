// The lesson 4 labs built on the Dynamo-style quorum store (quorum.h): the quorum lab (N, W, R,
// read repair, hinted handoff; stale reads and latency as W and R change) and the CAP lab (the
// same store split by a partition, in CP or AP configuration). Settings, guided goals with the
// fixture moves that demonstrate them, and the predict-then-run questions.
#include <cstring>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/quorum.h"

namespace sim {

namespace {

const char* const kOnOff[] = {"off", "on"};
const char* const kCapModes[] = {"cp", "ap"};
enum CapMode : int64_t { kCP = 0, kAP = 1 };

// Settings both labs share, after each lab's own. Order is part of the URL format: append only.
std::vector<SettingSpec> with_common(std::vector<SettingSpec> s, int64_t ae_ms) {
  const std::vector<SettingSpec> common = {
      {"repair", "read repair: a read sends the newest version back to replicas that answered with an older one",
       0, 1, 1, kOnOff},
      {"spread_ms", "extra one-way latency between the last replica (in a far zone) and the others (ms)",
       0, 2000, 30, nullptr},
      {"ae_ms", "anti-entropy: each replica swaps versions with a random peer this often (ms, 0 = off)", 0, 60'000,
       ae_ms, nullptr},
      {"clients", "client processes", 1, kQuorumMaxClients, 3, nullptr},
      {"rate", "workload operations per second, all clients together", 0, 1000, 30, nullptr},
      {"writes_pct", "share of workload operations that are writes (%)", 0, 100, 50, nullptr},
      {"keys", "keys the workload touches", 1, kQuorumMaxKeys, 2, nullptr},
      {"timeout_ms", "a coordinator answers 'unavailable' after (ms)", 10, 60'000, 500, nullptr},
      {"latency_ms", "one-way network latency (ms)", 0, 10'000, 5, nullptr},
      {"jitter_ms", "extra random latency, up to (ms)", 0, 10'000, 2, nullptr},
  };
  s.insert(s.end(), common.begin(), common.end());
  return s;
}

std::vector<SettingSpec> quorum_settings() {
  return with_common({{"n", "N: replicas that hold every key", 1, kQuorumMaxReplicas, 3, nullptr},
                      {"w", "W: replicas that must store a write before it is acknowledged", 1, kQuorumMaxReplicas, 1, nullptr},
                      {"r", "R: replies a read waits for", 1, kQuorumMaxReplicas, 1, nullptr},
                      {"handoff", "hinted handoff: stand-ins h1, h2 accept writes for unreachable replicas (sloppy quorum)",
                       0, 1, 0, kOnOff}},
                     0);
}

std::vector<SettingSpec> cap_settings() {
  return with_common({{"mode", "cp: W = R = a majority of N; ap: W = R = 1", 0, 1, kCP, kCapModes},
                      {"n", "N: replicas that hold every key", 3, kQuorumMaxReplicas, 5, nullptr}},
                     200);
}

int64_t value(const std::vector<SettingSpec>& schema, const std::vector<int64_t>& v, const char* key) {
  for (size_t i = 0; i < schema.size(); ++i)
    if (std::strcmp(schema[i].key, key) == 0) return v[i];
  return 0;
}

// The settings both labs share.
QuorumConfig common_config(const std::vector<SettingSpec>& schema, const std::vector<int64_t>& v, NetworkConfig* network) {
  QuorumConfig c;
  c.replicas = static_cast<int>(value(schema, v, "n"));
  c.read_repair = value(schema, v, "repair") != 0;
  c.spread_us = value(schema, v, "spread_ms") * kUsPerMs;
  c.anti_entropy_us = value(schema, v, "ae_ms") * kUsPerMs;
  c.clients = static_cast<int>(value(schema, v, "clients"));
  c.workload_ops_per_s = static_cast<int>(value(schema, v, "rate"));
  c.write_percent = static_cast<int>(value(schema, v, "writes_pct"));
  c.keys = static_cast<int>(value(schema, v, "keys"));
  c.op_timeout_us = value(schema, v, "timeout_ms") * kUsPerMs;
  network->link.latency_us = value(schema, v, "latency_ms") * kUsPerMs;
  network->link.jitter_us = value(schema, v, "jitter_ms") * kUsPerMs;
  return c;
}

std::unique_ptr<Scenario> finish(const QuorumConfig& c, const NetworkConfig& network, std::string* error) {
  if (!c.validate(error) || !network.validate(error)) return nullptr;
  return make_quorum_scenario(c, network);
}

std::unique_ptr<Scenario> make_quorums(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  static const std::vector<SettingSpec> schema = quorum_settings();
  QuorumConfig c = common_config(schema, v, network);
  c.w = static_cast<int>(value(schema, v, "w"));
  c.r = static_cast<int>(value(schema, v, "r"));
  c.hinted_handoff = value(schema, v, "handoff") != 0;
  return finish(c, *network, error);
}

// Lesson 4 "CAP trade-offs in practice": CP = majority quorums (every read meets every write);
// AP = any one replica accepts (Cassandra's consistency level ONE). No hinted handoff in either,
// so the comparison isolates W and R.
std::unique_ptr<Scenario> make_cap(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  static const std::vector<SettingSpec> schema = cap_settings();
  QuorumConfig c = common_config(schema, v, network);
  c.w = c.r = value(schema, v, "mode") == kAP ? 1 : c.replicas / 2 + 1;
  c.live_quorums = false;
  c.cap_comparison = true;
  return finish(c, *network, error);
}

// --- Reading a run -------------------------------------------------------------------------------

std::vector<QuorumPeriod> periods(const Lab& lab) {
  return quorum_periods(static_cast<int>(lab.setting("w")), static_cast<int>(lab.setting("r")), lab.run().commands,
                        lab.actions(), lab.now_us());
}

TimeUs period_end(const std::vector<QuorumPeriod>& p, size_t i, TimeUs now_us) {
  return i + 1 < p.size() ? p[i + 1].from_us : now_us;
}

int stale_reads_between(const Lab& lab, TimeUs from_us, TimeUs to_us) {
  int n = 0;
  for (const Finding& f : lab.findings())
    n += f.kind == FindingKind::StaleRead && f.time_us >= from_us && f.time_us < to_us ? 1 : 0;
  return n;
}

// Time of the first command of `verb` (and, for Act, named `action`) at or after from_us.
TimeUs first_command(const Lab& lab, Verb verb, const char* action, TimeUs from_us) {
  for (const Command& c : lab.run().commands) {
    if (c.verb != verb || c.time_us < from_us) continue;
    if (action == nullptr || (c.b >= 0 && static_cast<size_t>(c.b) < lab.actions().size() &&
                              std::strcmp(lab.actions()[static_cast<size_t>(c.b)].name, action) == 0))
      return c.time_us;
  }
  return kNever;
}

struct SideOps {
  int64_t ok = 0;
  int64_t failed = 0;
  int64_t writes_ok = 0;
};

/// Completed operations invoked in [from, to) on each side of the split: the last client is the
/// minority's (see quorum_minority_mask), the others the majority's. Operations begun before the
/// split may still finish right after it with a quorum gathered before: they do not count.
void ops_by_side(const Lab& lab, TimeUs from_us, TimeUs to_us, SideOps* majority, SideOps* minority) {
  NodeId last_client = kNoNode;
  for (const NodeView& v : lab.nodes())
    if (std::strcmp(v.kind, "client") == 0) last_client = v.id;
  std::vector<TimeUs> invoked_us(lab.nodes().size(), kNever);
  for (const TraceEvent& e : lab.trace()) {
    if (e.kind == TraceKind::Invoke) invoked_us[e.node] = e.time_us;
    if (e.kind != TraceKind::Complete || invoked_us[e.node] < from_us || invoked_us[e.node] >= to_us) continue;
    SideOps& side = e.node == last_client ? *minority : *majority;
    const bool ok = static_cast<OpResult>(e.code) == OpResult::Ok;
    (ok ? side.ok : side.failed) += 1;
    side.writes_ok += ok && static_cast<OpKind>(e.y) == OpKind::Write ? 1 : 0;
  }
}

const std::vector<int64_t>* series(const Lab& lab, const char* name) {
  const Metrics& m = lab.metrics();
  for (size_t i = 0; i < m.specs.size(); ++i)
    if (m.specs[i].name == name) return &m.series[i];
  return nullptr;
}

// --- Quorum lab goals ----------------------------------------------------------------------------

constexpr TimeUs kQuietRunUs = 20 * kUsPerS;
// Writes acknowledged under a smaller W just before W or R changed may still sit on too few
// replicas; the guarantee holds for reads that start after them.
constexpr TimeUs kGraceUs = kUsPerS;

bool stale_met(const Lab& lab) {
  const std::vector<QuorumPeriod> p = periods(lab);
  const int n = static_cast<int>(lab.setting("n"));
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i].w + p[i].r <= n && stale_reads_between(lab, p[i].from_us, period_end(p, i, lab.now_us())) > 0) return true;
  return false;
}

bool no_stale_met(const Lab& lab) {
  const std::vector<QuorumPeriod> p = periods(lab);
  const int n = static_cast<int>(lab.setting("n"));
  for (size_t i = 0; i < p.size(); ++i) {
    const TimeUs end = period_end(p, i, lab.now_us());
    if (p[i].w + p[i].r > n && end - p[i].from_us >= kQuietRunUs + kGraceUs &&
        stale_reads_between(lab, p[i].from_us + kGraceUs, end) == 0 && lab.checkers().stats().reads_acked > 0)
      return true;
  }
  return false;
}

bool latency_met(const Lab& lab) {
  const std::vector<QuorumPeriod> p = periods(lab);
  const int n = static_cast<int>(lab.setting("n"));
  bool all = false, fewer = false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (period_end(p, i, lab.now_us()) - p[i].from_us < 3 * kUsPerS) continue;
    (p[i].w == n ? all : fewer) = true;
  }
  return all && fewer && lab.checkers().stats().writes_acked > 0;
}

bool handoff_met(const Lab& lab) {
  const CheckerStats& s = lab.checkers().stats();
  return lab.setting("handoff") == 1 && s.notes[kNoteHinted] > 0 && s.notes[kNoteHandedOff] > 0;
}

// The lesson's recipe: one replica and its client cut off; with W = R = 1 that client's reads
// are answered by its own replica, which never hears of the other clients' writes.
void stale_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.partition({f.node("r3"), f.node("c3")});
  f.run_for(3 * kUsPerS);
  f.heal();
  f.run_for(kUsPerS);
}

void no_stale_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.act(kActSetW, kNoNode, 2);
  f.act(kActSetR, kNoNode, 2);
  f.run_for(kQuietRunUs + kGraceUs + kUsPerS);
}

void latency_demo(Fixture& f) {
  f.run_for(3 * kUsPerS + kUsPerMs);
  f.act(kActSetW, kNoNode, f.lab().setting("n"));
  f.run_for(3 * kUsPerS + kUsPerMs);
}

void handoff_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.crash(f.node("r3"));
  f.run_for(3 * kUsPerS);
  f.restart(f.node("r3"));
  f.run_for(2 * kUsPerS);
}

const GoalSpec kStale{"stale-read", "See a stale read with W + R <= N",
                      "With N=3, W=1, R=1, cut r3 and c3 off from the rest: c3's reads only hear from r3.",
                      {}, stale_met, stale_demo};
const GoalSpec kNoStale{"no-stale-reads", "Make stale reads impossible: W + R > N for 20 s",
                        "Raise W and R until W + R > N, then let the workload run 20 s: the stale count stays at 0.",
                        {}, no_stale_met, no_stale_demo};
const GoalSpec kLatency{"latency-w-n", "Measure what W = N costs",
                        "Run 3 s with W below N, then set W = N and run 3 s more: compare write p50 and p99 in the table.",
                        {}, latency_met, latency_demo};
const GoalSpec kHandoff{"hinted-handoff", "Keep W = N writes going with a replica down",
                        "Turn hinted handoff on, set W = N, crash a replica: stand-ins take its writes and hand them back "
                        "after it restarts.",
                        {{"handoff", 1}, {"w", 3}}, handoff_met, handoff_demo};

// --- Quorum lab prediction -----------------------------------------------------------------------

constexpr TimeUs kPredictRunUs = 30 * kUsPerS;

void w2r1_run(Fixture& f) { f.run_for(kPredictRunUs); }

int w2r1_outcome(const Lab& lab) { return lab.checkers().count(FindingKind::StaleRead) > 0 ? 0 : 1; }

std::string w2r1_explain(const Lab& lab) {
  const int stale = lab.checkers().count(FindingKind::StaleRead);
  return "W + R = 3 is not more than N = 3: a write waits for 2 replicas, and the one reply a read "
         "waits for can come from the third before the write reaches it. In 30 s, " +
         std::to_string(stale) + " of " + std::to_string(lab.checkers().stats().reads_acked) + " reads were stale.";
}

const PredictSpec kW2R1{"w2r1-stale",
                        "N = 3, W = 2, R = 1, no failures. Will a read ever return an older value than a write "
                        "acknowledged before it began?",
                        {"Yes, now and then", "Never: two replicas hold every acknowledged write"},
                        {{"n", 3}, {"w", 2}, {"r", 1}, {"keys", 1}},
                        w2r1_run,
                        w2r1_outcome,
                        w2r1_explain};

// --- CAP lab goals and prediction ----------------------------------------------------------------

constexpr TimeUs kSplitForUs = 4 * kUsPerS;

bool cp_refuses_met(const Lab& lab) {
  const TimeUs split = first_command(lab, Verb::Act, kActSplit, 0);
  if (lab.setting("mode") != kCP || split == kNever) return false;
  SideOps majority, minority;
  ops_by_side(lab, split, first_command(lab, Verb::Heal, nullptr, split), &majority, &minority);
  return minority.failed > 0 && minority.ok == 0 && majority.ok >= 5;
}

bool ap_converges_met(const Lab& lab) {
  const TimeUs split = first_command(lab, Verb::Act, kActSplit, 0);
  const TimeUs heal = first_command(lab, Verb::Heal, nullptr, split);
  if (lab.setting("mode") != kAP || heal == kNever || lab.now_us() < heal + kUsPerS) return false;
  SideOps majority, minority;
  ops_by_side(lab, split, heal, &majority, &minority);
  const std::vector<int64_t>* diverged = series(lab, "diverged keys");
  const std::vector<TimeUs>& times = lab.metrics().times_us;
  if (diverged == nullptr || diverged->empty()) return false;
  // With the workload still running, a write in flight makes replicas differ for a moment;
  // converged means some sample after the heal found every key equal on every replica.
  bool diverged_while_split = false, agreed_after = false;
  for (size_t i = 0; i < times.size(); ++i) {
    diverged_while_split |= times[i] >= split && times[i] < heal && (*diverged)[i] > 0;
    agreed_after |= times[i] > heal && (*diverged)[i] == 0;
  }
  return majority.writes_ok > 0 && minority.writes_ok > 0 && diverged_while_split && agreed_after &&
         lab.checkers().count(FindingKind::Divergence) == 0;
}

void split_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.act(kActSplit);
  f.run_for(kSplitForUs);
}

void split_heal_demo(Fixture& f) {
  split_demo(f);
  f.heal();
  f.run_for(3 * kUsPerS);
}

const GoalSpec kCpRefuses{"cp-minority-refuses", "CP: the minority side refuses, the majority goes on",
                          "In cp mode press Split the cluster: c3 and its replicas cannot gather a majority.",
                          {{"mode", kCP}}, cp_refuses_met, split_demo};
const GoalSpec kApConverges{"ap-converge", "AP: both sides accept, diverge, then converge after healing",
                            "In ap mode split the cluster, let both sides write, then heal and watch the diverged keys "
                            "go back to 0.",
                            {{"mode", kAP}}, ap_converges_met, split_heal_demo};

int cp_outcome(const Lab& lab) {
  SideOps majority, minority;
  ops_by_side(lab, first_command(lab, Verb::Act, kActSplit, 0), kNever, &majority, &minority);
  if (majority.ok == 0) return 1;
  return minority.ok == 0 ? 0 : 2;
}

std::string cp_explain(const Lab& lab) {
  SideOps majority, minority;
  ops_by_side(lab, first_command(lab, Verb::Act, kActSplit, 0), kNever, &majority, &minority);
  return "With W = R = 3 of 5, r4 and r5 can never gather 3 replies: " + std::to_string(minority.failed) + " of " +
         std::to_string(minority.ok + minority.failed) + " operations of c3 failed, while c1 and c2 completed " +
         std::to_string(majority.ok) + " of " + std::to_string(majority.ok + majority.failed) +
         " on the majority side. CP means unavailable on the minority side, not a stopped cluster.";
}

const PredictSpec kCpMinority{"cp-minority",
                              "CP mode, W = R = 3 of 5. Split the cluster: r4, r5 and c3 are cut off from the rest. "
                              "What happens to the clients' operations?",
                              {"c3's operations fail; c1 and c2 carry on", "Every client's operations fail",
                               "c3's operations succeed but may return old data"},
                              {{"mode", kCP}},
                              split_demo,
                              cp_outcome,
                              cp_explain};

}  // namespace

std::vector<LabInfo> quorum_labs() {
  const std::vector<FindingKind> checks = {FindingKind::StaleRead, FindingKind::Divergence, FindingKind::NotLinearizable};
  LabInfo quorums{"quorums", "Quorum lab", "consistency", quorum_settings(), {kStale, kNoStale, kLatency, kHandoff},
                  make_quorums, {kW2R1}, checks};
  LabInfo cap{"cap", "CAP lab", "consistency", cap_settings(), {kCpRefuses, kApConverges}, make_cap, {kCpMinority}, checks};
  return {quorums, cap};
}

}  // namespace sim
