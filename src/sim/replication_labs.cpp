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
const char* const kPrevention[] = {"none", "witness", "tokens", "stonith"};
const char* const kWitnessSite[] = {"third-site", "with-primary"};

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

// The split-brain lab's schema: the shared one, then its own (append only).
std::vector<SettingSpec> split_brain_settings() {
  std::vector<SettingSpec> s = base_settings();
  s.push_back({"prevention", "what stops two primaries: nothing, a witness's vote, fencing tokens checked by the "
                             "storage, or STONITH (power the old primary off first)", 0, 3, 0, kPrevention});
  s.push_back({"witness", "where the witness sits: a third site, or the primary's site", 0, 1, 0, kWitnessSite});
  s.push_back({"fence_delay_ms", "STONITH: the primary waits this long before shooting its peer (a tiebreaker)", 0,
               60'000, 0, nullptr});
  return s;
}

std::vector<SettingSpec> settings_with(std::vector<SettingSpec> s,
                                       std::initializer_list<std::pair<const char*, int64_t>> defaults) {
  for (const auto& d : defaults)
    for (SettingSpec& spec : s)
      if (std::strcmp(spec.key, d.first) == 0) spec.def = d.second;
  return s;
}

int64_t value(const std::vector<SettingSpec>& schema, const std::vector<int64_t>& v, const char* key) {
  return setting_value(schema, v, key);
}

std::unique_ptr<Scenario> make_from(const std::vector<SettingSpec>& schema, const std::vector<int64_t>& settings,
                                    bool sites, NetworkConfig* network, std::string* error) {
  const auto value = [&](const char* key) { return sim::value(schema, settings, key); };
  ReplicationConfig c;
  c.sites = sites;
  c.secondaries = static_cast<int>(value("secondaries"));
  c.ack_mode = static_cast<AckMode>(value("mode"));
  c.read_routing = static_cast<ReadRouting>(value("reads"));
  c.fencing = value("fencing") != 0;
  c.auto_failover = value("failover") != 0;
  c.heartbeat_interval_us = value("hb_ms") * kUsPerMs;
  c.failover_timeout_us = value("timeout_ms") * kUsPerMs;
  c.apply_delay_us = value("apply_ms") * kUsPerMs;
  c.clients = static_cast<int>(value("clients"));
  c.workload_ops_per_s = static_cast<int>(value("rate"));
  c.write_percent = static_cast<int>(value("writes_pct"));
  c.keys = static_cast<int>(value("keys"));
  c.op_timeout_us = value("op_timeout_ms") * kUsPerMs;
  network->link.latency_us = value("latency_ms") * kUsPerMs;
  network->link.jitter_us = value("jitter_ms") * kUsPerMs;
  network->link.loss_ppm = static_cast<uint32_t>(value("loss_ppm"));
  network->link.duplicate_ppm = static_cast<uint32_t>(value("dup_ppm"));
  network->link.reorder_ppm = static_cast<uint32_t>(value("reorder_ppm"));
  c.prevention = static_cast<Prevention>(value("prevention"));
  c.witness_with_primary = value("witness") != 0;
  c.fence_delay_us = value("fence_delay_ms") * kUsPerMs;
  if (!c.validate(error)) return nullptr;
  return make_replication_scenario(c);
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  static const std::vector<SettingSpec> schema = base_settings();
  return make_from(schema, v, /*sites=*/false, network, error);
}

std::unique_ptr<Scenario> make_split_brain(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  static const std::vector<SettingSpec> schema = split_brain_settings();
  return make_from(schema, v, /*sites=*/true, network, error);
}

// --- Goals -------------------------------------------------------------------------------------

bool found(const Lab& lab, FindingKind kind) { return lab.checkers().count(kind) > 0; }
int64_t notes(const Lab& lab, ReplicationNote note) { return lab.checkers().stats().notes[note]; }

bool stale_read_met(const Lab& lab) { return found(lab, FindingKind::StaleRead); }
bool lost_write_met(const Lab& lab) { return found(lab, FindingKind::LostWrite); }

bool switchover_met(const Lab& lab) {
  return notes(lab, kNotePromoteSwitchover) > 0 && !found(lab, FindingKind::LostWrite);
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

// Lesson 5 "planned failover": drain, catch up, promote, demote.
void switchover_demo(Fixture& f) {
  f.run_for(kUsPerS);
  const NodeId target = f.primary() == f.node("n2") ? f.node("n1") : f.node("n2");
  f.switchover(target);
  f.run_for(2 * kUsPerS);
}

// --- Split-brain and how each prevention stops it (lesson 5) ----------------------------------

bool prevention_is(const Lab& lab, Prevention p) { return lab.setting("prevention") == static_cast<int64_t>(p); }
int64_t auto_promotions(const Lab& lab) { return notes(lab, kNotePromoteAuto); }

// Two primaries took writes, the network healed, and the deposed one's acknowledged writes are
// counted.
bool diverge_met(const Lab& lab) {
  const std::vector<LinkView> links = lab.links();
  const bool healed = std::none_of(links.begin(), links.end(), [](const LinkView& l) { return l.cut; });
  return healed && found(lab, FindingKind::SplitBrain) && replication_divergence(lab).acknowledged > 0;
}

bool witness_prevents_met(const Lab& lab) {
  return prevention_is(lab, Prevention::Witness) && notes(lab, kNoteVoteGranted) > 0 && auto_promotions(lab) > 0 &&
         !found(lab, FindingKind::SplitBrain);
}

// The witness sits with the primary and that site goes dark: nobody may promote the standby.
bool witness_outage_met(const Lab& lab) {
  return prevention_is(lab, Prevention::Witness) && lab.setting("witness") == 1 && notes(lab, kNoteVoteAsked) > 0 &&
         auto_promotions(lab) == 0 && lab.primary() == kNoNode;
}

// The old primary wakes up and writes with its old token; the storage refuses, nothing diverges.
bool tokens_reject_met(const Lab& lab) {
  return prevention_is(lab, Prevention::Tokens) && notes(lab, kNoteTokenRejected) > 0 &&
         !found(lab, FindingKind::LostWrite) && replication_divergence(lab).acknowledged == 0;
}

bool stonith_prevents_met(const Lab& lab) {
  return prevention_is(lab, Prevention::Stonith) && notes(lab, kNotePoweredOff) > 0 && auto_promotions(lab) > 0 &&
         lab.primary() != kNoNode && !found(lab, FindingKind::SplitBrain);
}

// Both sides shot: every database node is off and nobody serves.
bool stonith_race_met(const Lab& lab) {
  return prevention_is(lab, Prevention::Stonith) && notes(lab, kNotePoweredOff) >= 2 && lab.primary() == kNoNode;
}

void isolate_primary(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  f.partition({f.primary(), f.node("c1")});
}

// GitHub 2018: ~40 s of partition with writes on both sides, then the network heals.
void diverge_demo(Fixture& f) {
  isolate_primary(f);
  f.run_for(4 * kUsPerS);
  f.heal();
  f.run_for(2 * kUsPerS);
}

void witness_prevents_demo(Fixture& f) { diverge_demo(f); }

void witness_outage_demo(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  f.act("site-down");
  f.run_for(5 * kUsPerS);
}

// Lesson 5 "Fencing tokens and epochs": a long GC pause; the old primary wakes up still sure it
// leads, and its queued writes reach the storage with the old token.
void tokens_reject_demo(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  const NodeId old = f.primary();
  f.pause(old);
  f.step_until_primary(f.lab().now_us() + 5 * kUsPerS, old);
  f.run_for(kUsPerS);
  f.resume(old);
  f.run_for(2 * kUsPerS);
}

void stonith_prevents_demo(Fixture& f) {
  isolate_primary(f);
  f.run_for(4 * kUsPerS);
}

void stonith_race_demo(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  f.act("cut-sites");
  f.run_for(5 * kUsPerS);
}

const GoalSpec kDiverge{"split-brain-diverge", "Cause split-brain and count the divergence",
                        "With no prevention, cut the primary and one client off, let both sides write, then heal: "
                        "the divergence table counts what must be reconciled.",
                        {}, diverge_met, diverge_demo};
const GoalSpec kWitnessPrevents{"witness-prevents", "Prevent it with a witness in a third site",
                                "prevention=witness: the standby's side needs the witness's vote, and the isolated "
                                "primary stops writing when it cannot reach a majority.",
                                {{"prevention", 1}}, witness_prevents_met, witness_prevents_demo};
const GoalSpec kWitnessOutage{"witness-outage", "See the witness's failure mode: placed with the primary",
                              "Put the witness in the primary's site and power that site off: the standby can never "
                              "win a vote, so nobody takes over.",
                              {{"prevention", 1}, {"witness", 1}}, witness_outage_met, witness_outage_demo};
const GoalSpec kTokensReject{"tokens-reject", "See fencing tokens reject the old primary's late write",
                             "prevention=tokens: pause the primary (a long GC) until the standby takes over, then "
                             "resume it. It still believes it leads, but the storage rejects its old token.",
                             {{"prevention", 2}, {"writes_pct", 100}}, tokens_reject_met, tokens_reject_demo};
const GoalSpec kStonithPrevents{"stonith-prevents", "Prevent it with STONITH",
                                "prevention=stonith: before promoting, the standby's side has the fencing device "
                                "power the isolated primary off, and waits for confirmation.",
                                {{"prevention", 3}}, stonith_prevents_met, stonith_prevents_demo};
const GoalSpec kStonithRace{"stonith-race", "See STONITH's failure mode: a fence race",
                            "prevention=stonith with no fencing delay: cut the link between the sites. Both sides "
                            "still reach the fencing device, both shoot, and everything is off.",
                            {{"prevention", 3}}, stonith_race_met, stonith_race_demo};

// --- Prediction: a witness on the wrong side ---------------------------------------------------

int witness_side_outcome(const Lab& lab) {
  if (auto_promotions(lab) == 0) return 2;
  return found(lab, FindingKind::SplitBrain) ? 0 : 1;
}

std::string witness_side_explain(const Lab& lab) {
  return "Automatic promotions: " + std::to_string(auto_promotions(lab)) + "; split-brain findings: " +
         std::to_string(lab.checkers().count(FindingKind::SplitBrain)) +
         ". The coordinator beside the standby lost the primary and asked for the witness's vote " +
         std::to_string(notes(lab, kNoteVoteAsked)) +
         " time(s), but the witness sits in the primary's site: its vote never arrives, so the standby's side never "
         "has a majority. Correct, and the standby's clients wait: a witness must sit in a third site.";
}

void witness_side_run(Fixture& f) { stonith_race_demo(f); }

const PredictSpec kWitnessSide{"witness-with-primary",
                               "The witness sits in the primary's site. The link between the sites fails, cutting "
                               "the standby's site off. Does a failover happen?",
                               {"Yes, and both sides take writes (split-brain)", "Yes, a clean failover to the standby",
                                "No: the standby's side cannot get the witness's vote"},
                               {{"prevention", 1}, {"witness", 1}},
                               witness_side_run,
                               witness_side_outcome,
                               witness_side_explain};

const GoalSpec kStaleRead{"stale-read", "See a stale read",
                          "Route reads to any replica while replicas apply slowly, then read right after a write.",
                          {{"reads", 1}, {"apply_ms", 500}}, stale_read_met, stale_read_demo};
const GoalSpec kLoseWrite{"lose-acked-write", "Lose an acknowledged write",
                          "With asynchronous replication, crash the primary while secondaries lag behind.",
                          {}, lost_write_met, lost_write_demo};
const GoalSpec kSwitchover{"zero-loss-switchover", "Fail over with zero loss using switchover",
                           "Ask for a planned switchover to a secondary: writes pause, it catches up, then it takes over.",
                           {}, switchover_met, switchover_demo};

LabInfo split_brain_lab() {
  LabInfo lab{"split-brain", "Split-brain and fencing lab", "failover", split_brain_settings(),
              {kDiverge, kWitnessPrevents, kWitnessOutage, kTokensReject, kStonithPrevents, kStonithRace},
              make_split_brain};
  lab.predictions = {kWitnessSide};
  lab.checks = {FindingKind::SplitBrain, FindingKind::LostWrite};
  return lab;
}

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
       settings_with(base_settings(), {{"apply_ms", 200}}), {kStaleRead, kLoseWrite, kSwitchover}, make, {kAsyncCrash},
       {FindingKind::StaleRead, FindingKind::LostWrite, FindingKind::SplitBrain, FindingKind::NotLinearizable,
        FindingKind::ConsistencyViolation}},
      split_brain_lab(),
  };
}

}  // namespace sim
