#pragma once
// The gnuplot input that draws a Chart as a PNG: a script plus one data file per series, in
// a scratch folder. chart_png.cpp runs it. Ranges, ticks, colours and markers come from
// chart_data.h, so the PNG matches the SVG.
//
//   write(gnuplot_data_file(dir, s), gnuplot_data(chart, s));  // for every series s
//   write(dir / "chart.gp", gnuplot_script(chart, 640, 400, dir / "chart.png", dir));
#include <cstddef>
#include <filesystem>
#include <string>

#include "reports/chart.h"

namespace adamix::reports {

// "<dir>/series_<s>.dat".
std::filesystem::path gnuplot_data_file(const std::filesystem::path& dir, std::size_t s);

// Rows "x y [error]" of series s's drawn points (Bars: x shifted to the bar's centre); a blank
// row where a skipped point breaks the line.
std::string gnuplot_data(const Chart& chart, std::size_t s);

// A script that picks pngcairo when this gnuplot has it (else png), sets title, labels, ranges,
// ticks and legend, and plots every series from gnuplot_data_file(dir, s) into png.
std::string gnuplot_script(const Chart& chart, int width, int height,
                           const std::filesystem::path& png, const std::filesystem::path& dir);

// s as a gnuplot single-quoted string: ' doubled, line breaks and other control characters
// made spaces (a raw newline would end the command).
std::string gnuplot_quote(const std::string& s);

}  // namespace adamix::reports
