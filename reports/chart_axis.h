#pragma once
// Axis ranges and tick marks shared by the SVG and PNG charts.
//
//   Axis y = linear_axis(0.4973, 0.8121);  // ticks 0.45, 0.50, ..., 0.85
//   double f = y.fraction(0.6);             // 0 at y.lo, 1 at y.hi
#include <cstddef>
#include <string>
#include <vector>

namespace adamix::reports {

struct Axis {
  double lo = 0.0, hi = 1.0;  // lo < hi; both > 0 on a log axis
  bool log = false;
  std::vector<double> ticks;        // ascending, within [lo, hi]
  std::vector<std::string> labels;  // one per tick
  // Position of v along the axis: 0 at lo, 1 at hi (log-scaled on a log axis).
  double fraction(double v) const;
};

// Ticks at multiples of a 1-2-5 step, the finest step with at most max_intervals intervals;
// the range widens to the enclosing ticks. lo == hi (a constant series) widens by 10% of the
// value (or by 1 around 0) first; non-finite bounds give [0, 1].
Axis linear_axis(double lo, double hi, int max_intervals = 8);

// Needs 0 < lo <= hi. Up to 8 octaves from 1/8 up: ticks at powers of 2 (8, 16, 32, 64);
// otherwise at 1-2-5 per decade (up to 3 decades: 1e-5 2e-5 5e-5 1e-4 ...) or at decades.
// The range widens to the enclosing ticks.
Axis log_axis(double lo, double hi);

// The range widened by share of its length (log axes: of its log-length) on each side, so
// points on the end ticks do not sit on the axis lines; pad_lo = false keeps lo (bars from 0).
// Ticks stay as they are.
void pad_axis(Axis& axis, double share, bool pad_lo = true);

// n categories at 0..n-1, range [-0.5, n - 0.5]; missing names are labelled by index.
Axis category_axis(const std::vector<std::string>& names, std::size_t n);

// A tick label with as many decimals as step needs: (0.45, 0.05) -> "0.45", (2, 0.5) -> "2.0".
std::string format_tick(double value, double step);

}  // namespace adamix::reports
