#pragma once
// The tables of `adamix report`, built from a loaded run. Each trial contributes the metrics of
// its best dev step (the reference selects the best epoch on dev); a cell is the mean and
// sample standard deviation over the done seeds of one configuration on one task, and names the
// trials it lacks (failed, running, queued) instead of dropping them.
//
//   auto data = adamix::reports::load_run("runs/ablations");
//   for (const auto& table : adamix::reports::report_tables(data))
//     std::cout << adamix::reports::render(table, adamix::reports::Format::Markdown);
//   auto t = adamix::reports::pivot_table(data, {"method.experts", "task.name", "dev/accuracy"});
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/run_data.h"
#include "reports/table.h"

namespace adamix::reports {

// The paper's main table (name "main"): one row per method (config without task and seed,
// labelled by method_labels), one column per classification task metric (task_columns),
// "Avg." (mean over tasks of each task's first metric; only with two or more tasks), trainable
// parameters while training and after merging with their share of the backbone, and the seed
// count.
Table main_table(const RunData& data);

// The paper's NLG tables: one per generation task (E2E: BLEU NIST MET ROUGE-L CIDEr; WebNLG:
// BLEU, MET, TER for seen, unseen and all categories; DART: BLEU MET TER; task_columns says
// which split), rows and parameter columns as main_table's. Named by the task: "e2e",
// "webnlg", "dart", "data-to-text".
std::vector<Table> nlg_tables(const RunData& data);

// One table per swept config key K: the trials whose `changes` (train.seed and task.* aside)
// touch only K, plus the base trials (no such changes); rows are K's values in sweep order,
// columns as in main_table but without parameters. When two ablation groups of the spec vary
// the same key (inference-routing and merge-vs-ensemble both vary method.inference), each gets
// its own table, sharing the base rows. Tables with a single row are left out. Names: the
// spec's ablation group when the table is one group's, else the key; titles readable for the
// paper's axes ("Routing at inference", "Merge vs ensemble", "Consistency regularization",
// "Sharing", "Number of experts", "Bottleneck size"), else the group and key.
std::vector<Table> ablation_tables(const RunData& data);

struct PivotSpec {
  std::string rows;             // dotted config key: "method.experts"; "task.name" (or "task")
  std::string columns;          // the same, for the columns
  std::string metric = "main";  // "split/name" ("dev/f1") or "main": each trial's main metric
};

// Name "pivot". Each cell pools every trial with that row and column value (its caption names
// the other keys that vary inside a cell). ConfigError for a key no trial config has, the same
// key twice, or a metric that no trial reported (listing the known ones).
Table pivot_table(const RunData& data, const PivotSpec& spec);

// "expert-diagnostics": one row per mixture method and task whose trials logged per-expert
// diagnostics (core/train/expert_diagnostics.h), their values at the last evaluation: the least
// and most picked expert's share, mean |Δ| per side, the experts' mean pairwise cosine per side,
// the update ratio; then how many seeds converged and the steps trained. nullopt when no trial
// has diagnostics.
std::optional<Table> expert_diagnostics_table(const RunData& data);

// main_table (unless the run holds generation tasks only), nlg_tables, ablation_tables, then
// expert_diagnostics_table: what `adamix report` writes by default.
std::vector<Table> report_tables(const RunData& data);

// The table called `name` (--table NAME); ConfigError listing the names there are otherwise.
const Table& find_table(const std::vector<Table>& tables, const std::string& name);

// The footer every table carries: sweep name, software (sweeps.software), backbone (first 12
// hex digits of the trials' backbone sha256; "mixed" when they differ), newest result (the
// finish time of the newest done trial, "2026-11-25 03:10 UTC"), trial counts.
std::vector<std::pair<std::string, std::string>> run_footer(const RunData& data);

}  // namespace adamix::reports
