// sim/migration.h — a blue-green database migration under a live workload (course lesson 6,
// "Migration strategies"): keep the new store (green) in sync with the old one (blue) by
// application dual writes or change data capture, backfill the existing rows, verify with shadow
// reads, switch reads, switch writes, and roll back at any step.
//
// Usage:
//   sim::MigrationConfig config;            // dual writes, idempotent, green fails 1% of acks
//   config.idempotent = false;              // dual writes are increments: a retry applies twice
//   std::string error;  if (!config.validate(&error)) ...
//   std::unique_ptr<sim::Scenario> s = sim::make_migration_scenario(config);
//
// Cast (node ids in this order): "blue", "green" (the stores), "ver" (the verifier issuing shadow
// reads), clients c1..cK. Each row holds a balance; every workload write adds to one row. The
// primary store (blue until "switch-writes") applies it and returns the new value and version;
// then, with dual writes, the client writes the secondary store:
//  * idempotent: "set row = value at version v" (ignored if the row is already at v or newer);
//  * not idempotent: "add delta" — a retry after a lost acknowledgement adds it twice.
// With change data capture the primary streams its change log to the secondary in order
// (positions make redelivery harmless), so the workload never writes the secondary itself.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sim/scenario.h"
#include "sim/types.h"

namespace sim {

enum class SyncMode : uint8_t { DualWrites, Cdc };

constexpr int kMaxRows = 64;

struct MigrationConfig {
  SyncMode sync = SyncMode::DualWrites;
  /// Dual writes carry the value and version (true) or the increment (false).
  bool idempotent = true;
  /// After "switch-writes", green's writes flow back to blue (reverse dual writes or reverse
  /// CDC) so a rollback loses nothing.
  bool reverse = true;
  /// Green commits a write but its acknowledgement is lost, parts per million (the client retries).
  uint32_t green_fail_ppm = 10'000;
  /// Rows in the table (1..kMaxRows).
  int rows = 20;
  /// Client processes (1..4).
  int clients = 2;
  /// Workload operations per second over all clients; 80% writes, 20% reads.
  int ops_per_s = 100;

  bool validate(std::string* error) const;
};

std::unique_ptr<Scenario> make_migration_scenario(const MigrationConfig& config);

/// Codes of the Note records the migration scenario writes (CheckerStats::notes index).
enum MigrationNote : uint8_t {
  kNoteBackfillDone = 2,  ///< primary store: a = rows copied
  kNoteMismatch = 3,      ///< verifier: a = row, b = blue value, c = green value
  kNoteVerifyDone = 4,    ///< verifier: a = rows that differ, b = rows checked
  kNoteRollback = 5,      ///< blue: a = writes made on green since the switch that blue lacks
  kNoteDoubleApply = 6,   ///< green: a non-idempotent write was applied again (a retry)
};

enum class MigrationStep : uint8_t { DualWrites, Backfill, Verify, SwitchReads, SwitchWrites, Rollback };

}  // namespace sim
