#include "sim/fixture.h"

#include <algorithm>

#include "sim/rng.h"

namespace sim {

NodeId Fixture::node(std::string_view name) const {
  const std::vector<std::string>& names = lab_.engine().names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<NodeId>(i);
  return kNoNode;
}

bool Fixture::issue(Verb verb, NodeId a, int32_t b, int64_t value) {
  error_.clear();
  return lab_.issue(Command{0, verb, a, b, value}, &error_);
}

bool Fixture::act(std::string_view action, NodeId n, int64_t value) {
  const std::vector<ActionSpec>& actions = lab_.actions();
  for (size_t i = 0; i < actions.size(); ++i)
    if (action == actions[i].name) return issue(Verb::Act, n, static_cast<int32_t>(i), value);
  error_ = "no action '" + std::string(action) + "' in this lab";
  return false;
}

bool Fixture::partition(std::initializer_list<NodeId> group) {
  int64_t mask = 0;
  for (NodeId n : group) mask |= int64_t{1} << n;
  return issue(Verb::Partition, kNoNode, -1, mask);
}

bool Fixture::step_until(const std::function<bool()>& done, TimeUs deadline_us) {
  while (!done()) {
    if (lab_.engine().next_event_us() > deadline_us) {
      lab_.advance_to(deadline_us);
      return done();
    }
    lab_.step();
  }
  return true;
}

NodeId Fixture::step_until_primary(TimeUs deadline_us, NodeId other_than) {
  const auto found = [&] {
    const NodeId p = primary();
    return p != kNoNode && p != other_than;
  };
  return step_until(found, deadline_us) ? primary() : kNoNode;
}

std::vector<Command> random_faults(const Lab& lab, uint64_t seed, TimeUs start_us, TimeUs end_us) {
  Rng rng(derive_seed(seed, SeedStream::Faults, 0));
  std::vector<NodeId> db, all;
  NodeId monitor = kNoNode;
  for (const NodeView& v : lab.nodes()) {
    all.push_back(v.id);
    if (std::string(v.kind) == "db") db.push_back(v.id);
    if (std::string(v.kind) == "monitor") monitor = v.id;
  }
  if (db.empty()) db = all;  // a lab without database nodes: any node may fail
  const auto pick = [&rng](const std::vector<NodeId>& from) { return from[static_cast<size_t>(rng.below(static_cast<int64_t>(from.size())))]; };
  // Labs without a coordinator (Raft) aim its faults at the next database node instead, or, with
  // a single database node (pooling, caching, backups), at the next node of any kind.
  const auto monitor_or_next = [&](NodeId n) {
    if (monitor != kNoNode) return monitor;
    const std::vector<NodeId>& ring = db.size() >= 2 ? db : all;
    const size_t i = static_cast<size_t>(std::find(ring.begin(), ring.end(), n) - ring.begin());
    return ring[(i + 1) % ring.size()];
  };
  std::vector<Command> out;
  TimeUs t = start_us + rng.between(kUsPerS / 2, 2 * kUsPerS);
  while (t < end_us) {
    const TimeUs repair_us = t + rng.between(300 * kUsPerMs, 3 * kUsPerS);
    const NodeId n = pick(db);
    switch (rng.below(5)) {
      case 0:
        out.push_back({t, Verb::Crash, n});
        out.push_back({repair_us, Verb::Restart, n});
        break;
      case 1:
        out.push_back({t, Verb::Pause, n});
        out.push_back({repair_us, Verb::Resume, n});
        break;
      case 2: {  // a random side with some but not all nodes
        const int64_t all_mask = (int64_t{1} << all.size()) - 1;
        const int64_t mask = 1 + rng.below(all_mask - 1);
        out.push_back({t, Verb::Partition, kNoNode, -1, mask});
        out.push_back({repair_us, Verb::Heal});
        break;
      }
      case 3: {  // one-way: the node still hears, but nobody hears it (or the reverse)
        const bool outgoing = rng.below(2) == 0;
        const NodeId other = monitor_or_next(n);
        out.push_back({t, Verb::Cut, outgoing ? n : other, outgoing ? other : n});
        out.push_back({repair_us, Verb::Uncut, outgoing ? n : other, outgoing ? other : n});
        break;
      }
      default:
        out.push_back({t, Verb::Crash, monitor_or_next(n)});
        out.push_back({repair_us, Verb::Restart, monitor_or_next(n)});
        break;
    }
    t = repair_us + rng.between(kUsPerS / 2, 2 * kUsPerS);
  }
  return out;
}

}  // namespace sim
