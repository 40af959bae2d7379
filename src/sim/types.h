// sim/types.h — vocabulary shared by every part of the engine.
//
// Usage:
//   sim::TimeUs deadline_us = 2 * sim::kUsPerS;
//   std::string s = sim::format_seconds(1'204'000);   // "1.204 s"
//
// Simulated time is an integer count of microseconds (int64_t) so that the same run gives the
// same trace on every platform; doubles appear only in display helpers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sim {

using TimeUs = int64_t;
using NodeId = int32_t;

constexpr NodeId kNoNode = -1;
/// Upper bound on processes (database nodes, coordinator, clients) in one run; keeps every
/// per-node table a fixed size and partition groups a 32-bit mask.
constexpr int kMaxNodes = 16;
constexpr TimeUs kUsPerMs = 1000;
constexpr TimeUs kUsPerS = 1'000'000;
constexpr TimeUs kNever = INT64_MAX;

/// A node's part in its protocol. One enum for every protocol so that checkers and the UI can
/// read roles without knowing the protocol (later labs add Raft's Leader/Follower/Candidate).
enum class Role : uint8_t { None, Primary, Secondary, Monitor, Client, Leader, Follower, Candidate };

/// What the engine lets a node do (lesson 5: crash loses memory, a pause only freezes it).
enum class NodeStatus : uint8_t { Up, Crashed, Paused };

const char* role_name(Role role);
const char* status_name(NodeStatus status);

/// "1.204 s" — milliseconds precision, for human sentences.
std::string format_seconds(TimeUs t_us);

/// Name of node `id` in `names`, or "-" when out of range.
const char* node_name(const std::vector<std::string>& names, int id);

/// Appends the decimal form of v to out (no locale, no allocation beyond out's growth).
void append_int(std::string& out, int64_t v);

}  // namespace sim
