#pragma once
// Pieces of the SVG writer (chart_svg.cpp lays out the page, chart_svg_marks.cpp draws the
// data). Internal to reports/.
//
//   const Frame frame{60, 30, 500, 320};
//   out += "<circle cx=\"" + svg_number(frame.x(axes.x, 8)) + "\" .../>";
#include <cstddef>
#include <string>

#include "reports/chart.h"
#include "reports/chart_axis.h"
#include "reports/chart_data.h"

namespace adamix::reports {

// The plot area in SVG pixels; y grows downwards.
struct Frame {
  double left = 0, top = 0, width = 0, height = 0;
  double x(const Axis& axis, double v) const { return left + axis.fraction(v) * width; }
  double y(const Axis& axis, double v) const { return top + (1.0 - axis.fraction(v)) * height; }
  double bottom() const { return top + height; }
  double right() const { return left + width; }
};

// Coordinates with 2 decimals, trailing zeros dropped ("12.5", "3").
std::string svg_number(double v);
// Text and attribute values: & < > " ' escaped, control characters (not valid XML 1.0)
// replaced by spaces.
std::string svg_escape(const std::string& text);
// stroke-dasharray attribute (with a leading space) for series_dash(s), or "" when solid.
std::string svg_dash(std::size_t s);

// A marker of shape series_marker(s) centred at (cx, cy), filled by the enclosing group.
void draw_marker(std::string& out, std::size_t s, double cx, double cy);
// One series: its line, markers or bars, and error bars.
void draw_series(std::string& out, const Chart& chart, const ChartAxes& axes, const Frame& frame,
                 std::size_t s);

}  // namespace adamix::reports
