// sim/linearizability.h — is a single-register history linearizable? (Herlihy & Wing 1990)
//
// Usage:
//   std::vector<sim::RegisterOp> ops = {
//     {sim::OpKind::Write, /*invoke*/0,  /*complete*/10, /*write_id*/7},
//     {sim::OpKind::Read,  /*invoke*/20, /*complete*/30, /*observed*/7}};
//   sim::LinearizabilityResult r = sim::check_register(ops, {});
//   if (r.verdict == sim::Verdict::NotLinearizable) ... ops[r.blocking_op] ...
//
// Algorithm: Wing & Gong (1993) depth-first search over the next operation to linearize, with
// Lowe's memoization of (set of linearized operations, register value) ("Testing for
// linearizability", 2017) — the WGL checker used by Knossos and Porcupine. It is exponential in
// the worst case, so it is bounded: beyond `max_ops` or `max_steps` the verdict is Unknown,
// never a wrong answer. Histories of different keys are independent (locality, Herlihy & Wing
// §3.3), so callers check one key at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/trace.h"
#include "sim/types.h"

namespace sim {

struct RegisterOp {
  OpKind kind = OpKind::Read;
  TimeUs invoke_us = 0;
  /// kNever when no response arrived: the operation may or may not have taken effect.
  TimeUs complete_us = kNever;
  /// A write: the unique id it writes. A read: the id it observed (0 = the initial value).
  int64_t write_id = 0;
};

enum class Verdict : uint8_t { Linearizable, NotLinearizable, Unknown };
const char* verdict_name(Verdict verdict);

struct LinearizabilityLimits {
  /// Longer histories are not searched (Unknown).
  size_t max_ops = 4000;
  /// Search steps (operations tried) before giving up (Unknown).
  uint64_t max_steps = 2'000'000;
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::Unknown;
  /// For NotLinearizable: index of the completed operation that no order could fit in, found at
  /// the deepest point of the search (the usual "first bad op" of Knossos).
  size_t blocking_op = SIZE_MAX;
  uint64_t steps = 0;
};

LinearizabilityResult check_register(const std::vector<RegisterOp>& ops,
                                     const LinearizabilityLimits& limits);

}  // namespace sim
