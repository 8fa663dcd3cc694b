#pragma once
// Which tasks a run holds and which metric columns each task gets, in the paper's order.
//
//   for (const auto& task : adamix::reports::task_columns(data))
//     std::cout << task.label << ": " << task.metrics.front();   // "MRPC: dev/accuracy"
#include <string>
#include <vector>

#include "reports/run_data.h"
#include "reports/table.h"

namespace adamix::reports {

// Which generation metrics a task's trials report (worker/nlg_trial.cpp): the E2E challenge's
// (BLEU as a fraction, NIST, METEOR, ROUGE-L, CIDEr; E2E and data-to-text) or GenerationEval's
// (BLEU 0-100, METEOR, TER; WebNLG and DART). None: a classification task.
enum class NlgStyle { None, E2e, GenerationEval };

struct TaskColumns {
  std::string task;   // TrialData::task
  std::string label;  // "MNLI", "SST-2", "STS-B", "E2E (test)"; other names as they are
  // "split/name", the main metric first: MNLI dev_matched/accuracy + dev_mismatched/accuracy,
  // QQP and MRPC accuracy + f1, CoLA mcc, STS-B pearson + spearman, other GLUE tasks accuracy;
  // any other task its trials' main metric, then whatever else their best steps hold (sorted);
  // "main" (each trial's own main metric) while none of its trials has reported.
  // A generation task (style not None) has the paper's columns instead, on the test split when
  // its trials scored it (task.score_test), else on dev: E2E style bleu nist meteor rouge_l
  // cider; GenerationEval style bleu meteor ter, each for test_seen, test_unseen and test
  // (WebNLG's S, U, A) when the trials report seen and unseen scores.
  std::vector<std::string> metrics;
  std::vector<std::string> headers;   // one per metric: "Acc", "BLEU", "TER S"
  std::vector<MetricFormat> formats;  // one per metric
  NlgStyle style = NlgStyle::None;
};

// GLUE tasks in the paper's order (MNLI, QNLI, SST-2, QQP, MRPC, CoLA, RTE, STS-B, WNLI), then
// the others by first trial position.
std::vector<TaskColumns> task_columns(const RunData& data);

// The generation metrics these trials report (at their best or last evaluation), if any.
NlgStyle nlg_style(const std::vector<const TrialData*>& trials);
// How a metric is shown: ×100 with one decimal, except the generation metrics the paper
// prints raw (NIST, CIDEr; GenerationEval's BLEU, METEOR and TER, TER lower-is-better).
MetricFormat metric_format(const std::string& metric, NlgStyle style);

std::string task_label(const std::string& task);  // "sst2" -> "SST-2"
// Short header of a metric under its task: "Acc", "F1", "MCC", "Pearson", "Spearman", "BLEU",
// "MET", "ROUGE-L"; MNLI's splits "m" / "mm"; another split is named in front ("test Acc");
// "main" is "Score".
std::string metric_label(const std::string& metric);

}  // namespace adamix::reports
