#pragma once
// Charts for `adamix report`: one Chart description, drawn as SVG (HTML report) or, through
// gnuplot, as PNG (Markdown report). Both share the axes of reports/chart_axis.h, so ticks
// and ranges agree between the two.
//
//   Chart c{"SST-2 accuracy", "bottleneck", "accuracy"};
//   c.log_x = true;
//   c.series.push_back({"AdaMix", {8, 16, 32}, {0.91, 0.93, 0.94}, {0.01, 0.004, 0.006}});
//   std::string svg = render_svg(c);
//   write_png(c, "out/sst2.png");  // false when gnuplot is not installed
#include <filesystem>
#include <string>
#include <vector>

namespace adamix::reports {

struct Series {
  std::string label;  // legend entry; empty = not in the legend
  std::vector<double> x, y;
  std::vector<double> y_error;  // optional: +/- bars (e.g. sd over seeds); empty = none
};

enum class ChartKind { Lines, Points, Bars };  // Bars: one bar per x category per series (grouped)

struct Chart {
  std::string title, x_label, y_label;
  ChartKind kind = ChartKind::Lines;
  bool log_x = false;  // e.g. bottleneck size 8..48, experts 1..8 (base 2); ignored on categories
  // Category names; x values are 0-based indices into them. Bars always use a category axis
  // (an empty x in a Bars series means y[i] belongs to category i); Lines and Points use one
  // when this is non-empty.
  std::vector<std::string> x_categories;
  std::vector<Series> series;
  bool markers = true;  // Lines: a marker at every point (turn off for long curves)
};

// A complete, self-contained SVG document (no scripts, fonts or links; opens offline and can be
// inlined in HTML): nice 1-2-5 ticks, labels, title, legend, an Okabe-Ito colour per series,
// markers, error bars. NaN points (and x <= 0 on a log axis) are skipped and break a line.
// Same chart -> same bytes. Throws adamix::Error on a malformed chart (mismatched lengths, a
// Bars x that is not a category index) or a size under 160 x 120.
std::string render_svg(const Chart& chart, int width = 640, int height = 400);

// The same chart as a PNG, drawn by `gnuplot` from PATH (pngcairo terminal, else png). Returns
// false and writes nothing when gnuplot is not installed; throws IoError when gnuplot fails or
// `out` cannot be written, adamix::Error on a malformed chart.
bool write_png(const Chart& chart, const std::filesystem::path& out, int width = 640,
               int height = 400);

}  // namespace adamix::reports
