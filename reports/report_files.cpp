#include "reports/report_files.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "core/error.h"
#include "reports/render_util.h"
#include "reports/tables.h"

namespace adamix::reports {
namespace fs = std::filesystem;
namespace {

void write_file(const fs::path& path, const std::string& text, WrittenReport& report) {
  const auto partial = path.string() + ".partial." + std::to_string(getpid());
  {
    std::ofstream out(partial, std::ios::binary);
    out << text;
    out.flush();
    if (!out) throw IoError("cannot write " + path.string());
  }
  std::error_code error;
  fs::rename(partial, path, error);
  if (error) throw IoError("cannot write " + path.string() + ": " + error.message());
  report.files.push_back(path);
}

const char kStyle[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;"
    "max-width:1200px;padding:0 1em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}"
    "table.adamix-table{border-collapse:collapse;margin:1em 0;font-size:.9em}"
    "table.adamix-table caption{text-align:left;font-weight:600;padding:.3em 0}"
    "table.adamix-table th,table.adamix-table td{padding:.25em .6em;border-bottom:1px solid #ddd}"
    "table.adamix-table thead th{border-bottom:2px solid #444}"
    "td.score,td.text{text-align:right;font-variant-numeric:tabular-nums}"
    "td.best{font-weight:700}td.failed{color:#b00}td.missing,td.queued,td.running{color:#888}"
    "tfoot td{color:#666;font-size:.85em;border:none}"
    "figure{margin:1.5em 0}figure svg{max-width:100%;height:auto}"
    "figcaption{color:#555;font-size:.9em}";

}  // namespace

std::string html_page(const RunData& data, const std::vector<Table>& tables,
                      const std::vector<Figure>& figures) {
  const auto name = data.sweep ? data.sweep->name : data.run_dir.filename().string();
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<title>AdaMix sweep " + escape_html(name) + "</title>\n<style>" + kStyle +
          "</style>\n</head>\n<body>\n<h1>AdaMix sweep " + escape_html(name) + "</h1>\n<p>";
  for (const auto& [key, value] : run_footer(data))
    page += escape_html(key) + ": " + escape_html(value) + "<br>\n";
  page += "</p>\n";
  for (const auto& table : tables)
    page += "<h2>" + escape_html(table.title) + "</h2>\n" + render_html(table) + "\n";
  if (!figures.empty()) page += "<h2>Figures</h2>\n";
  for (const auto& figure : figures) {
    page += "<figure id=\"figure-" + escape_html(figure.name) + "\">\n";
    auto svg = render_svg(figure.chart);
    if (svg.rfind("<?xml", 0) == 0) svg.erase(0, svg.find('\n') + 1);
    page += svg + "\n<figcaption>" + escape_html(figure.caption) + "</figcaption>\n</figure>\n";
  }
  return page + "</body>\n</html>\n";
}

namespace {

// The files the previous report wrote into `out_dir` (its manifest, .adamix-report), so a new
// report can remove those it does not write again (a table or figure that no longer exists)
// without touching anything else in the folder.
std::vector<fs::path> previous_files(const fs::path& out_dir) {
  std::vector<fs::path> files;
  std::ifstream manifest(out_dir / ".adamix-report");
  for (std::string line; std::getline(manifest, line);)
    if (!line.empty() && line.find("..") == std::string::npos && line.front() != '/')
      files.push_back(out_dir / line);
  return files;
}

WrittenReport write_report_files(const RunData& data, const std::vector<Table>& tables,
                                 const std::vector<Figure>& figures,
                                 const std::vector<Format>& formats, const fs::path& out_dir,
                                 bool complete) {
  WrittenReport report;
  std::error_code error;
  fs::create_directories(out_dir / "figures", error);
  if (error)
    throw IoError("cannot create " + (out_dir / "figures").string() + ": " + error.message());
  bool markdown = false, html = false;
  for (auto format : formats) {
    markdown = markdown || format == Format::Markdown;
    html = html || format == Format::Html;
    for (const auto& table : tables)
      write_file(out_dir / (table.name + "." + file_extension(format)), render(table, format),
                 report);
  }
  std::vector<std::string> png_links;
  for (const auto& figure : figures) {
    write_file(out_dir / "figures" / (figure.name + ".svg"), render_svg(figure.chart), report);
    if (markdown && write_png(figure.chart, out_dir / "figures" / (figure.name + ".png"))) {
      report.png = true;
      report.files.push_back(out_dir / "figures" / (figure.name + ".png"));
      png_links.push_back("![" + figure.caption + "](figures/" + figure.name + ".png)\n\n" +
                          figure.caption + "\n");
    } else {
      png_links.push_back("[" + figure.caption + "](figures/" + figure.name + ".svg)\n");
    }
  }
  if (markdown && complete) {
    std::string text = "# AdaMix sweep " + (data.sweep ? data.sweep->name : std::string()) + "\n\n";
    for (const auto& table : tables) text += render_markdown(table) + "\n";
    if (!figures.empty()) text += "## Figures\n\n";
    for (const auto& link : png_links) text += link + "\n";
    write_file(out_dir / "report.md", text, report);
  }
  if (html && complete) {
    report.html_page = out_dir / "report.html";
    write_file(report.html_page, html_page(data, tables, figures), report);
  }
  return report;
}

}  // namespace

WrittenReport write_report(const RunData& data, const std::vector<Table>& tables,
                           const std::vector<Figure>& figures, const std::vector<Format>& formats,
                           const fs::path& out_dir, bool complete) {
  WrittenReport report = write_report_files(data, tables, figures, formats, out_dir, complete);
  const bool prune = complete && formats.size() == 4;
  auto listed = report.files;
  for (const auto& old : previous_files(out_dir)) {
    if (std::find(listed.begin(), listed.end(), old) != listed.end()) continue;
    if (prune) {
      std::error_code ignored;
      fs::remove(old, ignored);
    } else {
      listed.push_back(old);
    }
  }
  std::string manifest;
  for (const auto& file : listed) manifest += file.lexically_relative(out_dir).string() + "\n";
  WrittenReport unused;
  write_file(out_dir / ".adamix-report", manifest, unused);
  return report;
}

}  // namespace adamix::reports
