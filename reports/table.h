#pragma once
// A result table independent of its output format: the builders in reports/tables.h fill it,
// the renderers in reports/render.h print it. Scores stay raw (0.853, not 85.3) here.
//
//   Table table = adamix::reports::main_table(data);
//   for (const auto& row : table.rows) std::cout << row.cells[0].text << "\n";
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace adamix::reports {

enum class CellState { Text, Value, Missing, Failed, Running, Queued };

// One cell aggregates the trials behind it (the seeds of one configuration on one task). Every
// trial is accounted for: in the mean, or in one of the counts that the cell prints beside it.
struct Cell {
  CellState state = CellState::Missing;         // Value when n > 0; else Running > Queued > Failed
  std::string text;                             // Text cells: labels, parameter counts
  double mean = 0;                              // Value: mean over the n done trials, raw metric
  double sd = 0;                                // sample standard deviation (n - 1)
  bool has_sd = false;                          // n >= 2 and not an average over tasks
  int64_t n = 0;                                // done trials in the mean
  int64_t failed = 0, running = 0, queued = 0;  // trials of this cell not in the mean
  int64_t no_value = 0;                         // done trials that lack this metric (NaN)
  // Trials in the mean that ended at their budget still improving (TrialEnding: judged and not
  // converged); per-task cells only.
  int64_t not_converged = 0;
  int64_t flat = 0;   // trials in the mean that were flat (TrialEnding::flat)
  bool bold = false;  // best in its column (higher is better)

  static Cell label(std::string text);  // a Text cell
};

enum class ColumnKind { Label, Score, Average, Text };

// How a Score or Average column shows its raw values: 0.853 as "85.3" (the default, GLUE
// metrics ×100), NIST 8.7712 as "8.77" (scale 1, two decimals), TER with the lowest best.
struct MetricFormat {
  double scale = 100;
  int decimals = 1;
  bool lower_is_better = false;
};

struct Column {
  ColumnKind kind = ColumnKind::Text;
  std::string group;   // header spanning neighbours with the same group ("MRPC"); "" = none
  std::string name;    // "Method", "Acc", "Avg.", "Params (train)"
  std::string task;    // Score: TrialData::task; "" otherwise
  std::string metric;  // Score: "split/name" or "main"; Average: "average"; else ""
  std::vector<std::pair<std::string, std::string>> keys;  // pivot: {column key, its value}
  MetricFormat format;                                    // Score / Average display
};

struct Row {
  std::vector<Cell> cells;                                  // one per column; [0] the label
  std::vector<std::pair<std::string, std::string>> keys;    // config keys naming the row
  std::vector<std::pair<std::string, std::string>> extras;  // CSV-only facts (params_*)
};

// What a table shows: the methods (main, or one generation task's), one swept key, a pivot.
enum class TableKind { Main, Generation, Ablation, Pivot, Diagnostics };

struct Table {
  TableKind kind = TableKind::Main;
  std::string name;     // selects it (--table NAME) and names its files: "main", "experts"
  std::string title;    // "Main results", "Number of experts"
  std::string caption;  // what the numbers are, what was held fixed or pooled
  std::vector<Column> columns;
  std::vector<Row> rows;
  std::vector<std::string> key_names;    // CSV: one column per config key naming the rows
  std::vector<std::string> extra_names;  // CSV: one column per Row::extras entry
  // Provenance, in order: sweep, software, backbone, newest result, trials.
  std::vector<std::pair<std::string, std::string>> footer;
  bool partial = false;             // trials behind it are still running or queued
  int64_t running = 0, queued = 0;  // those trials
};

// "done", "failed", "running", "queued", joined with '+' in that order for the trials behind
// the cell ("done+failed"); "missing" when it has none. Text cells give "".
std::string cell_status(const Cell& cell);

// " (1 failed, 2 running)": the trials a cell holds beyond what its state shows, and those of
// its mean that were still improving at their last step ("1 not converged"); "" if none.
std::string cell_notes(const Cell& cell);

// Bolds the best Value (highest mean, or lowest where the column's format says so; ties all
// bold) of every Score and Average column that has at least two values.
void mark_best(Table& table);

// "Partial: 1 running and 2 queued trials are not in these numbers yet."; "" when complete.
std::string partial_note(const Table& table);

}  // namespace adamix::reports
