// The lesson 6 backups and point-in-time recovery lab: settings, guided goals (drop a table and
// recover to one second before it; lose the disk; survive ransomware and a lost site with the
// 3-2-1 copies) and its "predict, then run" questions. Every answer is read from the restore the
// run performed (the restore note the database writes: copy, restore point, RTO, RPO).
#include "sim/backup.h"
#include "sim/fixture.h"
#include "sim/lab.h"

namespace sim {

namespace {

const char* const kOffsite[] = {"none", "online", "immutable"};

// Order is part of the URL format: append only.
std::vector<SettingSpec> settings() {
  return {
      {"offsite", "offsite copy at a second site: none, online object storage, or immutable (object lock)", 0, 2, 1,
       kOffsite},
      {"archive_s", "WAL archived at least every (story seconds, archive_timeout)", 1, 86'400, 60, nullptr},
      {"base_h", "a full backup every (story hours)", 1, 168, 24, nullptr},
      {"size_gb", "database size (GB)", 1, 100'000, 100, nullptr},
      {"wal_mb_h", "WAL generated per story hour (MB)", 0, 1'000'000, 1000, nullptr},
      {"local_mbps", "restore throughput from the nas (MB/s)", 1, 100'000, 200, nullptr},
      {"wan_mbps", "restore throughput from the offsite copy (MB/s)", 1, 100'000, 50, nullptr},
      {"replay_mbps", "WAL replay speed (MB/s)", 1, 100'000, 50, nullptr},
      {"writes_min", "workload writes per story minute", 0, 600, 2, nullptr},
  };
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  BackupConfig c;
  c.offsite = static_cast<Offsite>(v[0]);
  c.archive_s = v[1];
  c.base_every_h = v[2];
  c.db_mb = v[3] * 1000;
  c.wal_mb_per_h = v[4];
  c.local_mb_per_s = v[5];
  c.wan_mb_per_s = v[6];
  c.replay_mb_per_s = v[7];
  c.writes_per_min = static_cast<int>(v[8]);
  // 100 µs on the lab clock is 0.36 s of story time: backups and WAL arrive almost at once.
  network->link.latency_us = 100;
  network->link.jitter_us = 20;
  if (!c.validate(error)) return nullptr;
  return make_backup_scenario(c);
}

// --- Reading the run ---------------------------------------------------------------------------

int64_t notes(const Lab& lab, BackupNote note) { return lab.checkers().stats().notes[note]; }

// The newest note with `code` in the trace, or nullptr.
const TraceEvent* last_note(const Lab& lab, BackupNote code) {
  if (notes(lab, code) == 0) return nullptr;
  const TraceLog& trace = lab.trace();
  for (auto it = trace.rbegin(); it != trace.rend(); ++it)
    if (it->kind == TraceKind::Note && it->code == code) return &*it;
  return nullptr;
}

/// The last restore that finished after incident `incident` (a note code), or nullptr.
const TraceEvent* restore_after(const Lab& lab, BackupNote incident) {
  const TraceEvent* hit = last_note(lab, incident);
  const TraceEvent* start = last_note(lab, kNoteRestoreStart);
  const TraceEvent* done = last_note(lab, kNoteRestoreDone);
  if (hit == nullptr || start == nullptr || done == nullptr) return nullptr;
  return start->time_us >= hit->time_us && done->time_us >= start->time_us ? start : nullptr;
}

TimeUs rpo_us(const TraceEvent& restore) { return restore.c; }
TimeUs rto_us(const TraceEvent& restore) { return restore.b; }
std::string copy_name(const Lab& lab, const TraceEvent& restore) {
  return node_name(lab.engine().names(), restore.peer == kNoPeer ? -1 : restore.peer);
}

// Runs to a story clock time (story seconds since day 1 00:00).
void run_to_story(Fixture& f, int64_t story_s) {
  f.lab().advance_to(sim_us_at_story(story_s * kUsPerS));
}

constexpr int64_t kDropStoryS = 14 * 3600 + 30 * 60;  // 14:30:00 on day 1
constexpr int64_t kLatestS = 7 * 86'400;               // "restore as far as the copies go"

// --- Goals -------------------------------------------------------------------------------------

// Lesson 6 "Point-in-time recovery": a restore to just before the DROP keeps everything older.
bool pitr_met(const Lab& lab) {
  const TraceEvent* r = restore_after(lab, kNoteDropTable);
  return r != nullptr && rpo_us(*r) > 0 && rpo_us(*r) <= kUsPerS;
}

void pitr_demo(Fixture& f) {
  run_to_story(f, kDropStoryS);
  f.act("drop-table");
  run_to_story(f, kDropStoryS + 120);  // noticed two minutes later
  f.act("restore", kNoNode, kDropStoryS - 1);
  f.run_for(kUsPerS);
}

bool lose_disk_met(const Lab& lab) { return restore_after(lab, kNoteDiskLost) != nullptr; }

// Incidents at story times that are whole simulated microseconds (multiples of 9 s), so the
// figures are exact: 10:00:45 = 36045 s.
constexpr int64_t kIncidentStoryS = 10 * 3600 + 45;

void lose_disk_demo(Fixture& f) {
  run_to_story(f, kIncidentStoryS);
  f.act("lose-disk");
  f.act("restore", kNoNode, kLatestS);
  f.run_for(kUsPerS);
}

bool ransomware_met(const Lab& lab) { return restore_after(lab, kNoteEncrypted) != nullptr; }

void ransomware_demo(Fixture& f) {
  run_to_story(f, kIncidentStoryS);
  f.act("ransomware");
  run_to_story(f, kIncidentStoryS + 15 * 60);  // noticed a quarter of an hour later
  f.act("restore", kNoNode, kLatestS);
  f.run_for(2 * kUsPerS);
}

bool lose_site_met(const Lab& lab) { return restore_after(lab, kNoteSiteLost) != nullptr; }

void lose_site_demo(Fixture& f) {
  run_to_story(f, kIncidentStoryS);
  f.act("lose-site");
  run_to_story(f, kIncidentStoryS + 15 * 60);
  f.act("restore", kNoNode, kLatestS);
  f.run_for(2 * kUsPerS);
}

const GoalSpec kPitr{"pitr", "Recover a dropped table to one second before the drop",
                     "Drop a table, then restore to one second before the DROP: base backup + WAL replay.",
                     {}, pitr_met, pitr_demo};
const GoalSpec kLoseDisk{"lose-disk", "Lose the disk and restore from the archive",
                         "Lose the primary's disk: the WAL not archived yet is gone, everything else is on the nas.",
                         {}, lose_disk_met, lose_disk_demo};
const GoalSpec kRansomware{"ransomware", "Survive ransomware with an immutable offsite copy",
                           "With offsite=immutable, launch the ransomware attack, then restore from the cloud copy.",
                           {{"offsite", 2}}, ransomware_met, ransomware_demo};
const GoalSpec kLoseSite{"lose-site", "Lose the whole site and restore from the offsite copy",
                         "Lose site A (the primary and the nas): only the copy at site B is left.",
                         {}, lose_site_met, lose_site_demo};

// --- Predictions ---------------------------------------------------------------------------------

int ransomware_outcome(const Lab& lab) {
  const TraceEvent* r = restore_after(lab, kNoteEncrypted);
  if (r == nullptr) return 2;
  return copy_name(lab, *r) == "nas" ? 1 : 0;
}

std::string ransomware_explain(const Lab& lab) {
  const TraceEvent* r = restore_after(lab, kNoteEncrypted);
  if (r == nullptr)
    return "No restore was possible: the attacker's credentials could write to the db disk, the nas and the "
           "offsite bucket, so all three are encrypted. Only an immutable (object-locked) or offline copy survives.";
  return "Restored from " + copy_name(lab, *r) + " with RPO " + format_duration(rpo_us(*r)) + " and RTO " +
         format_duration(rto_us(*r)) + ".";
}

void ransomware_run(Fixture& f) { ransomware_demo(f); }

int disk_outcome(const Lab& lab) {
  const TraceEvent* r = restore_after(lab, kNoteDiskLost);
  if (r == nullptr || rpo_us(*r) > 3600 * kUsPerS) return 2;
  return rpo_us(*r) == 0 ? 0 : 1;
}

std::string disk_explain(const Lab& lab) {
  const TraceEvent* r = restore_after(lab, kNoteDiskLost);
  if (r == nullptr) return "No restore happened.";
  return "The disk failed at 10:00:45; the nas had the base backup of 00:00 and WAL archived up to " +
         format_clock(r->a, false) + ", so the restore lost " + format_duration(rpo_us(*r)) +
         " of writes (RPO) and took " + format_duration(rto_us(*r)) +
         " (RTO): copying the 100 GB base plus the WAL, then replaying 10 hours of WAL.";
}

const PredictSpec kRansomwarePredict{
    "ransomware-online",
    "Ransomware encrypts the primary's disk and every copy its credentials can write. The offsite copy is "
    "ordinary object storage (no object lock). Can you restore?",
    {"Yes, from the offsite copy", "Yes, from the nas", "No: every copy is encrypted"},
    {{"offsite", 1}},
    ransomware_run,
    ransomware_outcome,
    ransomware_explain};

const PredictSpec kDiskPredict{
    "disk-rpo",
    "The disk fails at 10:00:45. The last full backup was at 00:00 and WAL is archived every 60 s. How much "
    "data does the best restore lose?",
    {"Nothing", "Up to one archive interval (here 45 s)", "Everything since the full backup"},
    {},
    lose_disk_demo,
    disk_outcome,
    disk_explain};

}  // namespace

std::vector<LabInfo> backup_labs() {
  LabInfo info{"backups", "Backups and point-in-time recovery lab", "production", settings(),
               {kPitr, kLoseDisk, kRansomware, kLoseSite}, make};
  info.predictions = {kDiskPredict, kRansomwarePredict};
  info.checks = {FindingKind::LostWrite};
  return {info};
}

}  // namespace sim
