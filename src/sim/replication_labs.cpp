// The labs built on the primary–secondary replication scenario: their settings, defaults,
// guided goals and the fixture moves that demonstrate each goal.
#include <algorithm>
#include <cstring>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/replication.h"

namespace sim {

namespace {

const char* const kModes[] = {"async", "semisync", "sync"};
const char* const kReads[] = {"primary", "any", "ryw", "monotonic"};
const char* const kOnOff[] = {"off", "on"};
const char* const kFailover[] = {"manual", "auto"};

// Shared schema; each lab overrides some defaults. Order is part of the URL format: append only.
std::vector<SettingSpec> base_settings() {
  return {
      {"secondaries", "secondary nodes besides the primary", 1, 6, 2, nullptr},
      {"mode", "when the primary acknowledges a write: after its own append (async), one secondary "
               "(semisync) or all secondaries (sync)", 0, 2, 0, kModes},
      {"reads", "where reads go: primary, any replica, read-your-writes, monotonic reads", 0, 3, 0, kReads},
      {"fencing", "leases + epoch checks so an old primary cannot keep accepting writes", 0, 1, 0, kOnOff},
      {"failover", "promote a secondary automatically when the primary's heartbeats stop", 0, 1, 1, kFailover},
      {"hb_ms", "heartbeat interval (ms)", 1, 10'000, 100, nullptr},
      {"timeout_ms", "failover timeout: primary silence before promotion (ms)", 4, 60'000, 1000, nullptr},
      {"apply_ms", "delay before a secondary applies what it received (ms)", 0, 60'000, 0, nullptr},
      {"clients", "client processes", 1, 4, 2, nullptr},
      {"rate", "workload operations per second, all clients together", 0, 10'000, 20, nullptr},
      {"writes_pct", "share of workload operations that are writes (%)", 0, 100, 50, nullptr},
      {"keys", "keys the workload touches", 1, kMaxKeys, 4, nullptr},
      {"op_timeout_ms", "client gives up on an operation after (ms)", 1, 60'000, 1000, nullptr},
      {"latency_ms", "one-way network latency (ms)", 0, 10'000, 5, nullptr},
      {"jitter_ms", "extra random latency, up to (ms)", 0, 10'000, 2, nullptr},
      {"loss_ppm", "message loss, parts per million", 0, 1'000'000, 0, nullptr},
      {"dup_ppm", "message duplication, parts per million", 0, 1'000'000, 0, nullptr},
      {"reorder_ppm", "messages held back so later ones overtake them, parts per million", 0, 1'000'000, 0, nullptr},
  };
}

std::vector<SettingSpec> settings_with(std::initializer_list<std::pair<const char*, int64_t>> defaults) {
  std::vector<SettingSpec> s = base_settings();
  for (const auto& d : defaults)
    for (SettingSpec& spec : s)
      if (std::strcmp(spec.key, d.first) == 0) spec.def = d.second;
  return s;
}

// The value of setting `key` (settings follow base_settings() order).
int64_t value(const std::vector<int64_t>& v, const char* key) {
  static const std::vector<SettingSpec> schema = base_settings();
  for (size_t i = 0; i < schema.size(); ++i)
    if (std::strcmp(schema[i].key, key) == 0) return v[i];
  return 0;
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  ReplicationConfig c;
  c.secondaries = static_cast<int>(value(v, "secondaries"));
  c.ack_mode = static_cast<AckMode>(value(v, "mode"));
  c.read_routing = static_cast<ReadRouting>(value(v, "reads"));
  c.fencing = value(v, "fencing") != 0;
  c.auto_failover = value(v, "failover") != 0;
  c.heartbeat_interval_us = value(v, "hb_ms") * kUsPerMs;
  c.failover_timeout_us = value(v, "timeout_ms") * kUsPerMs;
  c.apply_delay_us = value(v, "apply_ms") * kUsPerMs;
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
  return make_replication_scenario(c);
}

// --- Goals -------------------------------------------------------------------------------------

bool found(const Lab& lab, FindingKind kind) { return lab.checkers().count(kind) > 0; }
int64_t notes(const Lab& lab, ReplicationNote note) { return lab.checkers().stats().notes[note]; }

bool stale_read_met(const Lab& lab) { return found(lab, FindingKind::StaleRead); }
bool lost_write_met(const Lab& lab) { return found(lab, FindingKind::LostWrite); }
bool split_brain_met(const Lab& lab) { return found(lab, FindingKind::SplitBrain); }

bool switchover_met(const Lab& lab) {
  return notes(lab, kNotePromoteSwitchover) > 0 && !found(lab, FindingKind::LostWrite);
}

// A failover happened under sync + fencing, with writes flowing, and nothing went wrong.
bool safe_failover_met(const Lab& lab) {
  return lab.setting("mode") == static_cast<int64_t>(AckMode::Sync) && lab.setting("fencing") == 1 &&
         notes(lab, kNotePromoteAuto) + notes(lab, kNotePromoteManual) > 0 &&
         lab.checkers().stats().writes_acked >= 10 && lab.findings().empty();
}

// Lesson 2: a replica that has not applied a write yet serves the old value.
void stale_read_demo(Fixture& f) {
  f.rate(0);
  f.run_for(100 * kUsPerMs);
  f.write(f.node("c1"), 0, 42);
  f.run_for(100 * kUsPerMs);
  for (int i = 0; i < 8; ++i) {
    f.read(f.node("c2"), 0);
    f.run_for(30 * kUsPerMs);
  }
}

// Lesson 5: async replication + crash of the primary with writes its replicas never received
// (the replication links fail one way; clients and heartbeats still reach the primary).
void lost_write_demo(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  const NodeId p = f.primary();
  for (NodeId n = 0; n < static_cast<NodeId>(f.lab().setting("secondaries")) + 1; ++n)
    if (n != p) f.cut(p, n);
  f.run_for(kUsPerS);
  f.crash(p);
  f.step_until_primary(f.lab().now_us() + 5 * kUsPerS, p);
  f.run_for(500 * kUsPerMs);
}

// Lesson 5: isolate the primary together with one client; without fencing it keeps accepting.
void split_brain_demo(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  f.partition({f.primary(), f.node("c1")});
  f.run_for(3 * kUsPerS);
}

// Lesson 5 "planned failover": drain, catch up, promote, demote.
void switchover_demo(Fixture& f) {
  f.run_for(kUsPerS);
  const NodeId target = f.primary() == f.node("n2") ? f.node("n1") : f.node("n2");
  f.switchover(target);
  f.run_for(2 * kUsPerS);
}

// Lesson 5: sync replication + fencing survive losing the primary.
void safe_failover_demo(Fixture& f) {
  f.run_for(kUsPerS);
  const NodeId p = f.primary();
  f.partition({p, f.node("c1")});
  f.step_until_primary(f.lab().now_us() + 5 * kUsPerS, p);
  f.run_for(kUsPerS);
  f.heal();
  f.run_for(2 * kUsPerS);
}

const GoalSpec kStaleRead{"stale-read", "See a stale read",
                          "Route reads to any replica while replicas apply slowly, then read right after a write.",
                          {{"reads", 1}, {"apply_ms", 500}}, stale_read_met, stale_read_demo};
const GoalSpec kLoseWrite{"lose-acked-write", "Lose an acknowledged write",
                          "With asynchronous replication, crash the primary while secondaries lag behind.",
                          {}, lost_write_met, lost_write_demo};
const GoalSpec kSplitBrain{"split-brain", "Cause split-brain",
                           "Without fencing, cut the primary and one client off from everyone else.",
                           {}, split_brain_met, split_brain_demo};
const GoalSpec kSwitchover{"zero-loss-switchover", "Fail over with zero loss using switchover",
                           "Ask for a planned switchover to a secondary: writes pause, it catches up, then it takes over.",
                           {}, switchover_met, switchover_demo};
const GoalSpec kSafeFailover{"safe-failover", "Prevent loss with synchronous replication + fencing",
                             "Set mode=sync and fencing=on, then crash or isolate the primary: no finding may appear.",
                             {{"mode", 2}, {"fencing", 1}}, safe_failover_met, safe_failover_demo};

// Lesson 2 "predict, then run": asynchronous replication acknowledges before any replica has
// the write, so losing the primary at the wrong moment loses acknowledged writes.
int async_crash_outcome(const Lab& lab) {
  if (lab.checkers().stats().promotions < 1) return 2;  // nobody took over
  return found(lab, FindingKind::LostWrite) ? 1 : 0;
}

std::string async_crash_explain(const Lab& lab) {
  const CheckerStats& st = lab.checkers().stats();
  std::string out = "In this run the clients had " + std::to_string(st.writes_acked) + " writes acknowledged; ";
  const int lost = lab.checkers().count(FindingKind::LostWrite);
  if (lost > 0)
    return out + std::to_string(lost) + " of them existed only on the crashed primary, so the promoted secondary "
                 "never had them. Asynchronous mode acknowledges after the primary's own append: nothing waits for "
                 "a replica. Try mode=sync and run it again.";
  return out + "none was lost: every acknowledged write had reached the new primary before the crash.";
}

const PredictSpec kAsyncCrash{
    "async-crash",
    "Asynchronous replication. The primary's links to its secondaries fail for one second while clients keep "
    "writing, then the primary crashes and a secondary is promoted. What happens to the writes the primary "
    "acknowledged in that second?",
    {"All survive: the new primary has them", "Some are lost: acknowledged, yet gone", "No secondary takes over"},
    {{"mode", 0}},
    lost_write_demo,
    async_crash_outcome,
    async_crash_explain};

}  // namespace

std::vector<LabInfo> replication_labs() {
  return {
      {"replication-failover", "Replication and failover lab", "replication",
       settings_with({{"apply_ms", 200}}), {kStaleRead, kLoseWrite, kSwitchover}, make, {kAsyncCrash},
       {FindingKind::StaleRead, FindingKind::LostWrite, FindingKind::SplitBrain, FindingKind::NotLinearizable,
        FindingKind::ConsistencyViolation}},
      {"split-brain", "Split-brain and fencing lab", "failover",
       settings_with({{"clients", 2}}), {kSplitBrain, kSafeFailover, kLoseWrite}, make},
  };
}

}  // namespace sim
