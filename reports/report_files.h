#pragma once
// Writes a report folder (default RUN/reports/): one file per table and format
// (main.md, main.tex, main.csv, main.html, experts.md, ...), report.md (every table plus the
// figures as PNG when gnuplot is installed), report.html (one self-contained page: the tables
// and the figures as inline SVG; no scripts, nothing fetched, opens offline), and the figures
// as figures/NAME.svg (+ .png). Every file is written to a temporary name and renamed.
//
//   auto written = write_report(data, tables, figures, {Format::Markdown, Format::Html}, out);
#include <filesystem>
#include <string>
#include <vector>

#include "reports/figures.h"
#include "reports/render.h"
#include "reports/run_data.h"
#include "reports/table.h"

namespace adamix::reports {

struct WrittenReport {
  std::vector<std::filesystem::path> files;
  std::filesystem::path html_page;  // empty unless HTML was asked for
  bool png = false;                 // figures also as PNG (gnuplot was found)
};

// IoError naming the file when something cannot be written. The folder's manifest
// (.adamix-report) lists what reports wrote there. `complete`: the tables are the run's whole
// set (no --table, no pivot): only then are report.md and report.html written, and when all
// four formats are asked for, files of an earlier report that this one does not write again
// (a table or figure that no longer exists) are removed. Nothing else in the folder is touched.
WrittenReport write_report(const RunData& data, const std::vector<Table>& tables,
                           const std::vector<Figure>& figures, const std::vector<Format>& formats,
                           const std::filesystem::path& out_dir, bool complete);

// The self-contained HTML page.
std::string html_page(const RunData& data, const std::vector<Table>& tables,
                      const std::vector<Figure>& figures);

}  // namespace adamix::reports
