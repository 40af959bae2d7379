// The lesson 6 blue-green migration lab: settings, guided goals (a clean migration; divergence
// from non-idempotent dual writes; change data capture instead; a rollback that loses writes) and
// its "predict, then run" questions, answered from the verifier's and the rollback's notes.
#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/migration.h"

namespace sim {

namespace {

const char* const kSync[] = {"dual", "cdc"};
const char* const kOnOff[] = {"off", "on"};

// Order is part of the URL format: append only.
std::vector<SettingSpec> settings() {
  return {
      {"sync", "keep green in sync by application dual writes or change data capture", 0, 1, 0, kSync},
      {"idempotent", "dual writes set the row at a version (on) or add the increment (off)", 0, 1, 1, kOnOff},
      {"reverse", "after the switch, green's writes flow back to blue so a rollback loses nothing", 0, 1, 1, kOnOff},
      {"green_fail_ppm", "green commits a write but the acknowledgement is lost, parts per million", 0, 500'000, 10'000,
       nullptr},
      {"rows", "rows in the table", 1, kMaxRows, 20, nullptr},
      {"clients", "client processes", 1, 4, 2, nullptr},
      {"rate", "workload operations per second (80% writes)", 0, 2000, 100, nullptr},
  };
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  MigrationConfig c;
  c.sync = static_cast<SyncMode>(v[0]);
  c.idempotent = v[1] != 0;
  c.reverse = v[2] != 0;
  c.green_fail_ppm = static_cast<uint32_t>(v[3]);
  c.rows = static_cast<int>(v[4]);
  c.clients = static_cast<int>(v[5]);
  c.ops_per_s = static_cast<int>(v[6]);
  network->link.latency_us = 2 * kUsPerMs;
  network->link.jitter_us = kUsPerMs;
  if (!c.validate(error)) return nullptr;
  return make_migration_scenario(c);
}

// --- Reading the run ---------------------------------------------------------------------------

int64_t notes(const Lab& lab, MigrationNote note) { return lab.checkers().stats().notes[note]; }

const TraceEvent* last_note(const Lab& lab, MigrationNote code) {
  if (notes(lab, code) == 0) return nullptr;
  for (auto it = lab.trace().rbegin(); it != lab.trace().rend(); ++it)
    if (it->kind == TraceKind::Note && it->code == code) return &*it;
  return nullptr;
}

/// Rows the last verification found different, or -1 if none finished.
int64_t verified_mismatches(const Lab& lab) {
  const TraceEvent* done = last_note(lab, kNoteVerifyDone);
  return done == nullptr ? -1 : done->a;
}

int64_t rollback_missing(const Lab& lab) {
  const TraceEvent* r = last_note(lab, kNoteRollback);
  return r == nullptr ? -1 : r->a;
}

// The pipeline up to and including verification.
void sync_backfill_verify(Fixture& f) {
  f.run_for(500 * kUsPerMs);
  f.act("dual-writes-on");
  f.run_for(500 * kUsPerMs);
  f.act("backfill");
  f.run_for(10 * kUsPerS);
  f.act("verify");
  f.run_for(3 * kUsPerS);
}

void switch_over(Fixture& f) {
  f.act("switch-reads");
  f.run_for(kUsPerS);
  f.act("switch-writes");
  f.run_for(2 * kUsPerS);
}

// --- Goals -------------------------------------------------------------------------------------

bool cutover_met(const Lab& lab) {
  return lab.setting("idempotent") == 1 && verified_mismatches(lab) == 0 &&
         lab.checkers().count(FindingKind::Divergence) == 0 && lab.primary() == 1;
}
void cutover_demo(Fixture& f) {
  sync_backfill_verify(f);
  switch_over(f);
}

bool diverge_met(const Lab& lab) { return lab.checkers().count(FindingKind::Divergence) > 0; }
void diverge_demo(Fixture& f) { sync_backfill_verify(f); }

bool cdc_met(const Lab& lab) {
  return lab.setting("sync") == 1 && lab.setting("idempotent") == 0 && verified_mismatches(lab) == 0;
}

bool rollback_met(const Lab& lab) { return rollback_missing(lab) > 0; }
void rollback_demo(Fixture& f) {
  cutover_demo(f);
  f.act("rollback");
  f.run_for(500 * kUsPerMs);
}

const GoalSpec kCutover{"cutover", "Migrate with idempotent dual writes: verification passes, writes switched",
                        "Start dual writes, backfill, verify (0 rows differ), then switch reads and writes to green.",
                        {}, cutover_met, cutover_demo};
const GoalSpec kDiverge{"diverge", "See non-idempotent dual writes diverge",
                        "Set idempotent=off: a retry after a lost acknowledgement adds the increment twice.",
                        {{"idempotent", 0}}, diverge_met, diverge_demo};
const GoalSpec kCdc{"cdc", "Sync by change data capture instead: verification passes",
                    "Set sync=cdc (increments still): blue streams its change log in order, redelivery is harmless.",
                    {{"sync", 1}, {"idempotent", 0}}, cdc_met, diverge_demo};
const GoalSpec kRollback{"rollback-loss", "Roll back without reverse sync and lose writes",
                         "Set reverse=off, switch writes to green, then roll back: blue never saw green's writes.",
                         {{"reverse", 0}}, rollback_met, rollback_demo};

// --- Predictions ---------------------------------------------------------------------------------

int verify_outcome(const Lab& lab) { return verified_mismatches(lab) == 0 ? 0 : 1; }
std::string verify_explain(const Lab& lab) {
  const int64_t m = verified_mismatches(lab);
  const int64_t twice = notes(lab, kNoteDoubleApply);
  if (m < 0) return "The verification did not finish.";
  return std::to_string(m) + " of " + std::to_string(lab.setting("rows")) + " rows differ. Green applied " +
         std::to_string(twice) +
         " increments a second time: each was a retry after green had committed the write but its "
         "acknowledgement was lost. \"Add 5\" is not idempotent; \"set to 42 at version 7\" would have been.";
}

int rollback_outcome(const Lab& lab) { return rollback_missing(lab) > 0 ? 1 : 0; }
std::string rollback_explain(const Lab& lab) {
  const int64_t m = rollback_missing(lab);
  if (m < 0) return "No rollback happened.";
  return std::to_string(m) +
         " writes made on green after the switch are missing from blue: with reverse sync off, nothing "
         "carried them back. Rollback is only instant if blue keeps receiving every write after the cutover.";
}

const PredictSpec kVerifyPredict{
    "dual-write-increments",
    "Dual writes are increments (not idempotent). Green loses 1% of its acknowledgements and the app "
    "retries. After backfill, will verification pass?",
    {"Yes: the retries make up for the lost acknowledgements", "No: some rows on green differ from blue"},
    {{"idempotent", 0}},
    diverge_demo,
    verify_outcome,
    verify_explain};

const PredictSpec kRollbackPredict{
    "rollback-without-reverse",
    "Writes have moved to green; reverse sync is off. You roll back to blue two seconds later. Are any "
    "writes missing from blue?",
    {"No: blue is the old source of truth, it has everything", "Yes: every write made on green since the switch"},
    {{"reverse", 0}},
    rollback_demo,
    rollback_outcome,
    rollback_explain};

}  // namespace

std::vector<LabInfo> migration_labs() {
  LabInfo info{"migration", "Blue-green migration lab", "production", settings(),
               {kCutover, kDiverge, kCdc, kRollback}, make};
  info.predictions = {kVerifyPredict, kRollbackPredict};
  info.checks = {FindingKind::Divergence, FindingKind::LostWrite};
  return {info};
}

}  // namespace sim
