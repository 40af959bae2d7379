// sim/command.h — user actions as timed commands: the only way anything outside the simulation
// changes it, so a run = (lab + settings, seed, commands) replays bit for bit (STYLE.md #8).
//
// Usage:
//   sim::Command c{1'204'000, sim::Verb::Crash, /*a=*/0};
//   std::string s = sim::encode_command(c, names);             // "1204000.crash.n1"
//   sim::Command back;  std::string error;
//   bool ok = sim::decode_command(s, names, &back, &error);
//
// Argument shapes (letters in kVerbs[].args): n = node name, k = key (0..999),
// v = signed integer value, g = group of node names joined by '-' (a partition side).
// Scenario actions (Verb::Act) name one of the scenario's ActionSpecs and take that action's
// own shape: "3000000.act.add-server", "5000000.act.restore.n1.4200000".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/types.h"

namespace sim {

enum class Verb : uint8_t {
  // Faults, applied by the engine (lesson 5).
  Crash, Restart, Pause, Resume, Skew, Cut, Uncut, Partition, Heal, Latency,
  // Scenario actions, applied by the lab's scenario.
  Write, Read, Promote, Switchover, ApplyDelay, Rate,
  // A scenario-defined action (see ActionSpec): add a shard server, take a backup, ...
  Act,
};

/// One action a scenario offers beyond the shared verbs. Labs of lessons 1, 3 and 6 act on
/// things that are not faults (add a server, drop a table, switch reads to the new store).
struct ActionSpec {
  const char* name;      ///< URL-safe lowercase word, e.g. "add-server"
  const char* args;      ///< "", "n", "v" or "nv" (node, then value)
  const char* label;     ///< button text, e.g. "Add a server"
  const char* doc;       ///< one line for the UI
  int64_t value_min = 0;
  int64_t value_max = 0;
  /// Names of the values value_min..value_max (e.g. region names), or nullptr for numbers.
  const char* const* value_names = nullptr;
  /// Numbers are shown divided by value_scale, followed by value_unit (e.g. 1'000'000, "s").
  const char* value_unit = "";
  int64_t value_scale = 1;
};

struct VerbInfo {
  Verb verb;
  const char* name;  ///< URL-safe lowercase word
  const char* args;  ///< argument shape, see header comment
  const char* doc;
};

/// Every verb, in enum order.
extern const VerbInfo kVerbs[];
extern const int kVerbCount;
const VerbInfo& verb_info(Verb verb);

struct Command {
  TimeUs time_us = 0;
  Verb verb = Verb::Heal;
  NodeId a = kNoNode;   ///< first node argument ('n')
  int32_t b = -1;       ///< second node ('n') or key ('k'); for Act, the action index
  int64_t value = 0;    ///< 'v' value, or the node bit mask of a 'g' group
  bool operator==(const Command& o) const {
    return time_us == o.time_us && verb == o.verb && a == o.a && b == o.b && value == o.value;
  }
};

constexpr int32_t kMaxKey = 999;
constexpr int64_t kMaxCommandValue = 1'000'000'000'000;  // |v| bound: 11.5 days in µs
constexpr TimeUs kMaxCommandTimeUs = 1'000'000'000'000;

/// "<time_us>.<verb>[.<arg>]*" using node names, e.g. "2500000.part.n1-c1". `actions` are the
/// scenario's (needed only for Verb::Act).
std::string encode_command(const Command& c, const std::vector<std::string>& names,
                           const std::vector<ActionSpec>& actions = {});

/// Parses one encoded command; node names must be in `names`. Never throws.
bool decode_command(std::string_view text, const std::vector<std::string>& names, Command* out,
                    std::string* error, const std::vector<ActionSpec>& actions = {});

/// Human form without the time, e.g. "crash n1", "write c1 k3=7", "add-server".
std::string describe_command(const Command& c, const std::vector<std::string>& names,
                             const std::vector<ActionSpec>& actions = {});

/// Argument shape of a command: its verb's, or for Act its action's ("" if out of range).
const char* command_args(const Command& c, const std::vector<ActionSpec>& actions);

/// Splits `text` at every `sep` (empty parts kept). False when there would be more than
/// `max_parts` parts, so hostile input cannot make it allocate without bound.
bool split_bounded(std::string_view text, char sep, size_t max_parts, std::vector<std::string_view>* out);

/// Parses a non-negative decimal (at most 19 digits) that is <= max. Used by every
/// decoder so that no input can overflow.
bool parse_int(std::string_view text, int64_t max, int64_t* out);

}  // namespace sim
