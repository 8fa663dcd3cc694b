#include "sweeps/sampling.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace adamix::sweeps {

double unit_draw(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

double uniform_draw(std::mt19937_64& rng, double lo, double hi) {
  return std::min(lo + (hi - lo) * unit_draw(rng), hi);
}

double log_uniform_draw(std::mt19937_64& rng, double lo, double hi) {
  const double value = std::exp(uniform_draw(rng, std::log(lo), std::log(hi)));
  return std::clamp(value, lo, hi);
}

int64_t int_uniform_draw(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  const double span = static_cast<double>(hi - lo) + 1.0;
  const auto offset = static_cast<int64_t>(std::floor(unit_draw(rng) * span));
  return std::min(lo + offset, hi);
}

size_t choice_draw(std::mt19937_64& rng, size_t count) {
  const auto index = static_cast<size_t>(unit_draw(rng) * static_cast<double>(count));
  return std::min(index, count - 1);
}

std::string sampled_number_text(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  std::string text = buffer;
  if (text.find_first_of(".en") == std::string::npos) text += ".0";  // stays a float in YAML
  return text;
}

}  // namespace adamix::sweeps
