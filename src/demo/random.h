// A small, fast, deterministic random source for the demo generator (xoshiro256**).
// The standard <random> distributions are not specified bit for bit across library versions;
// these are, so the same seed gives the same history everywhere this code is built.
#pragma once

#include <cmath>
#include <cstdint>

namespace voronka::demo {

class Random {
 public:
  // Seeds the four words of state from `seed` through splitmix64, as the xoshiro authors advise.
  explicit Random(uint64_t seed) {
    for (uint64_t& word : state_) word = SplitMix64(seed);
  }

  // 64 uniformly distributed bits.
  uint64_t Next() {
    const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound); bound > 0. Lemire's multiply-shift: no division on the hot path,
  // and the tiny bias it leaves (< bound / 2^64) does not matter for demo data.
  uint64_t Below(uint64_t bound) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
  }
  int32_t Below(int32_t bound) { return static_cast<int32_t>(Below(static_cast<uint64_t>(bound))); }

  // Uniform integer in [low, high].
  int64_t Between(int64_t low, int64_t high) {
    return low + static_cast<int64_t>(Below(static_cast<uint64_t>(high - low + 1)));
  }

  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // True with probability p.
  bool Chance(double p) { return Unit() < p; }

  // Exponentially distributed with the given mean.
  double Exponential(double mean) { return -mean * std::log1p(-Unit()); }

  // Standard normal (Box-Muller, one value per call: simple and fast enough here).
  double Normal() {
    double u = Unit();
    double v = Unit();
    return std::sqrt(-2.0 * std::log1p(-u)) * std::cos(6.283185307179586 * v);
  }

  // Log-normal with the given median and shape: most values near the median, a long right tail,
  // which is what deal amounts and stage durations look like in real CRMs.
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }

  // An index drawn in proportion to `weights[0..count)`; the weights need not sum to 1.
  template <typename Weights>
  int32_t Pick(const Weights& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Unit() * total;
    int32_t index = 0;
    for (double w : weights) {
      if (x < w) return index;
      x -= w;
      ++index;
    }
    return index - 1;
  }

 private:
  static uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

}  // namespace voronka::demo
