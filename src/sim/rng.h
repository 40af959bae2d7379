// sim/rng.h — the simulator's only source of randomness.
//
// Usage:
//   sim::Rng net(sim::derive_seed(run_seed, sim::SeedStream::Network, 0));
//   sim::TimeUs jitter_us = net.below(1000);     // uniform in [0, 1000)
//   if (net.chance_ppm(5000)) { /* 0.5 % */ }
//
// Why our own generator: <random> distributions are implementation-defined, so the same seed
// would give different traces under libstdc++ (native) and libc++ (Emscripten). Everything here
// is 64-bit integer math, identical on x86-64 and wasm32 (STYLE.md #2, tigerbeetle vopr.zig).
#pragma once

#include <cstdint>

namespace sim {

/// SplitMix64 step (Steele, Lea & Flood 2014): used to expand one seed into many.
inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Independent random streams derived from one run seed, so that e.g. the workload's draws
/// do not shift when the network draws one more number.
enum class SeedStream : uint64_t { Network = 1, Node = 2, Faults = 3 };

/// Seed for stream `stream`, instance `index` (e.g. the node id) of a run seeded with `root`.
inline uint64_t derive_seed(uint64_t root, SeedStream stream, uint64_t index) {
  uint64_t s = root ^ (static_cast<uint64_t>(stream) << 56) ^ (index * 0xD1B54A32D192ED03ull);
  splitmix64(s);
  return splitmix64(s);
}

/// xoshiro256** 1.0 (Blackman & Vigna 2018).
class Rng {
 public:
  explicit Rng(uint64_t seed = 1) {
    for (uint64_t& word : s_) word = splitmix64(seed);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, n); 0 when n <= 0. Rejection sampling removes the modulo bias.
  int64_t below(int64_t n) {
    if (n <= 0) return 0;
    const uint64_t un = static_cast<uint64_t>(n);
    const uint64_t threshold = (0 - un) % un;  // 2^64 mod n
    uint64_t r = next();
    while (r < threshold) r = next();
    return static_cast<int64_t>(r % un);
  }

  /// Uniform in [lo, hi] (inclusive); lo when hi < lo.
  int64_t between(int64_t lo, int64_t hi) { return hi < lo ? lo : lo + below(hi - lo + 1); }

  /// True with probability ppm / 1'000'000 (parts per million keeps decisions in integers).
  bool chance_ppm(uint32_t ppm) { return ppm > 0 && below(1'000'000) < static_cast<int64_t>(ppm); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace sim
