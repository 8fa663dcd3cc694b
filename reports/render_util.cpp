#include "reports/render_util.h"

#include <cstdio>

#include "core/error.h"
#include "reports/render.h"

namespace adamix::reports {

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_score(double raw, const MetricFormat& format) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", format.decimals, format.scale * raw);
  // "-0.0" -> "0.0": a sign on a value that rounds to zero says nothing.
  std::string shown = text;
  if (shown.size() > 1 && shown[0] == '-' && shown.find_first_not_of("-0.") == std::string::npos)
    shown.erase(0, 1);
  return shown;
}

std::string cell_display(const Cell& cell, const Column& column, const Symbols& symbols,
                         const Escape& escape) {
  std::string text;
  switch (cell.state) {
    case CellState::Text: return escape(cell.text);
    case CellState::Value:
      text = format_score(cell.mean, column.format);
      if (cell.has_sd) text += symbols.plus_minus + format_score(cell.sd, column.format);
      break;
    case CellState::Missing: text = symbols.missing; break;
    case CellState::Failed: text = "failed"; break;
    case CellState::Running: text = "running"; break;
    case CellState::Queued: text = "queued"; break;
  }
  return text + escape(cell_notes(cell));
}

std::string footer_text(const Table& table) {
  std::string text;
  for (const auto& [label, value] : table.footer)
    text += (text.empty() ? "" : "; ") + label + ": " + value;
  return text;
}

std::string flat_header(const Column& column) {
  return column.group.empty() ? column.name : column.group + " " + column.name;
}

Format parse_format(const std::string& text) {
  if (text == "md" || text == "markdown") return Format::Markdown;
  if (text == "latex" || text == "tex") return Format::Latex;
  if (text == "csv") return Format::Csv;
  if (text == "html") return Format::Html;
  throw ConfigError("unknown report format '" + text + "' (expected md, latex, csv or html)");
}

const char* file_extension(Format format) {
  switch (format) {
    case Format::Markdown: return "md";
    case Format::Latex: return "tex";
    case Format::Csv: return "csv";
    case Format::Html: return "html";
  }
  return "txt";
}

std::string render(const Table& table, Format format) {
  switch (format) {
    case Format::Markdown: return render_markdown(table);
    case Format::Latex: return render_latex(table);
    case Format::Csv: return render_csv(table);
    case Format::Html: return render_html(table);
  }
  return "";
}

}  // namespace adamix::reports
