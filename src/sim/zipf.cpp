#include "sim/zipf.h"

#include <algorithm>
#include <cmath>

namespace sim {

ZipfSampler::ZipfSampler(int keys, int s_halves) {
  uint64_t total = 0;
  for (int k = 1; k <= keys; ++k) {
    const double x = static_cast<double>(k);
    double power = 1;  // k^(s_halves / 2): products of sqrt(k) and k only, each exactly rounded
    for (int h = 0; h < s_halves / 2; ++h) power *= x;
    if (s_halves % 2 == 1) power *= std::sqrt(x);
    total += static_cast<uint64_t>(std::llround(static_cast<double>(uint64_t{1} << 40) / power));
    cdf_.push_back(total);
  }
}

int32_t ZipfSampler::sample(Rng& rng) const {
  const uint64_t r = static_cast<uint64_t>(rng.below(static_cast<int64_t>(cdf_.back())));
  return static_cast<int32_t>(std::upper_bound(cdf_.begin(), cdf_.end(), r) - cdf_.begin());
}

int64_t ZipfSampler::ppm(int32_t key) const {
  const uint64_t w = cdf_[static_cast<size_t>(key)] - (key == 0 ? 0 : cdf_[static_cast<size_t>(key) - 1]);
  return static_cast<int64_t>(w * 1'000'000 / cdf_.back());
}

double ZipfSampler::probability(int32_t key) const {
  if (key < 0 || key >= keys()) return 0.0;
  const uint64_t w = cdf_[static_cast<size_t>(key)] - (key == 0 ? 0 : cdf_[static_cast<size_t>(key) - 1]);
  return static_cast<double>(w) / static_cast<double>(cdf_.back());
}

}  // namespace sim
