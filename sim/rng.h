// sim/rng.h: the simulator's portable pseudo-random numbers.
//
// std::mt19937_64 is specified bit-for-bit by the C++ standard; std:: distributions are not, so
// the variates are computed here: Uniform01() = top 53 bits / 2^53 in [0, 1), and
// Exponential(rate) = -log(1 - u) / rate. Same seed, same sequence, on every platform.
//
// Example:
//   Rng rng(42);
//   double gap_s = rng.Exponential(5.0);  // mean 0.2 s
//
// Thread-safety: none; one Rng per simulation.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace slo::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  double Uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double Exponential(double rate) { return -std::log1p(-Uniform01()) / rate; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace slo::sim
