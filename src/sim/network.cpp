#include "sim/network.h"

namespace sim {

namespace {

constexpr TimeUs kMaxDelayUs = 60 * kUsPerS;

bool check(bool ok, const char* message, std::string* error) {
  if (!ok) *error = message;
  return ok;
}

}  // namespace

bool LinkConfig::validate(std::string* error) const {
  return check(latency_us >= 0 && latency_us <= kMaxDelayUs, "latency_us must be 0..60 s", error) &&
         check(jitter_us >= 0 && jitter_us <= kMaxDelayUs, "jitter_us must be 0..60 s", error) &&
         check(loss_ppm <= 1'000'000, "loss_ppm must be 0..1000000", error) &&
         check(duplicate_ppm <= 1'000'000, "duplicate_ppm must be 0..1000000", error) &&
         check(reorder_ppm <= 1'000'000, "reorder_ppm must be 0..1000000", error) &&
         check(reorder_delay_us_max >= 0 && reorder_delay_us_max <= kMaxDelayUs,
               "reorder_delay_us_max must be 0..60 s", error);
}

void Network::reset(int node_count, const NetworkConfig& config) {
  n_ = node_count;
  links_.assign(static_cast<size_t>(n_) * static_cast<size_t>(n_), config.link);
  cut_.assign(links_.size(), 0);
}

void Network::partition(uint32_t group) {
  for (NodeId a = 0; a < n_; ++a)
    for (NodeId b = 0; b < n_; ++b)
      if (((group >> a) & 1) != ((group >> b) & 1)) set_cut(a, b, true);
}

void Network::heal() { cut_.assign(cut_.size(), 0); }

Network::Fate Network::route(NodeId from, NodeId to, Rng& rng) const {
  Fate fate;
  if (is_cut(from, to)) {
    fate.dropped = true;
    fate.reason = DropReason::Cut;
    return fate;
  }
  const LinkConfig& l = link(from, to);
  if (rng.chance_ppm(l.loss_ppm)) {
    fate.dropped = true;
    fate.reason = DropReason::Loss;
    return fate;
  }
  fate.copies = rng.chance_ppm(l.duplicate_ppm) ? 2 : 1;
  for (int i = 0; i < fate.copies; ++i) {
    TimeUs delay_us = l.latency_us + rng.below(l.jitter_us + 1);
    if (rng.chance_ppm(l.reorder_ppm)) delay_us += rng.below(l.reorder_delay_us_max + 1);
    fate.delay_us[i] = delay_us;
  }
  return fate;
}

}  // namespace sim
