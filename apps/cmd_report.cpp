#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "reports/figures.h"
#include "reports/report_files.h"
#include "reports/tables.h"

namespace adamix::cli {

// Tables and figures of a sweep (reports/): prints the tables (Markdown, or the one --format
// asked for) and writes every format's files, the figures and the HTML page into --out.
int run_report(const ParsedFlags& flags) {
  using namespace reports;
  const std::filesystem::path run_dir = flags.get("run");
  const auto format_name = flags.get_optional("format").value_or("all");
  std::vector<Format> formats;
  if (format_name == "all")
    formats = {Format::Markdown, Format::Latex, Format::Csv, Format::Html};
  else
    formats = {parse_format(format_name)};
  const auto rows = flags.get_optional("rows");
  const auto cols = flags.get_optional("cols");
  if (rows.has_value() != cols.has_value())
    throw ConfigError("a pivot table needs both --rows KEY and --cols KEY");

  const auto data = load_run(run_dir);
  auto tables = report_tables(data);
  if (rows) tables.push_back(pivot_table(data, {*rows, *cols, flags.get("metric")}));
  if (const auto name = flags.get_optional("table")) {
    const auto table = find_table(tables, *name);
    tables = {table};
  } else if (rows) {
    tables = {tables.back()};
  }
  const auto figures = report_figures(data, tables);
  const auto out = flags.get_optional("out").value_or((run_dir / "reports").string());
  const bool complete = !flags.has("table") && !rows;
  const auto written = write_report(data, tables, figures, formats, out, complete);

  const auto shown = formats.size() == 1 ? formats.front() : Format::Markdown;
  for (const auto& table : tables) std::cout << render(table, shown) << "\n";
  std::cout << "report: " << written.files.size() << " files in " << out;
  if (!written.html_page.empty()) std::cout << "; open " << written.html_page.string();
  if (!figures.empty() && !written.png)
    std::cout << " (figures as SVG only: install gnuplot for PNG)";
  std::cout << "\n";
  return 0;
}

}  // namespace adamix::cli
