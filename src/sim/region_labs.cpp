// The lesson 6 multi-region lab: settings, guided goals (a chatty transaction from Europe, then
// batched; a stale local read; automatic failover inside the region; a regional outage and a
// manual cross-region promotion) and its "predict, then run" questions, read from the trace.
#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/region.h"

namespace sim {

namespace {

const char* const kLayouts[] = {"none", "eu", "eu-ap", "world"};
const char* const kReads[] = {"primary", "local"};

// Order is part of the URL format: append only.
std::vector<SettingSpec> settings() {
  return {
      {"primary", "region of the primary and its standby", 0, kRegions - 1, kUsEast, kRegionNames},
      {"replicas", "read replicas: none, eu-central, eu-central + ap-southeast, every other region", 0, 3, 2, kLayouts},
      {"user", "region of the second user (c2); c1 sits in the primary's region", 0, kRegions - 1, kEuCentral,
       kRegionNames},
      {"round_trips", "statements per write transaction, each a round trip to the primary", 1, 20, 5, nullptr},
      {"reads", "reads go to the primary or to the nearest replica", 0, 1, 1, kReads},
      {"route_pct", "fibre route length over the great-circle distance (%)", 100, 400, 150, nullptr},
      {"apply_ms", "replica replay delay after receiving (ms)", 0, 60'000, 50, nullptr},
      {"timeout_ms", "standby promotes itself after this much primary silence (ms)", 200, 60'000, 1000, nullptr},
      {"rate", "operations per second per user", 0, 100, 4, nullptr},
      {"writes_pct", "share of operations that are writes (%)", 0, 100, 50, nullptr},
      {"jitter_ms", "extra random latency per message, up to (ms)", 0, 100, 1, nullptr},
      {"ship_ms", "the primary ships WAL to other regions in batches every (ms)", 1, 60'000, 100, nullptr},
  };
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  RegionConfig c;
  c.primary_region = static_cast<int>(v[0]);
  c.layout = static_cast<ReplicaLayout>(v[1]);
  c.user_region = static_cast<int>(v[2]);
  c.round_trips = static_cast<int>(v[3]);
  c.local_reads = v[4] != 0;
  c.route_pct = static_cast<int>(v[5]);
  c.apply_delay_us = v[6] * kUsPerMs;
  c.failover_timeout_us = v[7] * kUsPerMs;
  c.ops_per_s = static_cast<int>(v[8]);
  c.write_percent = static_cast<int>(v[9]);
  network->link.latency_us = c.zone_latency_us;
  network->link.jitter_us = v[10] * kUsPerMs;
  c.ship_interval_us = v[11] * kUsPerMs;
  if (!c.validate(error)) return nullptr;
  return make_region_scenario(c);
}

// --- Reading the run ---------------------------------------------------------------------------

int64_t notes(const Lab& lab, RegionNote note) { return lab.checkers().stats().notes[note]; }

const TraceEvent* last_note(const Lab& lab, RegionNote code) {
  if (notes(lab, code) == 0) return nullptr;
  for (auto it = lab.trace().rbegin(); it != lab.trace().rend(); ++it)
    if (it->kind == TraceKind::Note && it->code == code) return &*it;
  return nullptr;
}

NodeId user(const Lab& lab) { return static_cast<NodeId>(lab.engine().node_count() - 1); }  // c2

struct Measured {
  int64_t count = 0;
  TimeUs mean_us = 0;
};

/// Acknowledged writes of `client` and their mean latency, from the trace (invoke to complete).
Measured writes_of(const Lab& lab, NodeId client) {
  Measured m;
  TimeUs invoked_us = 0, total_us = 0;
  for (const TraceEvent& e : lab.trace()) {
    if (e.node != client) continue;
    if (e.kind == TraceKind::Invoke && e.code == static_cast<uint8_t>(OpKind::Write)) invoked_us = e.time_us;
    if (e.kind == TraceKind::Complete && e.y == static_cast<int32_t>(OpKind::Write) &&
        e.code == static_cast<uint8_t>(OpResult::Ok)) {
      ++m.count;
      total_us += e.time_us - invoked_us;
    }
  }
  m.mean_us = m.count == 0 ? 0 : total_us / m.count;
  return m;
}

bool remote_user(const Lab& lab) { return lab.setting("user") != lab.setting("primary"); }

// --- Goals -------------------------------------------------------------------------------------

bool chatty_met(const Lab& lab) {
  return remote_user(lab) && lab.setting("round_trips") >= 5 && writes_of(lab, user(lab)).count >= 3;
}
void measure_demo(Fixture& f) { f.run_for(6 * kUsPerS); }

// Batched: one round trip, so the mean is close to a single cross-region round trip.
bool batched_met(const Lab& lab) {
  const Measured m = writes_of(lab, user(lab));
  const int u = static_cast<int>(lab.setting("user")), p = static_cast<int>(lab.setting("primary"));
  const TimeUs one_trip_us = fibre_rtt_floor_us(u, p) * lab.setting("route_pct") / 100 + 10 * kUsPerMs;
  return remote_user(lab) && lab.setting("round_trips") == 1 && m.count >= 3 && m.mean_us < 2 * one_trip_us;
}

bool stale_met(const Lab& lab) { return lab.checkers().count(FindingKind::StaleRead) > 0; }
// Lesson 6: "a user who just saved something may not see it" — write, then read the local replica.
void stale_demo(Fixture& f) {
  f.rate(0);
  f.run_for(500 * kUsPerMs);
  const NodeId c2 = f.node("c2");
  for (int i = 1; i <= 3; ++i) {
    const int64_t acked = f.lab().checkers().stats().writes_acked;
    f.write(c2, 0, 100 + i);
    f.step_until([&] { return f.lab().checkers().stats().writes_acked > acked; }, f.lab().now_us() + 2 * kUsPerS);
    f.run_for(kUsPerMs);
    f.read(c2, 0);
    f.run_for(kUsPerS);
  }
}

bool auto_failover_met(const Lab& lab) {
  return notes(lab, kNotePromoteAuto) > 0 && lab.checkers().count(FindingKind::LostWrite) == 0;
}
void auto_failover_demo(Fixture& f) {
  f.run_for(2 * kUsPerS);
  f.crash(f.node("n1"));
  f.run_for(4 * kUsPerS);
}

bool outage_met(const Lab& lab) {
  const TraceEvent* failed = last_note(lab, kNoteRegionFailed);
  const TraceEvent* promoted = last_note(lab, kNotePromoteManual);
  return failed != nullptr && promoted != nullptr && promoted->time_us > failed->time_us;
}
// The primary region fails; writes wait for an operator, who promotes the first replica (n3).
void outage_demo(Fixture& f) {
  f.run_for(3 * kUsPerS);
  f.act("fail-region", kNoNode, f.lab().setting("primary"));
  f.run_for(4 * kUsPerS);
  f.promote(f.node("n3"));
  f.run_for(3 * kUsPerS);
}

const GoalSpec kChatty{"chatty-transaction", "Measure a 5-round-trip write from Europe",
                       "With the primary in us-east and the user in eu-central, let c2 run a few write "
                       "transactions of five statements each and read their latency in the table.",
                       {}, chatty_met, measure_demo};
const GoalSpec kBatched{"batched-transaction", "Batch the transaction into one round trip",
                        "Set round_trips=1: the same write now pays the Atlantic once.",
                        {{"round_trips", 1}}, batched_met, measure_demo};
const GoalSpec kStale{"stale-local-read", "Read your own write from the local replica and miss it",
                      "Write from c2, then read at once: the eu-central replica has not replayed it yet.",
                      {}, stale_met, stale_demo};
const GoalSpec kAutoFailover{"in-region-failover", "Crash the primary: the standby in its region takes over",
                             "Crash n1. Its standby n2, a zone away, promotes itself after the timeout and loses nothing.",
                             {}, auto_failover_met, auto_failover_demo};
const GoalSpec kOutage{"regional-outage", "Fail the whole primary region, then promote a replica elsewhere",
                       "Fail us-east: the standby dies too, so writes stop until you promote a replica (click it).",
                       {{"rate", 10}}, outage_met, outage_demo};

// --- Predictions ---------------------------------------------------------------------------------

int latency_outcome(const Lab& lab) {
  const TimeUs mean_us = writes_of(lab, user(lab)).mean_us;
  return mean_us < 150 * kUsPerMs ? 0 : mean_us < 415 * kUsPerMs ? 1 : 2;
}
std::string latency_explain(const Lab& lab) {
  const Measured m = writes_of(lab, user(lab));
  const int u = static_cast<int>(lab.setting("user")), p = static_cast<int>(lab.setting("primary"));
  const TimeUs floor_us = fibre_rtt_floor_us(u, p);
  return "c2's " + std::to_string(m.count) + " transactions took " + std::to_string(m.mean_us / kUsPerMs) +
         " ms on average. Frankfurt-Virginia is " + std::to_string(region_distance_km(u, p)) +
         " km: light in fibre needs " + std::to_string(floor_us / kUsPerMs) +
         " ms per round trip at the very least, routes here are " + std::to_string(lab.setting("route_pct")) +
         "% of the great circle, and the transaction pays it " +
         std::to_string(lab.setting("round_trips")) + " times.";
}

// Writes committed between the region failure and the manual promotion.
int64_t writes_while_down(const Lab& lab) {
  const TraceEvent* failed = last_note(lab, kNoteRegionFailed);
  const TraceEvent* promoted = last_note(lab, kNotePromoteManual);
  if (failed == nullptr) return 0;
  const TimeUs until = promoted == nullptr ? kNever : promoted->time_us;
  int64_t n = 0;
  for (const TraceEvent& e : lab.trace())
    n += e.kind == TraceKind::Append && e.code == static_cast<uint8_t>(AppendSource::ClientWrite) &&
         e.time_us > failed->time_us && e.time_us < until;
  return n;
}

int outage_outcome(const Lab& lab) { return writes_while_down(lab) == 0 ? 1 : 0; }
std::string outage_explain(const Lab& lab) {
  const TraceEvent* failed = last_note(lab, kNoteRegionFailed);
  const TraceEvent* promoted = last_note(lab, kNotePromoteManual);
  if (failed == nullptr || promoted == nullptr) return "The region did not fail, or nobody promoted a replica.";
  return std::to_string(writes_while_down(lab)) + " writes committed while the region was down; writes resumed " +
         format_seconds(promoted->time_us - failed->time_us) +
         " after the failure, when the operator promoted n3. It lacked " +
         std::to_string(lab.checkers().count(FindingKind::LostWrite)) +
         " acknowledged writes (lost): the replication lag at the moment of the outage.";
}

const PredictSpec kLatencyPredict{
    "five-round-trips",
    "A user in Frankfurt runs a write transaction of 5 statements against the primary in Virginia. "
    "About how long does it take?",
    {"Under 100 ms: one round trip's worth", "About 330 ms: 5 x the light-in-fibre floor",
     "About 500 ms: 5 x a real round trip"},
    {},
    measure_demo,
    latency_outcome,
    latency_explain};

const PredictSpec kOutagePredict{
    "regional-outage",
    "The whole us-east region fails: the primary and its standby. When can the application write again?",
    {"About a second later: the standby takes over", "Only after an operator promotes a replica in another region"},
    {{"rate", 10}},
    outage_demo,
    outage_outcome,
    outage_explain};

}  // namespace

std::vector<LabInfo> region_labs() {
  LabInfo info{"multi-region", "Multi-region lab", "production", settings(),
               {kChatty, kBatched, kStale, kAutoFailover, kOutage}, make};
  info.predictions = {kLatencyPredict, kOutagePredict};
  info.checks = {FindingKind::StaleRead, FindingKind::LostWrite, FindingKind::SplitBrain};
  info.backdrop = Backdrop::World;
  return {info};
}

}  // namespace sim
