#include "reports/chart_format.h"

#include <charconv>

namespace adamix::reports {
namespace {

// Room for any double in fixed notation with up to 12 decimals (1e308 has 309 digits).
constexpr int kBuffer = 340;

}  // namespace

std::string format_fixed(double value, int decimals) {
  char text[kBuffer];
  const auto end = std::to_chars(text, text + kBuffer, value, std::chars_format::fixed, decimals);
  return std::string(text, end.ptr);
}

std::string format_general(double value) {
  char text[kBuffer];
  const auto end = std::to_chars(text, text + kBuffer, value, std::chars_format::general, 6);
  return std::string(text, end.ptr);
}

std::string format_exact(double value) {
  char text[kBuffer];
  const auto end = std::to_chars(text, text + kBuffer, value);
  return std::string(text, end.ptr);
}

}  // namespace adamix::reports
