// render_html(): one <table> fragment; the report page around it is assembled elsewhere.
#include "reports/render.h"
#include "reports/render_util.h"

namespace adamix::reports {
namespace {

const char* cell_class(const Cell& cell, const Column& column) {
  if (column.kind == ColumnKind::Label) return "label";
  switch (cell.state) {
    case CellState::Text: return "text";
    case CellState::Value: return cell.bold ? "score best" : "score";
    case CellState::Missing: return "missing";
    case CellState::Failed: return "failed";
    case CellState::Running: return "running";
    case CellState::Queued: return "queued";
  }
  return "text";
}

bool same_group(const Column& a, const Column& b) {
  return !a.group.empty() && a.group == b.group && a.task == b.task;
}

}  // namespace

std::string render_html(const Table& table) {
  const Symbols symbols{" \xC2\xB1 ", "\xE2\x80\x94"};
  const auto& columns = table.columns;
  const auto width = std::to_string(columns.size());
  std::string out = "<table class=\"adamix-table" + std::string(table.partial ? " partial" : "") +
                    "\" id=\"adamix-" + escape_html(table.name) + "\">\n";
  out += "<caption><span class=\"title\">" + escape_html(table.title) + "</span>";
  if (!table.caption.empty())
    out += " <span class=\"caption\">" + escape_html(table.caption) + "</span>";
  out += "</caption>\n<thead>\n";

  bool grouped = false;
  for (const auto& column : columns) grouped = grouped || !column.group.empty();
  if (grouped) {
    std::string top = "<tr>", bottom = "<tr>";
    for (size_t c = 0; c < columns.size();) {
      size_t end = c + 1;
      while (end < columns.size() && same_group(columns[c], columns[end])) ++end;
      if (columns[c].group.empty()) {
        top += "<th rowspan=\"2\">" + escape_html(columns[c].name) + "</th>";
      } else {
        top += "<th colspan=\"" + std::to_string(end - c) + "\">" + escape_html(columns[c].group) +
               "</th>";
        for (size_t i = c; i < end; ++i) bottom += "<th>" + escape_html(columns[i].name) + "</th>";
      }
      c = end;
    }
    out += top + "</tr>\n" + bottom + "</tr>\n";
  } else {
    out += "<tr>";
    for (const auto& column : columns) out += "<th>" + escape_html(column.name) + "</th>";
    out += "</tr>\n";
  }
  out += "</thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.cells.size(); ++c) {
      const auto& cell = row.cells[c];
      const auto text = cell_display(cell, columns[c], symbols, escape_html);
      out += "<td class=\"" + std::string(cell_class(cell, columns[c])) + "\">" +
             (cell.bold ? "<strong>" + text + "</strong>" : text) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n";
  if (table.partial || !table.footer.empty()) {
    out += "<tfoot>\n";
    if (table.partial)
      out += "<tr><td class=\"partial\" colspan=\"" + width + "\">" +
             escape_html(partial_note(table)) + "</td></tr>\n";
    if (!table.footer.empty())
      out += "<tr><td class=\"provenance\" colspan=\"" + width + "\">" +
             escape_html(footer_text(table)) + "</td></tr>\n";
    out += "</tfoot>\n";
  }
  return out + "</table>\n";
}

}  // namespace adamix::reports
