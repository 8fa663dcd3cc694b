#pragma once
// Small string helpers shared by core, storage and worker (header-only, no LibTorch).
//
//   shape_text({2, 3}) == "[2, 3]";  grouped(1234567) == "1,234,567"
#include <cstdint>
#include <string>
#include <vector>

namespace adamix::util {

inline bool starts_with(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "[2, 3]"; "[]" for a scalar.
inline std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// 1234567 -> "1,234,567"
inline std::string grouped(int64_t n) {
  // Appends instead of inserting: GCC 12 under C++20 (LibTorch 2.x) misreads string::insert here
  // as an out-of-bounds copy (-Warray-bounds).
  const auto digits = std::to_string(n);
  const size_t sign = n < 0 ? 1 : 0;
  std::string text = digits.substr(0, sign);
  for (size_t i = sign; i < digits.size(); ++i) {
    if (i > sign && (digits.size() - i) % 3 == 0) text += ',';
    text += digits[i];
  }
  return text;
}

}  // namespace adamix::util
