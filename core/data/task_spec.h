#pragma once
// What a task is: inputs, labels, metrics and the metric that picks the best epoch. The GLUE
// tasks are built in; a make-task folder describes itself in task.json.
//
//   const TaskSpec& mnli = adamix::data::glue_task("MNLI");
//   mnli.labels;       // {"contradiction", "entailment", "neutral"}: class id = index
//   mnli.dev_splits;   // {"dev_matched", "dev_mismatched"}: main_metric is read on the first
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/metrics/metric.h"

namespace adamix::data {

struct TaskSpec {
  std::string name;         // canonical: "cola", "sst2", ..., or task.json's name
  bool synthetic = false;   // a make-task folder
  std::string kind;         // synthetic only: "single" | "pair" | "regression"
  bool pair = false;        // two texts per example (text_a, text_b); kind pair, or a regression
  bool regression = false;  // one real-valued output (STS-B); labels is then empty
  std::vector<std::string> labels;       // label vocabulary as written in the files; id = index
  std::vector<metrics::Metric> metrics;  // reported on every dev split
  metrics::Metric main_metric = metrics::Metric::Accuracy;  // best epoch, on dev_splits[0]
  std::vector<std::string> dev_splits;   // file stems: {"dev"}; MNLI matched + mismatched
  std::vector<std::string> test_splits;  // unlabeled, loaded when present

  // Size of the head's output: 1 for regression, else the number of labels.
  int64_t num_outputs() const;
};

// "MNLI", "mnli", "SST-2", "sst2", "sts_b" -> "mnli", "sst2", "stsb": lower case without '-'
// and '_'. Any other text is returned lower-cased the same way (not checked).
std::string canonical_task_name(const std::string& name);

// The built-in spec of a GLUE task, by any spelling canonical_task_name accepts. ConfigError
// listing the GLUE names otherwise.
const TaskSpec& glue_task(const std::string& name);
bool is_glue_task(const std::string& name);
const std::vector<std::string>& glue_task_names();  // canonical, in GLUE's order

// The NLG task names the trial config accepts (e2e, webnlg, dart); their loaders live elsewhere.
bool is_nlg_task(const std::string& name);

// The spec of a make-task folder, from dir/task.json (format "adamix-synthetic-task",
// version 1): name, kind, labels, metrics, main_metric (any listed metric: f1 for a
// paraphrase task, mcc for acceptability), and optionally pair (default: kind == "pair"; true
// with kind regression reads sentence pairs, as STS-B). IoError when the file is missing or
// not JSON; ConfigError naming the file and key for a missing or bad field.
TaskSpec read_synthetic_task(const std::filesystem::path& dir);
// What a folder's task.json makes of it for a trial config: task.name "synthetic" (make-task's
// classification folders) or "data-to-text" (its NLG folders), and the name task.json gives the
// task ("acceptability"). nullopt without a task.json or for another format (a corpus); IoError
// when task.json is not JSON.
struct TaskFolderName {
  std::string config_name;
  std::string own_name;
};
std::optional<TaskFolderName> read_task_folder_name(const std::filesystem::path& dir);

// The task.json keys read_synthetic_task reads, for `spec`; make_task adds its own on top.
nlohmann::json synthetic_task_json(const TaskSpec& spec);

}  // namespace adamix::data
