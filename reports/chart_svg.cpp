// render_svg: page layout, grid, axes, labels and legend; chart_svg_marks.cpp draws the data.
#include <algorithm>
#include <cmath>
#include <vector>

#include "reports/chart.h"
#include "reports/chart_svg_parts.h"

namespace adamix::reports {
namespace {

constexpr double kTickFont = 12, kLabelFont = 13, kTitleFont = 15;  // px
// Average sans-serif glyph width in font sizes: an estimate, as no font metrics are at hand
// offline. Used only to leave room for labels.
constexpr double kGlyph = 0.6;
constexpr double kTickLength = 5;      // px
constexpr double kLegendRow = 18;      // px
constexpr double kLegendShare = 0.35;  // of the width, at most

std::size_t glyphs(const std::string& text) {  // UTF-8 code points
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// text cut to at most max glyphs, ending in an ellipsis when cut; never splits a code point.
std::string fit(const std::string& text, std::size_t max) {
  if (glyphs(text) <= max) return text;
  std::size_t kept = 0, end = 0;
  while (end < text.size()) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 && kept++ == max - 1) break;
    ++end;
  }
  return text.substr(0, end) + "\u2026";
}

std::size_t widest(const std::vector<std::string>& labels) {
  std::size_t most = 0;
  for (const std::string& label : labels) most = std::max(most, glyphs(label));
  return most;
}

std::string text(double x, double y, const char* anchor, const std::string& content,
                 const std::string& attributes = "") {
  return "<text x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\" text-anchor=\"" + anchor +
         "\"" + attributes + ">" + svg_escape(content) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2) {
  return "<line x1=\"" + svg_number(x1) + "\" y1=\"" + svg_number(y1) + "\" x2=\"" +
         svg_number(x2) + "\" y2=\"" + svg_number(y2) + "\"/>\n";
}

std::vector<std::size_t> legend_entries(const Chart& chart) {
  std::vector<std::size_t> entries;
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    if (!chart.series[s].label.empty()) entries.push_back(s);
  }
  return entries;
}

void draw_axes(std::string& out, const Chart& chart, const ChartAxes& axes, const Frame& frame) {
  const bool categories = has_categories(chart);
  out += "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">\n";
  for (const double t : axes.y.ticks) {
    out += line(frame.left, frame.y(axes.y, t), frame.right(), frame.y(axes.y, t));
  }
  if (!categories) {
    for (const double t : axes.x.ticks) {
      out += line(frame.x(axes.x, t), frame.top, frame.x(axes.x, t), frame.bottom());
    }
  }
  out += "</g>\n<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">\n";
  out += line(frame.left, frame.top, frame.left, frame.bottom());
  out += line(frame.left, frame.bottom(), frame.right(), frame.bottom());
  if (axes.y.lo < 0.0 && axes.y.hi > 0.0) {  // bars grow from here
    out += line(frame.left, frame.y(axes.y, 0.0), frame.right(), frame.y(axes.y, 0.0));
  }
  for (const double t : axes.y.ticks) {
    out += line(frame.left - kTickLength, frame.y(axes.y, t), frame.left, frame.y(axes.y, t));
  }
  for (const double t : axes.x.ticks) {
    const double x = frame.x(axes.x, t);
    out += line(x, frame.bottom(), x, frame.bottom() + kTickLength);
  }
  out += "</g>\n<g class=\"tick-labels\" fill=\"#333333\">\n";
  for (std::size_t i = 0; i < axes.y.ticks.size(); ++i) {
    const double y = frame.y(axes.y, axes.y.ticks[i]) + kTickFont * 0.35;  // centre on the tick
    out += text(frame.left - kTickLength - 3, y, "end", axes.y.labels[i]);
  }
  // Category names share the width between them; longer ones are cut rather than overlap.
  const double band = categories ? frame.width / (axes.x.hi - axes.x.lo) : frame.width;
  const auto room = static_cast<std::size_t>(std::max(band / (kTickFont * kGlyph) - 1, 3.0));
  for (std::size_t i = 0; i < axes.x.ticks.size(); ++i) {
    out += text(frame.x(axes.x, axes.x.ticks[i]), frame.bottom() + kTickLength + kTickFont + 2,
                "middle", fit(axes.x.labels[i], room));
  }
  out += "</g>\n";
}

void draw_legend(std::string& out, const Chart& chart, const std::vector<std::size_t>& entries,
                 double left, double top, std::size_t room) {
  out += "<g class=\"legend\">\n";
  for (std::size_t row = 0; row < entries.size(); ++row) {
    const std::size_t s = entries[row];
    const double y = top + kLegendRow * (static_cast<double>(row) + 0.5);
    const std::string colour = series_colour(s);
    out += "<g class=\"legend-entry\" fill=\"" + colour + "\" stroke=\"" + colour + "\">\n";
    if (chart.kind == ChartKind::Bars) {
      out += "<rect x=\"" + svg_number(left + 4) + "\" y=\"" + svg_number(y - 5) +
             "\" width=\"14\" height=\"10\" stroke=\"none\"/>\n";
    } else {
      if (chart.kind == ChartKind::Lines) {
        out += "<line x1=\"" + svg_number(left) + "\" y1=\"" + svg_number(y) + "\" x2=\"" +
               svg_number(left + 22) + "\" y2=\"" + svg_number(y) + "\" stroke-width=\"2\"" +
               svg_dash(s) + "/>\n";
      }
      if (chart.kind == ChartKind::Points || chart.markers) draw_marker(out, s, left + 11, y);
    }
    out += "</g>\n";
    out += text(left + 28, y + kTickFont * 0.35, "start", fit(chart.series[s].label, room),
                " fill=\"#222222\"");
  }
  out += "</g>\n";
}

}  // namespace

std::string render_svg(const Chart& chart, int width, int height) {
  check_chart(chart, width, height);
  const ChartAxes axes = chart_axes(chart);
  const std::vector<std::size_t> entries = legend_entries(chart);
  const double glyph = kTickFont * kGlyph;

  // Margins leave room for tick labels, axis labels, title and legend around the plot.
  Frame frame;
  frame.left = 8 + (chart.y_label.empty() ? 0 : kLabelFont + 8) +
               static_cast<double>(widest(axes.y.labels)) * glyph + kTickLength + 6;
  frame.top = chart.title.empty() ? 12 : kTitleFont + 20;
  const double bottom = kTickLength + kTickFont + 8 + (chart.x_label.empty() ? 4 : kLabelFont + 12);
  double right = 16, legend_room = 0;
  if (!entries.empty()) {
    // Gap 14, sample 28, text, margin 8 (as draw_legend places them).
    legend_room = std::max(std::floor((width * kLegendShare - 50) / glyph), 4.0);
    std::size_t longest = 0;
    for (const std::size_t s : entries) longest = std::max(longest, glyphs(chart.series[s].label));
    right = 50 + std::min(static_cast<double>(longest), legend_room) * glyph;
  } else if (!has_categories(chart)) {  // half of the last x tick label sticks out
    right = std::max(right, static_cast<double>(widest(axes.x.labels)) * glyph / 2 + 4);
  }
  frame.width = std::max(width - frame.left - right, 40.0);
  frame.height = std::max(height - frame.top - bottom, 40.0);

  const std::string w = std::to_string(width), h = std::to_string(height);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
                    "\" viewBox=\"0 0 " + w + " " + h +
                    "\" font-family=\"sans-serif\" font-size=\"" + svg_number(kTickFont) + "\">\n";
  if (!chart.title.empty()) out += "<title>" + svg_escape(chart.title) + "</title>\n";
  out += "<rect class=\"background\" width=\"" + w + "\" height=\"" + h + "\" fill=\"#ffffff\"/>\n";
  draw_axes(out, chart, axes, frame);

  const double centre_x = frame.left + frame.width / 2, centre_y = frame.top + frame.height / 2;
  if (!chart.title.empty()) {
    out += text(width / 2.0, kTitleFont + 6, "middle", chart.title,
                " class=\"title\" font-size=\"" + svg_number(kTitleFont) +
                    "\" font-weight=\"bold\" fill=\"#222222\"");
  }
  if (!chart.x_label.empty()) {
    out += text(centre_x, height - 8.0, "middle", chart.x_label,
                " class=\"x-label\" font-size=\"" + svg_number(kLabelFont) + "\" fill=\"#222222\"");
  }
  if (!chart.y_label.empty()) {
    out += "<text class=\"y-label\" transform=\"translate(" + svg_number(8 + kLabelFont) + "," +
           svg_number(centre_y) + ") rotate(-90)\" text-anchor=\"middle\" font-size=\"" +
           svg_number(kLabelFont) + "\" fill=\"#222222\">" + svg_escape(chart.y_label) +
           "</text>\n";
  }

  out += "<g class=\"plot\">\n";
  for (std::size_t s = 0; s < chart.series.size(); ++s) draw_series(out, chart, axes, frame, s);
  out += "</g>\n";
  if (!entries.empty()) {
    draw_legend(out, chart, entries, frame.right() + 14, frame.top + 2,
                static_cast<std::size_t>(legend_room));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace adamix::reports
