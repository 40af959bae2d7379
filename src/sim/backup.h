// sim/backup.h — backups and point-in-time recovery (course lesson 6, "Backup strategies",
// "RPO and RTO, precisely"): one database with a write workload, periodic full backups and
// continuous WAL archiving to backup copies, failures that destroy copies, and restores whose
// RPO (data lost) and RTO (time to restore) are computed from the copies that survived.
//
// Usage:
//   sim::BackupConfig config;                    // daily base backup, WAL archived every 60 s
//   config.offsite = sim::Offsite::Immutable;    // object-locked offsite copy (3-2-1-1)
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_backup_scenario(config);
//   // The restore arithmetic alone, for tests and figures:
//   sim::RestorePlan p = sim::plan_restore(config, copy, target_story_s * 1'000'000, incident_story_us, ...);
//
// Time runs 3600 times faster than the story it tells: one simulated second is one hour of the
// database's life, so a day passes in 24 s on the lab clock. Every figure (backup times, restore
// points, RPO, RTO) is in story time: story_us = 3600 * simulated µs.
//
// Cast (node ids in this order): "db" (the primary; its disk holds the live data and the WAL not
// archived yet), "nas" (backup server at the same site: a second medium), "cloud" (object storage
// at a second site, when offsite != None), "app" (the client writing).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/types.h"

namespace sim {

/// Story time per simulated time (see header comment).
constexpr int64_t kStoryScale = 3600;
constexpr TimeUs story_us_of(TimeUs sim_us) { return sim_us * kStoryScale; }
/// First simulated instant whose story time is at or after `story_us`.
constexpr TimeUs sim_us_at_story(TimeUs story_us) { return (story_us + kStoryScale - 1) / kStoryScale; }
/// "1d 14:29:59" (day 1 is the first day) for story times; "14:29:59" when `with_day` is false.
std::string format_clock(TimeUs story_us, bool with_day = true);
/// "14 min 22 s", "2 h 05 min", "0 s" for story durations.
std::string format_duration(TimeUs story_us);

/// The offsite copy of the 3-2-1 rule.
enum class Offsite : uint8_t {
  None,       ///< only the nas at the same site: a fire or a regional outage takes everything
  Online,     ///< object storage at a second site, writable with the database host's credentials
  Immutable,  ///< ... with object lock (WORM): nobody, not even an attacker, can change it
};

struct BackupConfig {
  Offsite offsite = Offsite::Online;
  /// WAL segments are archived at least this often (PostgreSQL archive_timeout), story seconds.
  int64_t archive_s = 60;
  /// A full (base) backup every this many story hours, from 00:00 on day 1.
  int64_t base_every_h = 24;
  /// Database size in MB (a base backup copies all of it; 1 GB = 1000 MB).
  int64_t db_mb = 100'000;
  /// WAL the workload generates per story hour, MB.
  int64_t wal_mb_per_h = 1000;
  /// Restore throughput from the nas (same site), MB/s.
  int64_t local_mb_per_s = 200;
  /// Restore throughput from the offsite copy over the WAN, MB/s.
  int64_t wan_mb_per_s = 50;
  /// WAL replay speed of the restored server, MB/s.
  int64_t replay_mb_per_s = 50;
  /// Workload: writes per story minute.
  int writes_per_min = 2;

  bool validate(std::string* error) const;
};

/// What one backup copy holds (story times).
struct CopyContents {
  std::vector<TimeUs> bases_story_us;  ///< start of each full backup it holds, ascending
  std::vector<uint8_t> segments;       ///< segments[k] != 0: WAL segment k is archived here
};

/// How a restore from one copy to a target time goes (all times in story µs).
struct RestorePlan {
  bool possible = false;
  std::string why;              ///< when not possible: "no full backup before 09:00:00"
  TimeUs base_story_us = 0;     ///< the full backup used
  TimeUs reached_story_us = 0;  ///< restore point reached (<= target): the state just before it
  int64_t wal_mb = 0;           ///< WAL replayed
  TimeUs rpo_story_us = 0;      ///< data lost: incident time - reached point
  TimeUs rto_story_us = 0;      ///< time to restore: fetch (base + WAL) at `fetch_mb_per_s`, then replay
};

/// The restore arithmetic (lesson 6 "Point-in-time recovery"): the newest full backup at or
/// before the target, then archived WAL segment after segment up to the target or the start of
/// the first missing segment; the restored database holds what was written before that point. Segments up to `local_wal_story_us` are also on the surviving database disk
/// (its pg_wal), so they need no archive. RPO = incident - reached; RTO = (base + WAL) / fetch
/// + WAL / replay.
RestorePlan plan_restore(const BackupConfig& config, const CopyContents& copy, int64_t fetch_mb_per_s,
                         TimeUs target_story_us, TimeUs incident_story_us, TimeUs local_wal_story_us);

std::unique_ptr<Scenario> make_backup_scenario(const BackupConfig& config);

/// Codes of the Note records the backup scenario writes (CheckerStats::notes index).
enum BackupNote : uint8_t {
  kNoteDropTable = 1,     ///< db: DROP TABLE by mistake; a = position in the WAL
  kNoteDiskLost = 2,      ///< db: the disk failed
  kNoteEncrypted = 3,     ///< node: ransomware encrypted its storage
  kNoteSiteLost = 4,      ///< node: its site was lost
  kNoteRestoreStart = 5,  ///< db: peer = copy, a = reached, b = RTO, c = RPO (story µs)
  kNoteRestoreDone = 6,   ///< db: a = restored log length
  kNoteNoRestore = 7,     ///< db: no surviving copy can restore
  kNoteWalDeleted = 8,    ///< copy: a = segment deleted
};

}  // namespace sim
