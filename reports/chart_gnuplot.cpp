#include "reports/chart_gnuplot.h"

#include <vector>

#include "reports/chart_data.h"
#include "reports/chart_format.h"

namespace adamix::reports {
namespace {

// gnuplot's filled point types in series_marker order: circle, square, diamond, triangle.
constexpr int kPointTypes[] = {7, 5, 13, 9};

std::string tics(const Axis& axis) {
  std::string list;
  for (std::size_t i = 0; i < axis.ticks.size(); ++i) {
    if (i > 0) list += ", ";
    list += gnuplot_quote(axis.labels[i]) + " " + format_exact(axis.ticks[i]);
  }
  return "(" + list + ")";
}

std::string range(const Axis& axis) {
  return "[" + format_exact(axis.lo) + ":" + format_exact(axis.hi) + "]";
}

bool has_error_bars(const Chart& chart, const Series& series) {
  for (std::size_t i = 0; i < series.y.size(); ++i) {
    if (point_error(series, i) > 0.0 && point_drawn(chart, series, i)) return true;
  }
  return false;
}

bool has_points(const Chart& chart, const Series& series) {
  for (std::size_t i = 0; i < series.y.size(); ++i) {
    if (point_drawn(chart, series, i)) return true;
  }
  return false;
}

// The plot clauses of series s, comma-joined.
std::string plot_clauses(const Chart& chart, std::size_t s, const std::filesystem::path& dir) {
  const Series& series = chart.series[s];
  const std::string colour = std::string(" lc rgb '") + series_colour(s) + "'";
  const std::string title =
      series.label.empty() ? " notitle" : " title " + gnuplot_quote(series.label);
  const std::string points = " pt " + std::to_string(kPointTypes[series_marker(s)]) +
                             (chart.kind == ChartKind::Points || chart.markers ? " ps 1" : " ps 0");
  const std::string line = " lw 2 dt " + std::to_string(series_dash(s) + 1);
  const bool errors = has_error_bars(chart, series);

  // A series with nothing to draw still gets its legend entry, from an undefined function.
  const std::string source =
      has_points(chart, series) ? gnuplot_quote(gnuplot_data_file(dir, s).string()) : "NaN";
  const std::string columns = source == "NaN" ? "" : errors ? " using 1:2:3" : " using 1:2";
  switch (chart.kind) {
    case ChartKind::Bars: {
      std::string clause =
          source + (source == "NaN" ? "" : " using 1:2") + " with boxes" + colour + title;
      if (errors) {  // dark, as the series colour would vanish into the bar
        clause += ", " + source + " using 1:2:3 with yerrorbars lc rgb '#333333' lw 1.2 pt 7" +
                  " ps 0 notitle";
      }
      return clause;
    }
    case ChartKind::Points: {
      const char* style = errors ? " with yerrorbars" : " with points";
      return source + columns + (source == "NaN" ? " with points" : style) + colour + points +
             " lw 1.2" + title;
    }
    case ChartKind::Lines:
    default: {
      const char* style = errors ? " with yerrorlines" : " with linespoints";
      return source + columns + (source == "NaN" ? " with linespoints" : style) + colour + points +
             line + title;
    }
  }
}

}  // namespace

std::filesystem::path gnuplot_data_file(const std::filesystem::path& dir, std::size_t s) {
  return dir / ("series_" + std::to_string(s) + ".dat");
}

std::string gnuplot_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "''";
    } else {
      out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
  }
  return out + "'";
}

std::string gnuplot_data(const Chart& chart, std::size_t s) {
  const Series& series = chart.series[s];
  const bool errors = has_error_bars(chart, series);
  const double shift = chart.kind == ChartKind::Bars ? bar_offset(chart, s) : 0.0;
  std::string out;
  bool broken = false;
  for (std::size_t i = 0; i < series.y.size(); ++i) {
    if (!point_drawn(chart, series, i)) {
      broken = !out.empty();
      continue;
    }
    if (broken) out += "\n";  // a blank row ends a line segment in gnuplot
    broken = false;
    out += format_exact(point_x(chart, series, i) + shift) + " " + format_exact(series.y[i]);
    if (errors) out += " " + format_exact(point_error(series, i));
    out += "\n";
  }
  return out;
}

std::string gnuplot_script(const Chart& chart, int width, int height,
                           const std::filesystem::path& png, const std::filesystem::path& dir) {
  const ChartAxes axes = chart_axes(chart);
  const std::string size = std::to_string(width) + "," + std::to_string(height);
  // noenhanced: labels are plain text, so _ ^ { } @ & in method names stay as typed.
  std::string out =
      "set encoding utf8\n"
      "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
      "  set terminal pngcairo size " +
      size +
      " noenhanced font 'sans,10'\n"
      "} else {\n"
      "  set terminal png size " +
      size +
      " noenhanced\n"
      "}\n";
  out += "set output " + gnuplot_quote(png.string()) + "\n";
  if (!chart.title.empty()) out += "set title " + gnuplot_quote(chart.title) + "\n";
  if (!chart.x_label.empty()) out += "set xlabel " + gnuplot_quote(chart.x_label) + "\n";
  if (!chart.y_label.empty()) out += "set ylabel " + gnuplot_quote(chart.y_label) + "\n";
  out += "set border 3 lc rgb '#333333'\nset tics nomirror out\n";
  // Error bars run through their point, as in the SVG: gnuplot 5.4 otherwise clears a white
  // disc around it (and 5.4.4 ignores `unset pointintervalbox`).
  out += "set pointintervalbox 1e-6\n";
  out += has_categories(chart) ? "set grid ytics back lc rgb '#e6e6e6' lw 1 dt 1\n"
                               : "set grid xtics ytics back lc rgb '#e6e6e6' lw 1 dt 1\n";
  if (axes.x.log) out += "set logscale x 2\n";
  out += "set xrange " + range(axes.x) + "\nset yrange " + range(axes.y) + "\n";
  out += axes.x.ticks.empty() ? "unset xtics\n" : "set xtics " + tics(axes.x) + "\n";
  out += "set ytics " + tics(axes.y) + "\n";
  if (axes.y.lo < 0.0 && axes.y.hi > 0.0) out += "set xzeroaxis lt 1 lc rgb '#333333'\n";
  if (chart.kind == ChartKind::Bars) {
    out += "set boxwidth " + format_exact(bar_width(chart)) + " absolute\n";
    out += "set style fill solid 1.0 noborder\n";
  }
  bool any_label = false;
  for (const Series& series : chart.series) any_label = any_label || !series.label.empty();
  out += any_label ? "set key outside right top vertical Left reverse noenhanced\n" : "unset key\n";

  std::vector<std::string> clauses;
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    clauses.push_back(plot_clauses(chart, s, dir));
  }
  if (clauses.empty()) clauses.push_back("NaN notitle");  // an empty chart: axes only
  out += "plot ";
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    out += (i > 0 ? ", \\\n     " : "") + clauses[i];
  }
  return out + "\n";
}

}  // namespace adamix::reports
