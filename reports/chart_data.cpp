#include "reports/chart_data.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"

namespace adamix::reports {
namespace {

// Without named categories, an index past this is far more likely a bug than a real chart.
constexpr double kMaxUnnamedCategories = 1000;
// Room beyond the end ticks, as a share of the axis, so end points clear the axis lines.
constexpr double kPad = 0.03;

std::string series_name(const Chart& chart, std::size_t s) {
  return "chart '" + chart.title + "' series " + std::to_string(s) + " ('" + chart.series[s].label +
         "')";
}

}  // namespace

bool has_categories(const Chart& chart) {
  return chart.kind == ChartKind::Bars || !chart.x_categories.empty();
}

double point_x(const Chart& chart, const Series& series, std::size_t i) {
  if (chart.kind == ChartKind::Bars && series.x.empty()) return static_cast<double>(i);
  return series.x[i];
}

bool point_drawn(const Chart& chart, const Series& series, std::size_t i) {
  const double x = point_x(chart, series, i);
  if (!std::isfinite(x) || !std::isfinite(series.y[i])) return false;
  return !(chart.log_x && !has_categories(chart) && x <= 0.0);
}

double point_error(const Series& series, std::size_t i) {
  if (series.y_error.empty() || !std::isfinite(series.y_error[i])) return 0.0;
  return std::fabs(series.y_error[i]);
}

void check_chart(const Chart& chart, int width, int height) {
  if (width < 160 || height < 120) {
    throw Error("chart '" + chart.title + "': size " + std::to_string(width) + " x " +
                std::to_string(height) + " is under the minimum 160 x 120");
  }
  const bool categories = has_categories(chart);
  const double limit = chart.x_categories.empty() ? kMaxUnnamedCategories
                                                  : static_cast<double>(chart.x_categories.size());
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const Series& series = chart.series[s];
    const bool implicit_x = chart.kind == ChartKind::Bars && series.x.empty();
    if (!implicit_x && series.x.size() != series.y.size()) {
      throw Error(series_name(chart, s) + ": " + std::to_string(series.x.size()) +
                  " x values but " + std::to_string(series.y.size()) + " y values");
    }
    if (!series.y_error.empty() && series.y_error.size() != series.y.size()) {
      throw Error(series_name(chart, s) + ": " + std::to_string(series.y_error.size()) +
                  " y_error values but " + std::to_string(series.y.size()) + " y values");
    }
    if (!categories) continue;
    for (std::size_t i = 0; i < series.y.size(); ++i) {
      const double x = point_x(chart, series, i);
      if (std::isnan(x)) continue;  // skipped like any NaN point
      if (x < 0 || x >= limit || x != std::floor(x)) {
        throw Error(series_name(chart, s) + ": x = " + std::to_string(x) +
                    " is not a category index below " + std::to_string(static_cast<long>(limit)));
      }
    }
  }
}

std::size_t category_count(const Chart& chart) {
  std::size_t n = chart.x_categories.size();
  for (const Series& series : chart.series) {
    for (std::size_t i = 0; i < series.y.size(); ++i) {
      const double x = point_x(chart, series, i);
      if (std::isfinite(x) && x >= 0) n = std::max(n, static_cast<std::size_t>(x) + 1);
    }
  }
  return n;
}

ChartAxes chart_axes(const Chart& chart) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double x_lo = kInf, x_hi = -kInf, y_lo = kInf, y_hi = -kInf;
  for (const Series& series : chart.series) {
    for (std::size_t i = 0; i < series.y.size(); ++i) {
      if (!point_drawn(chart, series, i)) continue;
      const double x = point_x(chart, series, i), y = series.y[i], e = point_error(series, i);
      x_lo = std::min(x_lo, x), x_hi = std::max(x_hi, x);
      y_lo = std::min(y_lo, y - e), y_hi = std::max(y_hi, y + e);
    }
  }
  const bool any = x_lo <= x_hi;
  if (chart.kind == ChartKind::Bars) {  // bars grow from 0, so 0 must be on the axis
    y_lo = std::min(any ? y_lo : 0.0, 0.0);
    y_hi = std::max(any ? y_hi : 1.0, 0.0);
  } else if (!any) {
    y_lo = 0.0, y_hi = 1.0;
  }

  ChartAxes axes;
  if (has_categories(chart)) {
    axes.x = category_axis(chart.x_categories, category_count(chart));
  } else if (chart.log_x) {
    axes.x = any ? log_axis(x_lo, x_hi) : log_axis(1.0, 10.0);
  } else {
    axes.x = any ? linear_axis(x_lo, x_hi) : linear_axis(0.0, 1.0);
  }
  axes.y = linear_axis(y_lo, y_hi);
  if (!has_categories(chart)) pad_axis(axes.x, kPad);
  // Bars standing on a 0 that is the axis' end stand on the axis line.
  pad_axis(axes.y, kPad, !(chart.kind == ChartKind::Bars && axes.y.lo == 0.0));
  return axes;
}

double bar_width(const Chart& chart) {
  return 0.8 / static_cast<double>(std::max<std::size_t>(chart.series.size(), 1));
}

double bar_offset(const Chart& chart, std::size_t s) {
  return -0.4 + bar_width(chart) * (static_cast<double>(s) + 0.5);
}

const char* series_colour(std::size_t s) {
  // Okabe & Ito (2008), reordered so the first series get the strongest contrasts on white;
  // yellow comes last because it is faint on white.
  static constexpr std::array<const char*, 8> kPalette = {
      "#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
  return kPalette[s % kPalette.size()];
}

int series_marker(std::size_t s) { return static_cast<int>((s + s / 8) % 4); }

int series_dash(std::size_t s) { return static_cast<int>((s / 8) % 3); }

}  // namespace adamix::reports
