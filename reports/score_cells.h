#pragma once
// Internal to reports/: the cells and columns the table builders share.
#include <string>
#include <vector>

#include "reports/run_data.h"
#include "reports/table.h"
#include "reports/task_columns.h"

namespace adamix::reports {

using Trials = std::vector<const TrialData*>;

// The trials' value of `metric` ("split/name" or "main") at their best step, or at their last
// evaluation when the best step lacks it (generation scores, measured once at the end): done
// trials with a finite value in the mean, every other trial in a count.
Cell score_cell(const Trials& trials, const std::string& metric);

// A Value cell of the finite `values` (mean, sample sd), non-finite ones counted as n/a;
// Missing when none is finite.
Cell mean_cell(const std::vector<double>& values);

// Mean over tasks of each task's main cell; not a Value unless every task has one.
Cell average_cell(const std::vector<Cell>& main_cells);

// One Score column per task metric, then "Avg." when there are two classification tasks or more.
std::vector<Column> score_columns(const std::vector<TaskColumns>& tasks);
// The cells of those columns for one row's trials (any tasks; split here).
std::vector<Cell> score_cells(const Trials& trials, const std::vector<TaskColumns>& tasks);

// "3", or "2-3" when the tasks of a row hold different numbers of done seeds.
Cell seeds_cell(const std::vector<Cell>& cells, const std::vector<Column>& columns);

// Footer, partial marker (from the running and queued trials among `fed`) and bold.
void finish_table(Table& table, const RunData& data, const Trials& fed);

extern const char kScoreCaption[];  // what a score cell holds

}  // namespace adamix::reports
