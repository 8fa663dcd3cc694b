#pragma once
// Random-search draws that give the same values on every platform: the std::mt19937_64 stream
// is fixed by the standard, but std::uniform_*_distribution is not, so the mapping is ours.
//
//   std::mt19937_64 rng(seed);
//   double lr = log_uniform_draw(rng, 1e-4, 1e-3);  // then sampled_number_text(lr) for YAML
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace adamix::sweeps {

double unit_draw(std::mt19937_64& rng);                               // top 53 bits / 2^53: [0, 1)
double uniform_draw(std::mt19937_64& rng, double lo, double hi);      // [lo, hi)
double log_uniform_draw(std::mt19937_64& rng, double lo, double hi);  // lo, hi > 0
int64_t int_uniform_draw(std::mt19937_64& rng, int64_t lo, int64_t hi);  // [lo, hi]
size_t choice_draw(std::mt19937_64& rng, size_t count);                  // [0, count)

// 6 significant digits, always readable back as a float in YAML ("0.000316228", "2.0"):
// equal draws give equal text even where libm's exp/log differ in the last bit.
std::string sampled_number_text(double value);

}  // namespace adamix::sweeps
