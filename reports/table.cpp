#include "reports/table.h"

#include <algorithm>

namespace adamix::reports {

Cell Cell::label(std::string text) {
  Cell cell;
  cell.state = CellState::Text;
  cell.text = std::move(text);
  return cell;
}

std::string cell_status(const Cell& cell) {
  if (cell.state == CellState::Text) return "";
  std::string status;
  const auto add = [&](int64_t count, const char* word) {
    if (count > 0) status += (status.empty() ? "" : "+") + std::string(word);
  };
  add(cell.n + cell.no_value, "done");
  add(cell.failed, "failed");
  add(cell.running, "running");
  add(cell.queued, "queued");
  return status.empty() ? "missing" : status;
}

std::string cell_notes(const Cell& cell) {
  if (cell.state == CellState::Text) return "";
  std::vector<std::string> notes;
  const auto add = [&](int64_t count, CellState shown, const char* word) {
    if (count > 0 && cell.state != shown) notes.push_back(std::to_string(count) + " " + word);
  };
  add(cell.failed, CellState::Failed, "failed");
  add(cell.running, CellState::Running, "running");
  add(cell.queued, CellState::Queued, "queued");
  if (cell.no_value > 0) notes.push_back(std::to_string(cell.no_value) + " n/a");
  if (cell.not_converged > 0)
    notes.push_back(std::to_string(cell.not_converged) + " not converged");
  if (cell.flat > 0) notes.push_back(std::to_string(cell.flat) + " flat");
  std::string text;
  for (const auto& note : notes) text += (text.empty() ? " (" : ", ") + note;
  return text.empty() ? "" : text + ")";
}

void mark_best(Table& table) {
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const auto kind = table.columns[c].kind;
    if (kind != ColumnKind::Score && kind != ColumnKind::Average) continue;
    const bool lower = table.columns[c].format.lower_is_better;
    int values = 0;
    double best = 0;
    for (const auto& row : table.rows) {
      const auto& cell = row.cells[c];
      if (cell.state != CellState::Value) continue;
      best = values++ == 0 ? cell.mean
             : lower       ? std::min(best, cell.mean)
                           : std::max(best, cell.mean);
    }
    if (values < 2) continue;
    for (auto& row : table.rows) {
      auto& cell = row.cells[c];
      cell.bold = cell.state == CellState::Value && cell.mean == best;
    }
  }
}

std::string partial_note(const Table& table) {
  if (!table.partial) return "";
  std::string what;
  if (table.running > 0) what = std::to_string(table.running) + " running";
  if (table.queued > 0)
    what += (what.empty() ? "" : " and ") + std::to_string(table.queued) + " queued";
  const bool one = table.running + table.queued == 1;
  return "Partial: " + what + (one ? " trial is" : " trials are") + " not in these numbers yet.";
}

}  // namespace adamix::reports
