// sim/zipf.h — Zipf-distributed key popularity for workloads with hot keys (lesson 3's skewed
// shard keys, lesson 6's cache stampede), sampled deterministically from the run's Rng: a
// precomputed integer CDF and a binary search, no <random>.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace sim {

/// Key popularity: key k (0-based) has weight 1 / (k+1)^s. Exponents are restricted to halves of
/// whole numbers 0, 0.5, 1, 2 so the weights need only sqrt, multiply and divide, which IEEE 754
/// rounds exactly on every platform: the same seed draws the same keys natively and in wasm.
///
///   ZipfSampler zipf(/*keys=*/100, /*s_halves=*/2);   // s = 1
///   int32_t key = zipf.sample(rng);                    // 0 is the hottest
class ZipfSampler {
 public:
  ZipfSampler(int keys, int s_halves);
  int32_t sample(Rng& rng) const;
  /// Probability of key k in parts per million.
  int64_t ppm(int32_t key) const;
  /// Probability of key k as a fraction (from the same integer weights the sampler draws with).
  double probability(int32_t key) const;
  int keys() const { return static_cast<int>(cdf_.size()); }

 private:
  std::vector<uint64_t> cdf_;  // cumulative integer weights
};

}  // namespace sim
