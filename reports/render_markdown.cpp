// render_markdown(): GitHub-flavoured pipe tables (render.h).
#include "reports/render.h"
#include "reports/render_util.h"

namespace adamix::reports {
namespace {

// Characters that would end a cell or start emphasis, code or HTML.
std::string escape_markdown(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '|' || c == '*' || c == '_' || c == '`' || c == '<' || c == '>')
      out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string render_markdown(const Table& table) {
  const Symbols symbols{" \xC2\xB1 ", "\xE2\x80\x94"};
  std::string out = "### " + escape_markdown(table.title) + "\n\n";
  if (!table.caption.empty()) out += escape_markdown(table.caption) + "\n\n";
  std::string header = "|", rule = "|";
  for (const auto& column : table.columns) {
    header += " " + escape_markdown(flat_header(column)) + " |";
    rule += column.kind == ColumnKind::Label ? " :--- |" : " ---: |";
  }
  out += header + "\n" + rule + "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (size_t c = 0; c < row.cells.size(); ++c) {
      const auto& cell = row.cells[c];
      const auto text = cell_display(cell, table.columns[c], symbols, escape_markdown);
      out += " " + (cell.bold ? "**" + text + "**" : text) + " |";
    }
    out += "\n";
  }
  if (table.partial) out += "\n**" + escape_markdown(partial_note(table)) + "**\n";
  if (!table.footer.empty()) out += "\n" + escape_markdown(footer_text(table)) + "\n";
  return out;
}

}  // namespace adamix::reports
