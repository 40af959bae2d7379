// sim/network.h — the simulated network as a documented data structure (STYLE.md #3,
// tigerbeetle src/testing/packet_simulator.zig): per directed link latency, jitter, loss,
// duplication and reordering, plus cuts that can be one-way.
//
// Usage:
//   sim::NetworkConfig config;                 // defaults: 5 ms ± 2 ms, no loss
//   config.link.loss_ppm = 10'000;             // 1 % loss on every link
//   std::string error;  if (!config.validate(&error)) ...
//   sim::Network net;  net.reset(/*node_count=*/5, config);
//   net.set_cut(0, 1, true);                   // 0 -> 1 cut, 1 -> 0 still works
//   net.partition(0b00011);                    // {0,1} | {2,3,4}, both directions
//   sim::Network::Fate fate = net.route(0, 2, rng);
//
// Messages are datagrams, not a TCP stream: jitter alone reorders them, so protocols must cope
// with loss, duplicates and reordering (lesson 2's replication does, with log positions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/rng.h"
#include "sim/trace.h"
#include "sim/types.h"

namespace sim {

/// One direction of one link. Defaults model a single data-centre LAN.
struct LinkConfig {
  /// Fixed part of every message's one-way delay.
  TimeUs latency_us = 5 * kUsPerMs;
  /// Extra one-way delay drawn uniformly from [0, jitter_us] per message.
  TimeUs jitter_us = 2 * kUsPerMs;
  /// Probability, in parts per million, that a message is lost.
  uint32_t loss_ppm = 0;
  /// Probability (ppm) that a message arrives twice; the copy draws its own delay.
  uint32_t duplicate_ppm = 0;
  /// Probability (ppm) that a message is held back by an extra delay drawn from
  /// [0, reorder_delay_us_max], so that later messages overtake it.
  uint32_t reorder_ppm = 0;
  /// Upper bound of the extra delay of a reordered message.
  TimeUs reorder_delay_us_max = 20 * kUsPerMs;

  /// False (with a sentence in *error) when a field is out of range.
  bool validate(std::string* error) const;
};

struct NetworkConfig {
  /// Initial configuration of every directed link (commands may change latency per link later).
  LinkConfig link;

  bool validate(std::string* error) const { return link.validate(error); }
};

class Network {
 public:
  /// What happens to one message: dropped (and why), or delivered as 1 or 2 copies.
  struct Fate {
    bool dropped = false;
    DropReason reason = DropReason::Loss;
    int copies = 0;
    TimeUs delay_us[2] = {0, 0};
  };

  void reset(int node_count, const NetworkConfig& config);
  int node_count() const { return n_; }

  bool is_cut(NodeId from, NodeId to) const { return cut_[index(from, to)] != 0; }
  void set_cut(NodeId from, NodeId to, bool cut) { cut_[index(from, to)] = cut ? 1 : 0; }
  /// Cuts both directions between the nodes in `group` (bit i = node i) and all others.
  void partition(uint32_t group);
  /// Restores every link.
  void heal();

  LinkConfig& link(NodeId from, NodeId to) { return links_[index(from, to)]; }
  const LinkConfig& link(NodeId from, NodeId to) const { return links_[index(from, to)]; }

  /// Draws the fate of one message from `from` to `to`. Draw order is fixed (loss, duplicate,
  /// then per copy: jitter, reorder) so that a seed always means the same thing.
  Fate route(NodeId from, NodeId to, Rng& rng) const;

 private:
  size_t index(NodeId from, NodeId to) const {
    return static_cast<size_t>(from) * static_cast<size_t>(n_) + static_cast<size_t>(to);
  }
  int n_ = 0;
  std::vector<LinkConfig> links_;
  std::vector<uint8_t> cut_;
};

}  // namespace sim
