#include "reports/chart_axis.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "reports/chart_format.h"

namespace adamix::reports {
namespace {

// Slack for floating-point division landing just past an integer (0.55 / 0.05 = 11.000...02).
constexpr double kSlack = 1e-9;

// m * 10^e, correctly rounded for the small m and e used here (0.05 is 5 / 100, not 5 * 0.01).
double scaled(double m, int e) { return e >= 0 ? m * std::pow(10.0, e) : m / std::pow(10.0, -e); }

}  // namespace

double Axis::fraction(double v) const {
  if (log) return (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo));
  return (v - lo) / (hi - lo);
}

std::string format_tick(double value, double step) {
  if (std::fabs(value) < std::fabs(step) * 1e-6) value = 0.0;  // no "-0.00"
  if (std::fabs(value) >= 1e6) return format_general(value);
  int decimals = static_cast<int>(std::ceil(-std::log10(std::fabs(step)) - kSlack));
  return format_fixed(value, std::clamp(decimals, 0, 12));
}

Axis linear_axis(double lo, double hi, int max_intervals) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0.0, hi = 1.0;
  if (lo > hi) std::swap(lo, hi);
  const double magnitude = std::max(std::fabs(lo), std::fabs(hi));
  if (hi - lo <= 1e-9 * magnitude) {  // constant data: still show a readable band around it
    const double pad = magnitude == 0.0 ? 1.0 : 0.1 * magnitude;
    lo -= pad;
    hi += pad;
  }
  max_intervals = std::max(max_intervals, 1);

  // The finest 1-2-5 step that needs at most max_intervals intervals to cover [lo, hi].
  int e = static_cast<int>(std::floor(std::log10((hi - lo) / max_intervals))) - 1;
  for (;; ++e) {
    for (const double m : {1.0, 2.0, 5.0}) {
      const double step = scaled(m, e);
      const double first = std::floor(lo / step + kSlack);
      const double last = std::ceil(hi / step - kSlack);
      if (last - first > max_intervals) continue;
      Axis axis;
      for (double i = first; i <= last; ++i) {
        axis.ticks.push_back(scaled(i * m, e));
        axis.labels.push_back(format_tick(axis.ticks.back(), step));
      }
      axis.lo = axis.ticks.front();
      axis.hi = axis.ticks.back();
      return axis;
    }
  }
}

Axis log_axis(double lo, double hi) {
  if (!(lo > 0.0) || !std::isfinite(lo) || !std::isfinite(hi)) lo = 1.0, hi = 10.0;
  if (lo > hi) std::swap(lo, hi);
  if (hi / lo < 1.0 + kSlack) lo /= 2.0, hi *= 2.0;  // a single x value

  Axis axis;
  axis.log = true;
  const int o0 = static_cast<int>(std::floor(std::log2(lo) + kSlack));
  const int o1 = static_cast<int>(std::ceil(std::log2(hi) - kSlack));
  // Sizes and counts (8..48, 1..8 experts) read best in octaves; small values such as
  // learning rates (below 1/8) in decades.
  if (o0 >= -3 && o1 - o0 <= 8) {
    for (int k = o0; k <= o1; ++k) axis.ticks.push_back(std::ldexp(1.0, k));
  } else {
    const int d0 = static_cast<int>(std::floor(std::log10(lo) + kSlack));
    const int d1 = static_cast<int>(std::ceil(std::log10(hi) - kSlack));
    if (d1 - d0 <= 3) {  // 1-2-5 ticks, trimmed to the two that enclose the data
      std::vector<double> ticks;
      for (int d = d0; d < d1; ++d) {
        for (const double m : {1.0, 2.0, 5.0}) ticks.push_back(scaled(m, d));
      }
      ticks.push_back(scaled(1.0, d1));
      for (std::size_t i = 0; i < ticks.size(); ++i) {
        const bool below = i + 1 < ticks.size() && ticks[i + 1] <= lo * (1 + kSlack);
        const bool above = i > 0 && ticks[i - 1] >= hi * (1 - kSlack);
        if (!below && !above) axis.ticks.push_back(ticks[i]);
      }
    } else {
      const int every = (d1 - d0 + 9) / 10;  // at most about 10 decade labels
      for (int d = d0; d < d1 + every; d += every) axis.ticks.push_back(scaled(1.0, d));
    }
  }
  for (const double t : axis.ticks) axis.labels.push_back(format_general(t));
  axis.lo = axis.ticks.front();
  axis.hi = axis.ticks.back();
  return axis;
}

void pad_axis(Axis& axis, double share, bool pad_lo) {
  if (axis.log) {
    const double factor = std::pow(axis.hi / axis.lo, share);
    if (pad_lo) axis.lo /= factor;
    axis.hi *= factor;
  } else {
    const double pad = (axis.hi - axis.lo) * share;
    if (pad_lo) axis.lo -= pad;
    axis.hi += pad;
  }
}

Axis category_axis(const std::vector<std::string>& names, std::size_t n) {
  Axis axis;
  axis.lo = -0.5;
  axis.hi = static_cast<double>(std::max<std::size_t>(n, 1)) - 0.5;
  for (std::size_t i = 0; i < n; ++i) {
    axis.ticks.push_back(static_cast<double>(i));
    axis.labels.push_back(i < names.size() ? names[i] : std::to_string(i));
  }
  return axis;
}

}  // namespace adamix::reports
