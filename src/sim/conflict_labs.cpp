// The labs of lessons 2 and 4 beyond a single primary: replication topologies and multi-master
// (lesson 2), conflict resolution and CRDTs, consistency models (lesson 4) — their settings,
// guided goals, the fixture moves that demonstrate them and the predict-then-run questions.
#include <cstring>

#include "sim/consistency_models.h"
#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/multimaster.h"

namespace sim {

namespace {

// ================================================================================================
// Topologies and conflicts: one multi-master scenario, two labs
// ================================================================================================

const char* const kTopologies[] = {"star", "chain", "ring", "mesh"};
const char* const kModes[] = {"primary", "multi"};
const char* const kStrategies[] = {"lww", "vv", "merge", "crdt"};
const char* const kCrdts[] = {"g-counter", "pn-counter", "or-set"};

// Shared schema; each lab overrides some defaults. Order is part of the URL format: append only.
std::vector<SettingSpec> multimaster_settings() {
  return {
      {"nodes", "database nodes m1..mN", 2, kMaxReplicas, 6, nullptr},
      {"topology", "who passes changes to whom: star (m1 is the hub), chain, ring (one way) or mesh", 0, 3, 0, kTopologies},
      {"mode", "one writer (primary-secondary: only m1) or every node accepts writes (multi-master)", 0, 1, 0, kModes},
      {"strategy", "how concurrent writes are merged: last write wins, version vectors (siblings), "
                   "application merge (cart union), CRDT", 0, 3, 0, kStrategies},
      {"crdt", "which CRDT the crdt strategy replicates", 0, 2, 0, kCrdts},
      {"keys", "keys the workload writes", 1, 8, 4, nullptr},
      {"rate", "workload writes per second, all writers together", 0, 1000, 10, nullptr},
      {"hop_ms", "time each node takes to apply a change before passing it on (ms)", 0, 10'000, 20, nullptr},
      {"sync_ms", "anti-entropy period: neighbours resend what a node missed (ms, 0 = off)", 0, 60'000, 1000, nullptr},
      {"latency_ms", "one-way network latency (ms)", 0, 10'000, 10, nullptr},
      {"jitter_ms", "extra random latency, up to (ms)", 0, 10'000, 2, nullptr},
      {"loss_ppm", "message loss, parts per million", 0, 1'000'000, 0, nullptr},
      {"dup_ppm", "message duplication, parts per million", 0, 1'000'000, 0, nullptr},
      {"reorder_ppm", "messages held back so later ones overtake them, parts per million", 0, 1'000'000, 0, nullptr},
  };
}

std::vector<SettingSpec> with_defaults(std::vector<SettingSpec> s, std::initializer_list<std::pair<const char*, int64_t>> defaults) {
  for (const auto& d : defaults)
    for (SettingSpec& spec : s)
      if (std::strcmp(spec.key, d.first) == 0) spec.def = d.second;
  return s;
}

int64_t value(const std::vector<SettingSpec>& schema, const std::vector<int64_t>& v, const char* key) {
  for (size_t i = 0; i < schema.size(); ++i)
    if (std::strcmp(schema[i].key, key) == 0) return v[i];
  return 0;
}

void read_network(const std::vector<SettingSpec>& schema, const std::vector<int64_t>& v, NetworkConfig* network) {
  network->link.latency_us = value(schema, v, "latency_ms") * kUsPerMs;
  network->link.jitter_us = value(schema, v, "jitter_ms") * kUsPerMs;
  network->link.loss_ppm = static_cast<uint32_t>(value(schema, v, "loss_ppm"));
  network->link.duplicate_ppm = static_cast<uint32_t>(value(schema, v, "dup_ppm"));
  network->link.reorder_ppm = static_cast<uint32_t>(value(schema, v, "reorder_ppm"));
}

std::unique_ptr<Scenario> make_multimaster(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  static const std::vector<SettingSpec> schema = multimaster_settings();
  MultiMasterConfig c;
  c.nodes = static_cast<int>(value(schema, v, "nodes"));
  c.topology = static_cast<ReplicaTopology>(value(schema, v, "topology"));
  c.mode = static_cast<WriteMode>(value(schema, v, "mode"));
  c.strategy = static_cast<Strategy>(value(schema, v, "strategy"));
  c.crdt = static_cast<CrdtKind>(value(schema, v, "crdt"));
  c.keys = static_cast<int>(value(schema, v, "keys"));
  c.writes_per_s = static_cast<int>(value(schema, v, "rate"));
  c.hop_delay_us = value(schema, v, "hop_ms") * kUsPerMs;
  c.anti_entropy_us = value(schema, v, "sync_ms") * kUsPerMs;
  read_network(schema, v, network);
  if (!c.validate(error)) return nullptr;
  return make_multimaster_scenario(c);
}

// --- Reading a run -----------------------------------------------------------------------------

const Figure* find_figure(const std::vector<Figure>& figures, const char* title) {
  for (const Figure& f : figures)
    if (f.title == title) return &f;
  return nullptr;
}

// Up nodes other than the writer m1 whose oldest missing write is younger than half a second:
// they are still receiving m1's writes.
std::vector<std::string> still_receiving(const Lab& lab) {
  std::vector<std::string> out;
  for (const NodeView& v : lab.nodes())
    if (v.id != 0 && v.status == NodeStatus::Up && v.lag_us < 500 * kUsPerMs) out.push_back(v.name);
  return out;
}

int crashed_count(const Lab& lab) {
  int n = 0;
  for (const NodeView& v : lab.nodes()) n += v.status == NodeStatus::Crashed ? 1 : 0;
  return n;
}

// The k0 state a node shows: its detail line after the "hop N · " prefix.
std::string k0_state(const NodeView& v) {
  const size_t dot = v.detail.find("\xC2\xB7 ");
  return dot == std::string::npos ? v.detail : v.detail.substr(dot + 3);
}

// Every node holds every write and shows the same k0 state.
bool replicas_agree(const Lab& lab) {
  const std::vector<NodeView> nodes = lab.nodes();
  for (const NodeView& v : nodes)
    if (v.lag_entries > 0 || k0_state(v) != k0_state(nodes[0])) return false;
  return true;
}

// --- Topologies lab goals ----------------------------------------------------------------------

// Lesson 2 "Why chains help geography": the last node of a chain is N-1 hops from m1.
bool chain_lag_met(const Lab& lab) {
  if (lab.setting("topology") != 1) return false;
  const std::vector<Figure> figures = lab.figures();
  const Figure* table = find_figure(figures, "How far writes travel");
  if (table == nullptr || table->rows.empty()) return false;
  return table->rows.back()[1].text == std::to_string(lab.setting("nodes") - 1);
}

// Lesson 2 "Why rings are fragile": one crash cuts off everything downstream.
bool broken_chain_met(const Lab& lab) {
  const int64_t t = lab.setting("topology");
  if ((t != 1 && t != 2) || crashed_count(lab) == 0) return false;
  int cut_off = 0;
  for (const NodeView& v : lab.nodes()) cut_off += v.status == NodeStatus::Up && v.lag_us > kUsPerS ? 1 : 0;
  return cut_off > 0;
}

bool conflict_met(const Lab& lab) { return lab.checkers().count(FindingKind::SilentOverwrite) > 0; }

void chain_lag_demo(Fixture& f) { f.run_for(3 * kUsPerS); }

void broken_chain_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.crash(f.node("m3"));
  f.run_for(2 * kUsPerS);
}

void conflict_demo(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  f.act("concurrent");
  f.run_for(kUsPerS);
}

const GoalSpec kChainLag{"chain-lag", "See lag grow along a chain",
                         "Choose topology=chain: each hop adds delay, so the last node lags the most.",
                         {{"topology", 1}}, chain_lag_met, chain_lag_demo};
const GoalSpec kBrokenChain{"break-chain", "Cut off a chain with one crash",
                            "In a chain (or ring), crash a node in the middle and watch the nodes after it stop receiving.",
                            {{"topology", 1}}, broken_chain_met, broken_chain_demo};
const GoalSpec kConflict{"conflict", "Make two masters conflict",
                         "Switch to mode=multi and write the same key on two nodes at once.",
                         {{"mode", 1}}, conflict_met, conflict_demo};

// Predict: a chain m1 - ... - m6 loses m3. Who still gets m1's writes?
const std::vector<const char*> kChainChoices = {"All the others: m2, m4, m5 and m6",
                                                "Only m2, the node before the crash", "None of them"};

int chain_crash_outcome(const Lab& lab) {
  const size_t n = still_receiving(lab).size();
  return n >= 4 ? 0 : n >= 1 ? 1 : 2;
}

std::string chain_crash_explain(const Lab& lab) {
  const std::vector<std::string> receiving = still_receiving(lab);
  std::string text = "Still receiving: ";
  for (size_t i = 0; i < receiving.size(); ++i) text += (i > 0 ? ", " : "") + receiving[i];
  if (receiving.empty()) text += "nobody";
  text += ". ";
  for (const NodeView& v : lab.nodes())
    if (v.status == NodeStatus::Up && v.lag_us > kUsPerS)
      text += v.name + " has missed " + std::to_string(v.lag_entries) + " writes. ";
  return text + "In a chain every node passes changes on, so the nodes after a crashed one are cut off.";
}

const PredictSpec kPredictChain{"chain-crash",
                                "In the chain m1 - m2 - m3 - m4 - m5 - m6, m3 crashes. Which nodes still receive m1's new writes?",
                                kChainChoices, {{"topology", 1}}, broken_chain_demo, chain_crash_outcome,
                                chain_crash_explain};

// --- Conflicts lab goals -----------------------------------------------------------------------

bool later_lost_met(const Lab& lab) {
  for (const Finding& f : lab.findings())
    if (f.kind == FindingKind::SilentOverwrite && f.text.find("made earlier in real time") != std::string::npos) return true;
  return false;
}

bool siblings_met(const Lab& lab) {
  if (lab.setting("strategy") != 1) return false;
  for (const NodeView& v : lab.nodes())
    if (v.detail.find("siblings") != std::string::npos) return true;
  return false;
}

// Every replica's cart holds at least two items and they agree.
bool cart_met(const Lab& lab) {
  if (lab.setting("strategy") != 2 || !replicas_agree(lab)) return false;
  return lab.nodes()[0].detail.find(',') != std::string::npos;
}

// Concurrent CRDT updates from two nodes, and every replica shows the same value.
bool crdt_met(const Lab& lab) {
  return lab.setting("strategy") == 3 && lab.checkers().stats().writes_acked >= 4 && replicas_agree(lab);
}

// Lesson 4 "Last write wins": m2's clock is 500 ms behind; it writes 100 ms after m1, yet loses.
void skewed_writes(Fixture& f) {
  f.skew(f.node("m2"), -500 * kUsPerMs);
  f.run_for(200 * kUsPerMs);
  f.write(f.node("m1"), 0, 1);
  f.run_for(100 * kUsPerMs);
  f.write(f.node("m2"), 0, 2);
  f.run_for(kUsPerS);
}

void concurrent_demo(Fixture& f) {
  f.run_for(200 * kUsPerMs);
  f.act("concurrent");
  f.run_for(kUsPerS);
}

// Both sides of a partition update the same key, then the partition heals.
void partitioned_updates(Fixture& f) {
  f.run_for(200 * kUsPerMs);
  f.partition({f.node("m1")});
  for (int i = 0; i < 3; ++i) {
    f.act("concurrent");
    f.run_for(100 * kUsPerMs);
  }
  f.heal();
  f.run_for(2 * kUsPerS);
}

const GoalSpec kLaterLost{"lww-skew", "Lose a later write to clock skew",
                          "Skew m2's clock 500 ms back, write k0 on m1, then on m2 a moment later: which one stays?",
                          {}, later_lost_met, skewed_writes};
const GoalSpec kSiblings{"siblings", "Keep both writes as siblings",
                         "Choose strategy=vv and write on m1 and m2 at once: version vectors keep both.",
                         {{"strategy", 1}}, siblings_met, concurrent_demo};
const GoalSpec kCart{"cart", "Merge a shopping cart",
                     "Choose strategy=merge and add items on m1 and m2 at once: the cart keeps both.",
                     {{"strategy", 2}}, cart_met, concurrent_demo};
const GoalSpec kCrdt{"crdt", "Converge without losing an update",
                     "Choose strategy=crdt, partition m1 away, update on both sides, heal: every replica shows the sum.",
                     {{"strategy", 3}, {"crdt", 1}}, crdt_met, partitioned_updates};

// Predict: LWW with m2's clock behind; m2 writes k0=2 after m1 wrote k0=1.
const std::vector<const char*> kSkewChoices = {"2, the later write", "1, the earlier write", "Both, as siblings"};

int skew_outcome(const Lab& lab) {
  const std::string d = lab.nodes()[0].detail;
  if (d.find("siblings") != std::string::npos) return 2;
  return d.find("k0=1") != std::string::npos ? 1 : 0;
}

std::string skew_explain(const Lab& lab) {
  std::string text = "Every replica now holds " + lab.nodes()[0].detail + ". ";
  for (const Finding& f : lab.findings())
    if (f.kind == FindingKind::SilentOverwrite) return text + f.text + ".";
  return text + (lab.setting("strategy") == 1 ? "m2 had seen m1's write, so its version vector supersedes it: no conflict, "
                                                "and clocks play no part."
                                              : "No write was lost.");
}

const PredictSpec kPredictSkew{"lww-skew",
                               "Last write wins, m2's clock 500 ms behind. m1 writes k0=1; 100 ms later m2 writes k0=2. "
                               "What do the replicas keep?",
                               kSkewChoices, {}, skewed_writes, skew_outcome, skew_explain};
const PredictSpec kPredictVv{"vv-causal",
                             "Same writes, same skew, but with version vectors (strategy=vv). What do the replicas keep?",
                             kSkewChoices, {{"strategy", 1}}, skewed_writes, skew_outcome, skew_explain};

// Predict: PN-Counter, three increments on each side of a partition.
const std::vector<const char*> kCounterChoices = {"3: one side's increments win", "6: every increment counts",
                                                  "It depends on the order messages arrive"};

int counter_outcome(const Lab& lab) {
  const std::vector<NodeView> nodes = lab.nodes();
  const std::string d = nodes.back().detail;  // m3 in the question's three-node lab
  return d.find("count 6") != std::string::npos ? 1 : d.find("count 3") != std::string::npos ? 0 : 2;
}

std::string counter_explain(const Lab& lab) {
  std::string text;
  for (const NodeView& v : lab.nodes()) text += v.name + " shows " + v.detail + ". ";
  return text + "A PN-Counter keeps one slot per replica and merges by maximum, so no increment is lost in any order.";
}

const PredictSpec kPredictCounter{"pn-counter",
                                  "PN-Counter: m1, cut off by a partition, and m2 each add 1 three times. After healing, "
                                  "what does m3 show?",
                                  kCounterChoices, {{"strategy", 3}, {"crdt", 1}}, partitioned_updates, counter_outcome,
                                  counter_explain};

const std::vector<FindingKind> kConflictChecks = {FindingKind::SilentOverwrite};

// ================================================================================================
// Consistency models: one history, six verdicts
// ================================================================================================

const char* const kStoryNames[] = {"alice-bob", "stale-read", "own-write", "time-travel", "diverge", "strong"};

std::vector<SettingSpec> consistency_settings() {
  return {{"history", "the history to judge: Alice's post and Bob's reply, a stale read, a lost own write, "
                      "time going backwards, replicas that never converge, or a strong one",
           0, kStories - 1, 0, kStoryNames}};
}

std::unique_ptr<Scenario> make_consistency(const std::vector<int64_t>& v, NetworkConfig*, std::string*) {
  return make_consistency_scenario(static_cast<Story>(v[0]));
}

// The verdict cell ("holds", "violated", "waiting for quiescence") of `model` in the figure.
std::string verdict(const Lab& lab, Model model) {
  const std::vector<Figure> figures = lab.figures();
  const Figure* table = find_figure(figures, "Which models this history satisfies");
  const size_t row = static_cast<size_t>(model);
  return table == nullptr || table->rows.size() <= row ? "" : table->rows[row][1].text;
}

bool causal_broken_met(const Lab& lab) { return verdict(lab, Model::Causal) == "violated"; }
bool sequential_only_met(const Lab& lab) {
  return verdict(lab, Model::Linearizable) == "violated" && verdict(lab, Model::Sequential) == "holds";
}
bool session_broken_met(const Lab& lab) {
  return verdict(lab, Model::ReadYourWrites) == "violated" || verdict(lab, Model::MonotonicReads) == "violated";
}
bool diverged_met(const Lab& lab) { return verdict(lab, Model::Eventual) == "violated"; }

void play_story(Fixture& f) { f.run_for(kUsPerS); }

const GoalSpec kCausalBroken{"causal", "Catch a causality violation",
                             "history=alice-bob: carol sees Bob's reply, then reads the post it answers and finds nothing.",
                             {{"history", 0}}, causal_broken_met, play_story};
const GoalSpec kSequentialOnly{"sequential-not-linearizable", "Find a history that is sequential but not linearizable",
                               "history=stale-read: bob reads an old value after Alice's write completed.",
                               {{"history", 1}}, sequential_only_met, play_story};
const GoalSpec kSessionBroken{"session", "Break a session guarantee",
                              "history=own-write or time-travel: one session sees an older version than it wrote or read.",
                              {{"history", 3}}, session_broken_met, play_story};
const GoalSpec kDiverged{"diverge", "See replicas that never converge",
                         "history=diverge: two writes on either side of a partition that never heals.",
                         {{"history", 4}}, diverged_met, play_story};

const std::vector<const char*> kStrongestChoices = {"Linearizable", "Sequential", "Causal",
                                                    "Only the weaker ones: read-your-writes, monotonic reads, eventual"};

int strongest_outcome(const Lab& lab) {
  for (Model m : {Model::Linearizable, Model::Sequential, Model::Causal})
    if (verdict(lab, m) == "holds") return static_cast<int>(m);
  return 3;
}

std::string strongest_explain(const Lab& lab) {
  const std::vector<Figure> figures = lab.figures();
  const Figure* table = find_figure(figures, "Which models this history satisfies");
  std::string text;
  for (const std::vector<FigureCell>& row : table->rows)
    if (row[1].text == "violated") text += "Not " + row[0].text + ": " + row[2].text + ". ";
  return text + table->caption;
}

const PredictSpec kPredictAliceBob{"alice-bob",
                                   "Alice posts; Bob reads the post and replies; carol sees the reply, then reads the post "
                                   "from a lagging replica and finds nothing. What is the strongest model this history satisfies?",
                                   kStrongestChoices, {{"history", 0}}, play_story, strongest_outcome, strongest_explain};
const PredictSpec kPredictStale{"stale-read",
                                "Alice writes x = 1; after it completes, bob reads x = 0 from r2, later x = 1. "
                                "What is the strongest model this history satisfies?",
                                kStrongestChoices, {{"history", 1}}, play_story, strongest_outcome, strongest_explain};

}  // namespace

std::vector<LabInfo> conflict_labs() {
  std::vector<LabInfo> out;
  out.push_back({"replication-topologies", "Topologies and multi-master lab", "replication", multimaster_settings(),
                 {kChainLag, kBrokenChain, kConflict}, make_multimaster, {kPredictChain}, kConflictChecks,
                 kViewCluster | kViewTimeline | kViewCharts | kViewCheckers | kViewFigures});
  out.push_back({"conflicts", "Conflicts and CRDTs lab", "consistency",
                 with_defaults(multimaster_settings(), {{"nodes", 3}, {"topology", 3}, {"mode", 1}, {"keys", 1},
                                                        {"rate", 0}, {"hop_ms", 0}, {"latency_ms", 20}}),
                 {kLaterLost, kSiblings, kCart, kCrdt}, make_multimaster, {kPredictSkew, kPredictVv, kPredictCounter},
                 kConflictChecks, kViewCluster | kViewTimeline | kViewCheckers | kViewFigures});
  out.push_back({"consistency-models", "Consistency models lab", "consistency", consistency_settings(),
                 {kCausalBroken, kSequentialOnly, kSessionBroken, kDiverged}, make_consistency,
                 {kPredictAliceBob, kPredictStale}, {FindingKind::ConsistencyViolation},
                 kViewCluster | kViewTimeline | kViewCheckers | kViewFigures});
  return out;
}

}  // namespace sim
