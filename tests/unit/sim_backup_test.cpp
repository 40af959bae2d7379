// Backups and point-in-time recovery (lesson 6): the restore arithmetic against hand-computed
// cases, then the same figures read from simulated runs (drop a table, lose the disk, ransomware,
// lose the site), the 3-2-1 copies each failure leaves, and the lab's predictions over 20 seeds.
#include <doctest/doctest.h>

#include <string>

#include "sim/backup.h"
#include "sim/fixture.h"
#include "sim/lab.h"

namespace {

using sim::kUsPerS;

constexpr sim::TimeUs kHour = 3600 * kUsPerS;

// A copy with a base backup at 00:00 and every WAL segment of 60 s archived before `until_s`.
sim::CopyContents archive_until(int64_t until_s) {
  sim::CopyContents c;
  c.bases_story_us = {0};
  c.segments.assign(static_cast<size_t>(until_s / 60), 1);
  return c;
}

std::unique_ptr<sim::Lab> make_lab(const std::string& settings, uint64_t seed = 1) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run("v1;lab=backups;seed=" + std::to_string(seed) + settings, &run, &error), error);
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

void run_to_story(sim::Lab& lab, int64_t story_s) { lab.advance_to(sim::sim_us_at_story(story_s * kUsPerS)); }

// The restore note the database writes: peer = copy, a = restore point, b = RTO, c = RPO.
const sim::TraceEvent* restore_note(const sim::Lab& lab) {
  for (auto it = lab.trace().rbegin(); it != lab.trace().rend(); ++it)
    if (it->kind == sim::TraceKind::Note && it->code == sim::kNoteRestoreStart) return &*it;
  return nullptr;
}

std::string copy_of(const sim::Lab& lab, const sim::TraceEvent& note) {
  return lab.engine().names()[note.peer];
}

}  // namespace

TEST_CASE("story clock and durations") {
  CHECK(sim::format_clock(52199 * kUsPerS) == "1d 14:29:59");
  CHECK(sim::format_clock(86400 * kUsPerS + 61 * kUsPerS, false) == "00:01:01");
  CHECK(sim::format_duration(862'475'000) == "14 min 22 s");
  CHECK(sim::format_duration(2 * kHour + 5 * 60 * kUsPerS) == "2 h 05 min");
  CHECK(sim::sim_us_at_story(52200 * kUsPerS) == 14'500'000);  // 14:30 is 14.5 s on the lab clock
}

// Hand-computed: base at 00:00, WAL archived to 14:30, DROP at 14:30:00, restore to 14:29:59.
// WAL replayed: 52199 s at 1000 MB/h = 14499.7 -> 14499 MB. RPO = 1 s.
// RTO = (100000 + 14499) MB / 200 MB/s + 14499 MB / 50 MB/s = 572.495 + 289.98 = 862.475 s.
TEST_CASE("restore plan: drop at 14:30, restore to 14:29:59 from the nas") {
  const sim::BackupConfig config;
  const sim::RestorePlan p =
      sim::plan_restore(config, archive_until(52200), 200, 52199 * kUsPerS, 52200 * kUsPerS, sim::kNever);
  REQUIRE(p.possible);
  CHECK(p.base_story_us == 0);
  CHECK(p.reached_story_us == 52199 * kUsPerS);
  CHECK(p.wal_mb == 14499);
  CHECK(p.rpo_story_us == kUsPerS);
  CHECK(p.rto_story_us == 862'475'000);
}

// A segment missing from the archive stops recovery at its start: 10:00:00 (lesson: "delete one
// WAL segment and see where recovery stops"). RPO 14:30 - 10:00 = 4 h 30 min; WAL 10000 MB;
// RTO = 110000 / 200 + 10000 / 50 = 550 + 200 = 750 s.
TEST_CASE("restore plan: a missing WAL segment stops recovery there") {
  const sim::BackupConfig config;
  sim::CopyContents copy = archive_until(52200);
  copy.segments[600] = 0;  // 10:00:00 - 10:01:00
  const sim::RestorePlan p = sim::plan_restore(config, copy, 200, 52199 * kUsPerS, 52200 * kUsPerS, sim::kNever);
  REQUIRE(p.possible);
  CHECK(p.reached_story_us == 36000 * kUsPerS);
  CHECK(p.rpo_story_us == 16200 * kUsPerS);
  CHECK(p.wal_mb == 10000);
  CHECK(p.rto_story_us == 750 * kUsPerS);
}

TEST_CASE("restore plan: the newest full backup before the target; none before it, no restore") {
  const sim::BackupConfig config;
  sim::CopyContents copy = archive_until(2 * 86400);
  copy.bases_story_us = {0, 86400 * kUsPerS};
  // Day 2 01:00: base of day 2, one hour of WAL = 1000 MB; RTO = 101000/200 + 1000/50 = 525 s.
  const sim::RestorePlan p = sim::plan_restore(config, copy, 200, 90000 * kUsPerS, 90000 * kUsPerS, sim::kNever);
  CHECK(p.base_story_us == 86400 * kUsPerS);
  CHECK(p.wal_mb == 1000);
  CHECK(p.rto_story_us == 525 * kUsPerS);
  CHECK(p.rpo_story_us == 0);
  copy.bases_story_us = {86400 * kUsPerS};
  const sim::RestorePlan none = sim::plan_restore(config, copy, 200, 3600 * kUsPerS, 3600 * kUsPerS, sim::kNever);
  CHECK_FALSE(none.possible);
  CHECK(none.why == "no full backup at or before 1d 01:00:00");
}

TEST_CASE("restore plan: WAL not archived yet is still usable from a surviving disk") {
  const sim::BackupConfig config;
  // Archived to 14:30:00; the disk's pg_wal holds 14:30:00 on. Target 14:30:30 is reached.
  const sim::RestorePlan with_disk =
      sim::plan_restore(config, archive_until(52200), 200, 52230 * kUsPerS, 52231 * kUsPerS, 52200 * kUsPerS);
  CHECK(with_disk.reached_story_us == 52230 * kUsPerS);
  const sim::RestorePlan without =
      sim::plan_restore(config, archive_until(52200), 200, 52230 * kUsPerS, 52231 * kUsPerS, sim::kNever);
  CHECK(without.reached_story_us == 52200 * kUsPerS);
}

TEST_CASE("config validation gives a sentence") {
  sim::BackupConfig c;
  std::string error;
  CHECK(c.validate(&error));
  c.archive_s = 7;  // 24 h is not a whole number of 7 s intervals
  CHECK_FALSE(c.validate(&error));
  CHECK(error == "the full-backup period must be a whole number of archive intervals");
  sim::RunSpec run;  // a shared link with that combination is refused with the same sentence
  CHECK_FALSE(sim::decode_run("v1;lab=backups;seed=1;archive_s=7", &run, &error));
  CHECK(error.find("whole number of archive intervals") != std::string::npos);
}

// The simulated run reports the hand-computed figures above.
TEST_CASE("simulation: drop a table at 14:30, restore to 14:29:59 -> RPO 1 s, RTO 862.475 s") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    std::unique_ptr<sim::Lab> lab = make_lab("", seed);
    sim::Fixture f(*lab);
    run_to_story(*lab, 52200);
    REQUIRE(f.act("drop-table"));
    run_to_story(*lab, 52320);
    REQUIRE(f.act("restore", sim::kNoNode, 52199));
    f.run_for(kUsPerS);
    const sim::TraceEvent* r = restore_note(*lab);
    REQUIRE(r != nullptr);
    CHECK(copy_of(*lab, *r) == "nas");
    CHECK(r->a == 52199 * kUsPerS);
    CHECK(r->b == 862'475'000);
    CHECK(r->c == kUsPerS);
    CHECK(lab->primary() == f.node("db"));  // serving again
    CHECK(lab->checkers().stats().notes[sim::kNoteRestoreDone] == 1);
  }
}

// Disk lost at 10:00:45: archived WAL ends at 10:00:00, so 45 s are lost; RTO 750 s (as above).
// Exactly the writes acknowledged in those 45 s are reported lost by the lost-write checker.
TEST_CASE("simulation: losing the disk loses the WAL not archived yet") {
  std::unique_ptr<sim::Lab> lab = make_lab(";writes_min=60");
  sim::Fixture f(*lab);
  run_to_story(*lab, 36045);
  REQUIRE(f.act("lose-disk"));
  REQUIRE(f.act("restore", sim::kNoNode, 7 * 86400));
  f.run_for(kUsPerS);
  // Acknowledged from 10:00:00 until the restore is done (a reply in flight at the failure counts).
  int64_t acked_since_archive = 0;
  for (const sim::TraceEvent& e : lab->trace()) {
    const sim::TimeUs t = sim::story_us_of(e.time_us);
    acked_since_archive += e.kind == sim::TraceKind::Complete && e.code == 0 && t >= 36000 * kUsPerS && t < 36600 * kUsPerS;
  }
  const sim::TraceEvent* r = restore_note(*lab);
  REQUIRE(r != nullptr);
  CHECK(r->a == 36000 * kUsPerS);
  CHECK(r->c == 45 * kUsPerS);
  CHECK(r->b == 750 * kUsPerS);
  CHECK(acked_since_archive >= 10);  // about one write every 1.8 story seconds
  CHECK(lab->checkers().count(sim::FindingKind::LostWrite) == acked_since_archive);
}

TEST_CASE("simulation: ransomware vs the offsite copy (3-2-1-1)") {
  SUBCASE("online offsite: every copy is encrypted, no restore") {
    std::unique_ptr<sim::Lab> lab = make_lab(";offsite=online");
    sim::Fixture f(*lab);
    run_to_story(*lab, 36045);
    f.act("ransomware");
    f.act("restore", sim::kNoNode, 7 * 86400);
    f.run_for(kUsPerS);
    CHECK(restore_note(*lab) == nullptr);
    CHECK(lab->checkers().stats().notes[sim::kNoteNoRestore] == 1);
    CHECK(lab->primary() == sim::kNoNode);
  }
  SUBCASE("immutable offsite: restore from the cloud over the WAN, RTO 2400 s") {
    std::unique_ptr<sim::Lab> lab = make_lab(";offsite=immutable");
    sim::Fixture f(*lab);
    run_to_story(*lab, 36045);
    f.act("ransomware");
    run_to_story(*lab, 36045 + 900);
    f.act("restore", sim::kNoNode, 7 * 86400);
    f.run_for(kUsPerS);
    const sim::TraceEvent* r = restore_note(*lab);
    REQUIRE(r != nullptr);
    CHECK(copy_of(*lab, *r) == "cloud");
    CHECK(r->c == 45 * kUsPerS);
    // (100000 + 10000) MB / 50 MB/s + 10000 MB / 50 MB/s = 2200 + 200 s.
    CHECK(r->b == 2400 * kUsPerS);
  }
}

TEST_CASE("simulation: losing the site leaves only the offsite copy; without one nothing") {
  std::unique_ptr<sim::Lab> lab = make_lab("");
  sim::Fixture f(*lab);
  run_to_story(*lab, 36045);
  f.act("lose-site");
  const std::vector<sim::Figure> figures = lab->figures();
  REQUIRE(figures.size() == 2);
  const sim::Figure& copies = figures[1];
  REQUIRE(copies.rows.size() == 3);
  CHECK(copies.rows[0][3].text == "lost");   // db disk
  CHECK(copies.rows[1][3].text == "lost");   // nas
  CHECK(copies.rows[2][3].text == "ok");     // cloud
  const std::vector<sim::NodeView> nodes = lab->nodes();
  CHECK(nodes[1].detail == "lost");
  CHECK(nodes[2].detail == "base 00:00:00, WAL to 10:00:00");
  f.act("restore", sim::kNoNode, 7 * 86400);
  f.run_for(kUsPerS);
  const sim::TraceEvent* r = restore_note(*lab);
  REQUIRE(r != nullptr);
  CHECK(copy_of(*lab, *r) == "cloud");

  std::unique_ptr<sim::Lab> alone = make_lab(";offsite=none");
  sim::Fixture g(*alone);
  run_to_story(*alone, 36045);
  g.act("lose-site");
  g.act("restore", sim::kNoNode, 7 * 86400);
  g.run_for(kUsPerS);
  CHECK(restore_note(*alone) == nullptr);
}

TEST_CASE("simulation: deleting an archived segment makes recovery stop before it") {
  std::unique_ptr<sim::Lab> lab = make_lab(";offsite=none");
  sim::Fixture f(*lab);
  run_to_story(*lab, 52200);
  f.act("delete-wal", sim::kNoNode, 36000 + 30);  // the segment 10:00:00-10:01:00
  f.act("drop-table");
  f.act("restore", sim::kNoNode, 52199);
  f.run_for(kUsPerS);
  const sim::TraceEvent* r = restore_note(*lab);
  REQUIRE(r != nullptr);
  CHECK(r->a == 36000 * kUsPerS);
  CHECK(r->c == 16200 * kUsPerS);
  CHECK(r->b == 750 * kUsPerS);
}

TEST_CASE("backups predictions hold over 20 seeds") {
  const sim::LabInfo* info = sim::find_lab("backups");
  REQUIRE(info != nullptr);
  REQUIRE(info->predictions.size() == 2);
  const int expected[] = {1, 2};  // up to one archive interval; every copy encrypted
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
      CHECK_FALSE(p.explain(*lab).empty());
    }
  }
}
