#pragma once
// Which tasks a run holds and which metric columns each task gets, in the paper's order.
//
//   for (const auto& task : adamix::reports::task_columns(data))
//     std::cout << task.label << ": " << task.metrics.front();   // "MRPC: dev/accuracy"
#include <string>
#include <vector>

#include "reports/run_data.h"

namespace adamix::reports {

struct TaskColumns {
  std::string task;   // TrialData::task
  std::string label;  // "MNLI", "SST-2", "STS-B"; other names as they are
  // "split/name", the main metric first: MNLI dev_matched/accuracy + dev_mismatched/accuracy,
  // QQP and MRPC accuracy + f1, CoLA mcc, STS-B pearson + spearman, other GLUE tasks accuracy;
  // any other task its trials' main metric, then whatever else their best steps hold (sorted);
  // "main" (each trial's own main metric) while none of its trials has reported.
  std::vector<std::string> metrics;
};

// GLUE tasks in the paper's order (MNLI, QNLI, SST-2, QQP, MRPC, CoLA, RTE, STS-B, WNLI), then
// the others by first trial position.
std::vector<TaskColumns> task_columns(const RunData& data);

std::string task_label(const std::string& task);  // "sst2" -> "SST-2"
// Short header of a metric under its task: "Acc", "F1", "MCC", "Pearson", "Spearman"; MNLI's
// splits "m" / "mm"; another split is named in front ("test Acc"); "main" is "Score".
std::string metric_label(const std::string& metric);

}  // namespace adamix::reports
