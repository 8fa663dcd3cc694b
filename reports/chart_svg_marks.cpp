#include <algorithm>
#include <cmath>

#include "reports/chart_format.h"
#include "reports/chart_svg_parts.h"

namespace adamix::reports {
namespace {

constexpr double kMarkerRadius = 3.5;  // px; squares and polygons are sized to look as large
constexpr double kErrorCap = 3.0;      // px either side of an error bar's ends

void draw_error_bars(std::string& out, const Chart& chart, const ChartAxes& axes,
                     const Frame& frame, std::size_t s) {
  const Series& series = chart.series[s];
  std::string lines;
  for (std::size_t i = 0; i < series.y.size(); ++i) {
    const double e = point_error(series, i);
    if (e <= 0.0 || !point_drawn(chart, series, i)) continue;
    double x = point_x(chart, series, i);
    if (chart.kind == ChartKind::Bars) x += bar_offset(chart, s);
    const std::string px = svg_number(frame.x(axes.x, x));
    const std::string left = svg_number(frame.x(axes.x, x) - kErrorCap);
    const std::string right = svg_number(frame.x(axes.x, x) + kErrorCap);
    const std::string low = svg_number(frame.y(axes.y, series.y[i] - e));
    const std::string high = svg_number(frame.y(axes.y, series.y[i] + e));
    lines += "<line x1=\"" + px + "\" y1=\"" + low + "\" x2=\"" + px + "\" y2=\"" + high + "\"/>\n";
    lines +=
        "<line x1=\"" + left + "\" y1=\"" + low + "\" x2=\"" + right + "\" y2=\"" + low + "\"/>\n";
    lines += "<line x1=\"" + left + "\" y1=\"" + high + "\" x2=\"" + right + "\" y2=\"" + high +
             "\"/>\n";
  }
  if (lines.empty()) return;
  // On a bar the series colour would vanish into the bar itself.
  const std::string stroke = chart.kind == ChartKind::Bars ? " stroke=\"#333333\"" : "";
  out += "<g class=\"error-bars\"" + stroke + " stroke-width=\"1.2\">\n" + lines + "</g>\n";
}

void draw_bars(std::string& out, const Chart& chart, const ChartAxes& axes, const Frame& frame,
               std::size_t s) {
  const Series& series = chart.series[s];
  const double width = bar_width(chart) * frame.width / (axes.x.hi - axes.x.lo);
  const double zero = frame.y(axes.y, 0.0);
  for (std::size_t i = 0; i < series.y.size(); ++i) {
    if (!point_drawn(chart, series, i)) continue;
    const double centre = frame.x(axes.x, point_x(chart, series, i) + bar_offset(chart, s));
    const double value = frame.y(axes.y, series.y[i]);
    out += "<rect class=\"bar\" x=\"" + svg_number(centre - width / 2) + "\" y=\"" +
           svg_number(std::min(value, zero)) + "\" width=\"" + svg_number(width) + "\" height=\"" +
           svg_number(std::fabs(value - zero)) + "\" stroke=\"none\"/>\n";
  }
}

void draw_line(std::string& out, const Chart& chart, const ChartAxes& axes, const Frame& frame,
               std::size_t s) {
  const Series& series = chart.series[s];
  std::string d;
  bool pen_down = false;
  for (std::size_t i = 0; i < series.y.size(); ++i) {
    if (!point_drawn(chart, series, i)) {
      pen_down = false;  // a skipped point breaks the line: the next one starts a subpath
      continue;
    }
    if (!d.empty()) d += ' ';
    d += pen_down ? "L" : "M";
    d += svg_number(frame.x(axes.x, point_x(chart, series, i))) + " " +
         svg_number(frame.y(axes.y, series.y[i]));
    pen_down = true;
  }
  if (d.empty()) return;
  out += "<path class=\"series-line\" d=\"" + d +
         "\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\"" + svg_dash(s) + "/>\n";
}

}  // namespace

std::string svg_number(double v) {
  std::string text = format_fixed(v, 2);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::string svg_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        const auto byte = static_cast<unsigned char>(c);
        out += byte < 0x20 && byte != '\t' ? ' ' : c;
    }
  }
  return out;
}

std::string svg_dash(std::size_t s) {
  switch (series_dash(s)) {
    case 1: return " stroke-dasharray=\"6 3\"";
    case 2: return " stroke-dasharray=\"2 3\"";
    default: return "";
  }
}

void draw_marker(std::string& out, std::size_t s, double cx, double cy) {
  const double r = kMarkerRadius;
  const auto point = [](double x, double y) { return svg_number(x) + "," + svg_number(y); };
  switch (series_marker(s)) {
    case 1:  // square of the circle's area
      out += "<rect class=\"marker\" x=\"" + svg_number(cx - 0.9 * r) + "\" y=\"" +
             svg_number(cy - 0.9 * r) + "\" width=\"" + svg_number(1.8 * r) + "\" height=\"" +
             svg_number(1.8 * r) + "\"/>\n";
      break;
    case 2:
      out += "<polygon class=\"marker\" points=\"" + point(cx, cy - 1.3 * r) + " " +
             point(cx + 1.3 * r, cy) + " " + point(cx, cy + 1.3 * r) + " " +
             point(cx - 1.3 * r, cy) + "\"/>\n";
      break;
    case 3:
      out += "<polygon class=\"marker\" points=\"" + point(cx, cy - 1.3 * r) + " " +
             point(cx + 1.2 * r, cy + 0.9 * r) + " " + point(cx - 1.2 * r, cy + 0.9 * r) + "\"/>\n";
      break;
    default:
      out += "<circle class=\"marker\" cx=\"" + svg_number(cx) + "\" cy=\"" + svg_number(cy) +
             "\" r=\"" + svg_number(r) + "\"/>\n";
  }
}

void draw_series(std::string& out, const Chart& chart, const ChartAxes& axes, const Frame& frame,
                 std::size_t s) {
  const char* colour = series_colour(s);
  out += std::string("<g class=\"series\" fill=\"") + colour + "\" stroke=\"" + colour + "\">\n";
  if (chart.kind == ChartKind::Bars) {
    draw_bars(out, chart, axes, frame, s);
    draw_error_bars(out, chart, axes, frame, s);
  } else {
    if (chart.kind == ChartKind::Lines) draw_line(out, chart, axes, frame, s);
    draw_error_bars(out, chart, axes, frame, s);
    if (chart.kind == ChartKind::Points || chart.markers) {
      const Series& series = chart.series[s];
      for (std::size_t i = 0; i < series.y.size(); ++i) {
        if (!point_drawn(chart, series, i)) continue;
        draw_marker(out, s, frame.x(axes.x, point_x(chart, series, i)),
                    frame.y(axes.y, series.y[i]));
      }
    }
  }
  out += "</g>\n";
}

}  // namespace adamix::reports
