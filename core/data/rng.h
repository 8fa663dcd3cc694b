#pragma once
// A seeded random source whose draws are the same bytes on every platform: mt19937_64's output
// is fixed by the standard, and the mapping to a range is ours (rejection sampling), since
// std::uniform_int_distribution differs between standard libraries.
//
//   adamix::data::Rng rng(seed);
//   int64_t die = rng.between(1, 6);
#include <cstdint>
#include <limits>
#include <random>
#include <utility>
#include <vector>

namespace adamix::data {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  int64_t below(int64_t n) {  // uniform in [0, n), n > 0
    const uint64_t range = static_cast<uint64_t>(n);
    const uint64_t limit =
        std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % range;
    uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return static_cast<int64_t>(x % range);
  }
  int64_t between(int64_t low, int64_t high) { return low + below(high - low + 1); }  // inclusive
  bool percent(int64_t p) { return below(100) < p; }  // true with probability p / 100
  // In [0, n), small values likelier (P(i) falls off like log(n / i)): Zipf-like word use.
  int64_t skewed(int64_t n) { return below(below(n) + 1); }

  template <typename T>
  void shuffle(std::vector<T>& items) {  // Fisher-Yates
    for (size_t i = items.size(); i > 1; --i)
      std::swap(items[i - 1], items[below(static_cast<int64_t>(i))]);
  }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(static_cast<int64_t>(items.size()))];
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace adamix::data
