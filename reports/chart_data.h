#pragma once
// What the SVG and PNG writers agree on: chart validation, which points are drawn, the axes,
// bar placement and the per-series style.
//
//   check_chart(chart, width, height);
//   const ChartAxes axes = chart_axes(chart);
//   if (point_drawn(chart, s, i)) draw(point_x(chart, s, i), s.y[i]);
#include <cstddef>

#include "reports/chart.h"
#include "reports/chart_axis.h"

namespace adamix::reports {

struct ChartAxes {
  Axis x, y;
};

// Throws adamix::Error naming the series and the problem, or the size when under 160 x 120.
void check_chart(const Chart& chart, int width, int height);

// Bars, or Lines/Points with x_categories: x is a category index.
bool has_categories(const Chart& chart);
std::size_t category_count(const Chart& chart);  // at least x_categories.size()

// x of point i; a Bars series with an empty x takes its index.
double point_x(const Chart& chart, const Series& series, std::size_t i);
// x and y finite, and x > 0 on a log axis; other points are skipped (a line breaks there).
bool point_drawn(const Chart& chart, const Series& series, std::size_t i);
// The +/- half-length of point i's error bar, or 0 when it has none.
double point_error(const Series& series, std::size_t i);

// Axes covering every drawn point and error bar, with a little room beyond the end ticks;
// Bars' y axis also covers 0.
ChartAxes chart_axes(const Chart& chart);

// Bars: where series s's bar sits, as an offset from its category's centre, and how wide it
// is, both in category units (a category is 1 wide; its bars fill the middle 80%).
double bar_offset(const Chart& chart, std::size_t s);
double bar_width(const Chart& chart);

// Series style, fixed by position: the Okabe-Ito colour-blind safe palette ("#0072B2"),
// a marker shape (0 circle, 1 square, 2 diamond, 3 triangle) and, past 8 series, a dash
// pattern (0 solid, 1 dashed, 2 dotted) so series i and i + 8 still differ.
const char* series_colour(std::size_t s);
int series_marker(std::size_t s);
int series_dash(std::size_t s);

}  // namespace adamix::reports
