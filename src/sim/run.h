// sim/run.h — a run (lab + settings, seed, commands) and its URL-fragment form.
//
// Usage:
//   std::string s = sim::encode_run(lab.run());
//   // "v1;lab=replication-failover;seed=42;mode=sync;fencing=on;cmds=1204000.crash.n1,2000000.heal"
//   sim::RunSpec run;  std::string error;
//   if (!sim::decode_run(s, &run, &error)) show(error);   // never throws, bounded memory
//
// Only settings that differ from the lab's defaults are written; decode(encode(r)) == r.
// Characters used: [a-z0-9_.;=,-] — safe in a URL fragment without escaping.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/command.h"

namespace sim {

struct RunSpec {
  std::string lab;                ///< lab id
  uint64_t seed = 1;
  std::vector<int64_t> settings;  ///< one value per LabInfo::settings entry
  std::vector<Command> commands;  ///< in non-decreasing time order

  bool operator==(const RunSpec& o) const {
    return lab == o.lab && seed == o.seed && settings == o.settings && commands == o.commands;
  }
  /// The same run without the commands after t (to branch from the past).
  RunSpec truncated_after(TimeUs t_us) const;
};

/// Limits that bound decoding work and memory whatever the input.
constexpr size_t kMaxRunChars = 64 * 1024;
constexpr size_t kMaxRunCommands = 2000;
constexpr uint64_t kMaxSeed = 9'007'199'254'740'991ull;  // 2^53 - 1: exact in JavaScript too

std::string encode_run(const RunSpec& run);
bool decode_run(std::string_view text, RunSpec* out, std::string* error);

}  // namespace sim
