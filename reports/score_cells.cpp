#include "reports/score_cells.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "reports/tables.h"

namespace adamix::reports {

const char kScoreCaption[] =
    "Dev scores \xC3\x97"
    "100 at each trial's best dev step: mean \xC2\xB1 sample sd over seeds.";

namespace {

// A cell without a mean says why, the most hopeful reason first: Running > Queued > Failed.
CellState state_without_value(const Cell& cell) {
  if (cell.running > 0) return CellState::Running;
  if (cell.queued > 0) return CellState::Queued;
  if (cell.failed > 0) return CellState::Failed;
  return CellState::Missing;
}

}  // namespace

Cell score_cell(const Trials& trials, const std::string& metric) {
  Cell cell;
  std::vector<double> values;
  for (const auto* t : trials) {
    switch (t->status) {
      case storage::TrialStatus::Failed: ++cell.failed; continue;
      case storage::TrialStatus::Running: ++cell.running; continue;
      case storage::TrialStatus::Queued: ++cell.queued; continue;
      case storage::TrialStatus::Done: break;
    }
    double value = NAN;
    if (t->best) {
      if (metric == "main") {
        value = t->best->value;
      } else if (const auto found = t->best->metrics.find(metric);
                 found != t->best->metrics.end()) {
        value = found->second;
      }
    }
    // Not evaluated at the best step: a score measured once on the final model (generation).
    if (metric != "main" && (!t->best || !t->best->metrics.count(metric))) {
      if (const auto found = t->last_metrics.find(metric); found != t->last_metrics.end())
        value = found->second;
    }
    if (std::isfinite(value)) {
      values.push_back(value);
      if (t->ending && t->ending->flat) {
        ++cell.flat;
      } else if (t->ending && t->ending->judged && !t->ending->converged) {
        ++cell.not_converged;
      }
    } else {
      ++cell.no_value;
    }
  }
  const Cell stats = mean_cell(values);
  cell.n = stats.n;
  if (cell.n > 0) {
    cell.state = CellState::Value;
    cell.mean = stats.mean;
    cell.sd = stats.sd;
    cell.has_sd = stats.has_sd;
  } else {
    cell.state = state_without_value(cell);
  }
  return cell;
}

Cell mean_cell(const std::vector<double>& values) {
  Cell cell;
  std::vector<double> finite;
  for (double v : values) {
    if (std::isfinite(v)) {
      finite.push_back(v);
    } else {
      ++cell.no_value;
    }
  }
  cell.n = static_cast<int64_t>(finite.size());
  if (cell.n == 0) return cell;
  cell.state = CellState::Value;
  double sum = 0;
  for (double v : finite) sum += v;
  cell.mean = sum / static_cast<double>(cell.n);
  double squares = 0;
  for (double v : finite) squares += (v - cell.mean) * (v - cell.mean);
  cell.has_sd = cell.n > 1;
  cell.sd = cell.has_sd ? std::sqrt(squares / static_cast<double>(cell.n - 1)) : 0.0;
  return cell;
}

Cell average_cell(const std::vector<Cell>& main_cells) {
  Cell cell;
  bool all_values = !main_cells.empty();
  double sum = 0;
  int64_t n = -1;
  for (const auto& c : main_cells) {
    cell.failed += c.failed;
    cell.running += c.running;
    cell.queued += c.queued;
    cell.no_value += c.no_value;
    all_values = all_values && c.state == CellState::Value;
    sum += c.mean;
    n = n < 0 ? c.n : std::min(n, c.n);
  }
  if (all_values) {
    cell.state = CellState::Value;
    cell.mean = sum / static_cast<double>(main_cells.size());
    cell.n = n;  // the fewest seeds behind any of its tasks
  } else {
    cell.state = state_without_value(cell);
  }
  return cell;
}

namespace {

// "Avg." averages the classification tasks' main metrics (as the paper's GLUE average): only
// with two of them or more; generation tasks have tables and scales of their own.
bool averaged(const std::vector<TaskColumns>& tasks) {
  return std::count_if(tasks.begin(), tasks.end(),
                       [](const TaskColumns& t) { return t.style == NlgStyle::None; }) >= 2;
}

}  // namespace

std::vector<Column> score_columns(const std::vector<TaskColumns>& tasks) {
  std::vector<Column> columns;
  for (const auto& task : tasks) {
    for (size_t m = 0; m < task.metrics.size(); ++m)
      columns.push_back({ColumnKind::Score,
                         task.label,
                         task.headers[m],
                         task.task,
                         task.metrics[m],
                         {},
                         task.formats[m]});
  }
  if (averaged(tasks)) columns.push_back({ColumnKind::Average, "", "Avg.", "", "average", {}, {}});
  return columns;
}

std::vector<Cell> score_cells(const Trials& trials, const std::vector<TaskColumns>& tasks) {
  std::vector<Cell> cells, main_cells;
  for (const auto& task : tasks) {
    Trials of_task;
    for (const auto* t : trials) {
      if (t->task == task.task) of_task.push_back(t);
    }
    for (const auto& metric : task.metrics) {
      cells.push_back(score_cell(of_task, metric));
      if (metric == task.metrics.front() && task.style == NlgStyle::None)
        main_cells.push_back(cells.back());
    }
  }
  if (averaged(tasks)) cells.push_back(average_cell(main_cells));
  return cells;
}

Cell seeds_cell(const std::vector<Cell>& cells, const std::vector<Column>& columns) {
  int64_t low = -1, high = 0;
  for (size_t c = 0; c < cells.size() && c < columns.size(); ++c) {
    if (columns[c].kind != ColumnKind::Score) continue;
    low = low < 0 ? cells[c].n : std::min(low, cells[c].n);
    high = std::max(high, cells[c].n);
  }
  if (low < 0) low = 0;
  return Cell::label(low == high ? std::to_string(high)
                                 : std::to_string(low) + "-" + std::to_string(high));
}

void finish_table(Table& table, const RunData& data, const Trials& fed) {
  table.footer = run_footer(data);
  std::set<std::string> counted;
  table.running = table.queued = 0;
  for (const auto* t : fed) {
    if (!counted.insert(t->id).second) continue;
    if (t->status == storage::TrialStatus::Running) ++table.running;
    if (t->status == storage::TrialStatus::Queued) ++table.queued;
  }
  table.partial = table.running + table.queued > 0;
  mark_best(table);
  // Say what the convergence notes mean, in the tables that carry any.
  bool noted = false;
  for (const auto& row : table.rows)
    for (const auto& cell : row.cells) noted = noted || cell.not_converged > 0 || cell.flat > 0;
  if (noted)
    table.caption +=
        " \"n not converged\": n of the seeds were still improving at their last evaluations; "
        "\"n flat\": n seeds' dev metric never beat their first evaluation by more than 1 point "
        "(stuck from the start, often at the majority class).";
}

}  // namespace adamix::reports
