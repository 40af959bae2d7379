// Blue-green migration (lesson 6 "Migration strategies"): idempotent dual writes and change data
// capture verify clean despite lost acknowledgements; increments diverge by exactly the deltas
// applied twice; a rollback without reverse sync loses the writes made on green.
#include <doctest/doctest.h>

#include <string>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/migration.h"

namespace {

using sim::kUsPerS;

std::unique_ptr<sim::Lab> make_lab(const std::string& settings, uint64_t seed) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run("v1;lab=migration;seed=" + std::to_string(seed) + settings, &run, &error), error);
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

const sim::TraceEvent* last_note(const sim::Lab& lab, sim::MigrationNote code) {
  for (auto it = lab.trace().rbegin(); it != lab.trace().rend(); ++it)
    if (it->kind == sim::TraceKind::Note && it->code == code) return &*it;
  return nullptr;
}

// Sync, backfill, let the workload run, verify.
int64_t migrate_and_verify(sim::Lab& lab) {
  sim::Fixture f(lab);
  f.run_for(kUsPerS / 2);
  REQUIRE(f.act("dual-writes-on"));
  f.run_for(kUsPerS / 2);
  REQUIRE(f.act("backfill"));
  f.run_for(10 * kUsPerS);
  REQUIRE(f.act("verify"));
  f.run_for(3 * kUsPerS);
  const sim::TraceEvent* done = last_note(lab, sim::kNoteVerifyDone);
  REQUIRE(done != nullptr);
  CHECK(done->b == lab.setting("rows"));
  return done->a;
}

}  // namespace

TEST_CASE("idempotent dual writes verify clean although green loses 1% of its acknowledgements") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<sim::Lab> lab = make_lab("", seed);
    CHECK_MESSAGE(migrate_and_verify(*lab) == 0, "seed ", seed);
    CHECK(lab->checkers().count(sim::FindingKind::Divergence) == 0);
  }
}

TEST_CASE("change data capture verifies clean even when the writes are increments") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<sim::Lab> lab = make_lab(";sync=cdc;idempotent=off", seed);
    CHECK_MESSAGE(migrate_and_verify(*lab) == 0, "seed ", seed);
  }
}

// Each retried increment is applied twice on green; verification reports the rows that differ.
TEST_CASE("non-idempotent dual writes with lost acknowledgements diverge") {
  int64_t total_twice = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<sim::Lab> lab = make_lab(";idempotent=off", seed);
    const int64_t differ = migrate_and_verify(*lab);
    const int64_t twice = lab->checkers().stats().notes[sim::kNoteDoubleApply];
    total_twice += twice;
    CHECK_MESSAGE(differ > 0, "seed ", seed);
    CHECK(differ <= twice);  // no other cause of divergence
    CHECK(lab->checkers().count(sim::FindingKind::Divergence) == differ);
  }
  // 80 writes/s for ~11 s at 1% lost acknowledgements: about 9 per run.
  CHECK(total_twice >= 20 * 4);
  CHECK(total_twice <= 20 * 16);
}

TEST_CASE("without lost acknowledgements even increments verify clean") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    std::unique_ptr<sim::Lab> lab = make_lab(";idempotent=off;green_fail_ppm=0", seed);
    CHECK_MESSAGE(migrate_and_verify(*lab) == 0, "seed ", seed);
    CHECK(lab->checkers().stats().notes[sim::kNoteDoubleApply] == 0);
  }
}

TEST_CASE("rollback: without reverse sync blue lacks green's writes; with it, at most those in flight") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    for (int reverse = 0; reverse <= 1; ++reverse) {
      std::unique_ptr<sim::Lab> lab = make_lab(";reverse=" + std::string(reverse ? "on" : "off"), seed);
      migrate_and_verify(*lab);
      sim::Fixture f(*lab);
      REQUIRE(f.act("switch-reads"));
      REQUIRE(f.act("switch-writes"));
      const sim::TimeUs switched_us = lab->now_us();
      f.run_for(2 * kUsPerS);
      CHECK(lab->primary() == f.node("green"));
      REQUIRE(f.act("rollback"));
      CHECK(lab->primary() == f.node("blue"));
      int64_t acked_on_green = 0;
      for (const sim::TraceEvent& e : lab->trace())
        acked_on_green += e.kind == sim::TraceKind::Complete && e.time_us > switched_us && e.peer == f.node("green");
      const sim::TraceEvent* r = last_note(*lab, sim::kNoteRollback);
      REQUIRE(r != nullptr);
      if (reverse == 0) {
        // Every write acknowledged by green, plus those it committed without a reply reaching the
        // client (in flight, or one of the 1% lost acknowledgements, whose retry green applies again).
        CHECK(r->a >= acked_on_green);
        CHECK(r->a <= acked_on_green + 2 + acked_on_green / 20);
        CHECK(acked_on_green > 100);
        CHECK(lab->checkers().count(sim::FindingKind::LostWrite) == 1);
      } else {
        CHECK(r->a <= 2);
      }
    }
  }
}

TEST_CASE("the steps table reports the pipeline") {
  std::unique_ptr<sim::Lab> lab = make_lab("", 3);
  migrate_and_verify(*lab);
  const std::vector<sim::Figure> figures = lab->figures();
  REQUIRE(figures.size() == 1);
  REQUIRE(figures[0].rows.size() == 6);
  CHECK(figures[0].rows[1][2].text == "20 rows copied");
  CHECK(figures[0].rows[2][2].text == "0 of 20 rows differ");
  CHECK(figures[0].rows[3][1].text == "not yet");
}

TEST_CASE("migration predictions hold over 20 seeds") {
  const sim::LabInfo* info = sim::find_lab("migration");
  REQUIRE(info != nullptr);
  REQUIRE(info->predictions.size() == 2);
  const int expected[] = {1, 1};  // verification fails; writes are missing from blue
  for (size_t i = 0; i < info->predictions.size(); ++i) {
    const sim::PredictSpec& p = info->predictions[i];
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      sim::RunSpec run = sim::default_run(*info, seed);
      for (const auto& s : p.settings) run.settings[static_cast<size_t>(sim::setting_index(*info, s.first))] = s.second;
      std::string error;
      std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
      REQUIRE(lab != nullptr);
      sim::Fixture f(*lab);
      p.run(f);
      CHECK_MESSAGE(p.outcome(*lab) == expected[i], p.id, " seed ", seed, ": ", p.explain(*lab));
    }
  }
}
