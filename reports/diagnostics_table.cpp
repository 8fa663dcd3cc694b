// expert_diagnostics_table(): the mixtures' per-expert diagnostics at their last evaluation
// (core/train/expert_diagnostics.h writes them), one row per method and task (tables.h).
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "reports/method_label.h"
#include "reports/score_cells.h"
#include "reports/tables.h"

namespace adamix::reports {
namespace {

// One number of a trial's last evaluation, derived from its expert/* metrics; NaN when absent.
using Measure = double (*)(const std::map<std::string, double>& metrics);

// Values of the keys "expert/<prefix><i>" for i = 0, 1, ...
std::vector<double> indexed(const std::map<std::string, double>& m, const std::string& prefix) {
  std::vector<double> values;
  for (int i = 0;; ++i) {
    const auto it = m.find("expert/" + prefix + std::to_string(i));
    if (it == m.end()) return values;
    values.push_back(it->second);
  }
}

std::vector<double> pick_shares(const std::map<std::string, double>& m) {
  auto down = indexed(m, "picks_down_");
  const auto up = indexed(m, "picks_up_");
  down.insert(down.end(), up.begin(), up.end());
  return down;
}

double min_of(const std::vector<double>& v) {
  return v.empty() ? NAN : *std::min_element(v.begin(), v.end());
}
double max_of(const std::vector<double>& v) {
  return v.empty() ? NAN : *std::max_element(v.begin(), v.end());
}
double mean_of(const std::vector<double>& v) {
  if (v.empty()) return NAN;
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}
double key(const std::map<std::string, double>& m, const std::string& name) {
  const auto it = m.find(name);
  return it == m.end() ? NAN : it->second;
}

struct DiagnosticColumn {
  const char* name;
  MetricFormat format;
  Measure measure;
};

const std::vector<DiagnosticColumn>& diagnostic_columns() {
  static const std::vector<DiagnosticColumn> columns = {
      {"Picks min %", {100, 1, false}, [](const auto& m) { return min_of(pick_shares(m)); }},
      {"Picks max %", {100, 1, false}, [](const auto& m) { return max_of(pick_shares(m)); }},
      {"|\xCE\x94| down",
       {1, 3, false},
       [](const auto& m) { return mean_of(indexed(m, "delta_down_")); }},
      {"|\xCE\x94| up",
       {1, 3, false},
       [](const auto& m) { return mean_of(indexed(m, "delta_up_")); }},
      {"cos down", {1, 2, false}, [](const auto& m) { return key(m, "expert/cosine_down"); }},
      {"cos up", {1, 2, false}, [](const auto& m) { return key(m, "expert/cosine_up"); }},
      {"Update / x", {1, 3, false}, [](const auto& m) { return key(m, "expert/update_ratio"); }},
  };
  return columns;
}

// The main metric under inference mode `mode` ("merged", "ensemble", "random-batch"), as
// train.eval_paths logs it ("dev@ensemble/accuracy"), or without the suffix when it is the
// trial's configured mode; NaN when absent.
double mode_score(const TrialData& t, const std::string& mode) {
  const std::string main = t.best ? t.best->main_metric : "";
  const auto slash = main.find('/');
  if (slash == std::string::npos) return NAN;
  const std::string key = main.substr(0, slash) + "@" + mode + main.substr(slash);
  if (const auto it = t.last_metrics.find(key); it != t.last_metrics.end()) return it->second;
  if (t.value("method.inference") == mode)
    if (const auto it = t.last_metrics.find(main); it != t.last_metrics.end()) return it->second;
  return NAN;
}

// The best and worst single expert path's main metric ("dev@fixed:I,J/..."); NaN without.
double path_score(const TrialData& t, bool best) {
  const std::string main = t.best ? t.best->main_metric : "";
  const auto slash = main.find('/');
  if (slash == std::string::npos) return NAN;
  const std::string prefix = main.substr(0, slash) + "@fixed:", suffix = main.substr(slash);
  std::vector<double> values;
  for (const auto& [key, value] : t.last_metrics)
    if (key.rfind(prefix, 0) == 0 && key.size() > suffix.size() &&
        key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0)
      values.push_back(value);
  return best ? max_of(values) : min_of(values);
}

bool has_paths(const Trials& trials) {
  for (const auto* t : trials)
    if (std::isfinite(path_score(*t, true))) return true;
  return false;
}

bool has_diagnostics(const TrialData& t) { return t.last_metrics.count("expert/delta_down_0") > 0; }

// "2/3": the done trials that converged (stopped early or plateaued) of those with an ending;
// "0/2 (1 flat)" when some were flat (TrialEnding::flat).
std::string converged_text(const Trials& trials) {
  int64_t converged = 0, ended = 0, flat = 0;
  for (const auto* t : trials) {
    if (!t->ending || !t->ending->judged) continue;
    ++ended;
    converged += t->ending->converged ? 1 : 0;
    flat += t->ending->flat ? 1 : 0;
  }
  if (ended == 0) return "\xE2\x80\x94";
  return std::to_string(converged) + "/" + std::to_string(ended) +
         (flat > 0 ? " (" + std::to_string(flat) + " flat)" : "");
}

// "960", "640-960": the last steps trained; " (early)" when early stopping ended any.
std::string stop_text(const Trials& trials) {
  int64_t low = std::numeric_limits<int64_t>::max(), high = -1;
  bool early = false;
  for (const auto* t : trials) {
    if (!t->ending) continue;
    low = std::min(low, t->ending->stop_step);
    high = std::max(high, t->ending->stop_step);
    early = early || t->ending->stopped_early;
  }
  if (high < 0) return "\xE2\x80\x94";
  std::string text = std::to_string(low);
  if (high != low) text += "-" + std::to_string(high);
  return early ? text + " (early)" : text;
}

}  // namespace

std::optional<Table> expert_diagnostics_table(const RunData& data) {
  std::vector<std::pair<std::string, std::string>> order;  // (method, task)
  std::map<std::pair<std::string, std::string>, Trials> groups;
  Trials all;
  for (const auto& t : data.trials) {
    if (!has_diagnostics(t)) continue;
    const auto group = std::make_pair(t.method, t.task);
    if (!groups.count(group)) order.push_back(group);
    groups[group].push_back(&t);
    all.push_back(&t);
  }
  if (order.empty()) return std::nullopt;
  Trials representatives;
  for (const auto& group : order) representatives.push_back(groups[group].front());
  const auto labels = method_labels(representatives);

  Table table;
  table.kind = TableKind::Diagnostics;
  table.name = "expert-diagnostics";
  table.title = "Expert diagnostics";
  table.caption =
      "The mixtures at their last evaluation, mean \xC2\xB1 sample sd over seeds. Picks: the "
      "least and most drawn expert's share of the training draws (uniform: 100/M). |\xCE\x94|: "
      "an expert's distance from its initialisation (weights and biases), mean over experts and "
      "layers; down = down-projection / LoRA A, up = up-projection / B. cos: mean pairwise "
      "cosine between the experts' \xCE\x94 (1: they moved alike). Update / x: the module's "
      "output update over its input, under the inference mode. Converged: trials that stopped "
      "early or had not improved their dev metric over their last evaluations (patience, 3 by "
      "default); flat: never beat their first evaluation by more than 1% of the metric (not "
      "counted as converged); Steps: the last step trained.";
  table.columns.push_back({ColumnKind::Label, "", "Method", "", "", {}, {}});
  table.columns.push_back({ColumnKind::Text, "", "Task", "", "", {}, {}});
  for (const auto& column : diagnostic_columns())
    table.columns.push_back({ColumnKind::Score, "", column.name, "", "", {}, column.format});
  // train.eval_paths: the main metric of the same model under each inference mode.
  using ModeScore = std::function<double(const TrialData&)>;
  std::vector<std::pair<const char*, ModeScore>> modes;
  if (has_paths(all)) {
    modes = {{"Merged", [](const TrialData& t) { return mode_score(t, "merged"); }},
             {"Ensemble", [](const TrialData& t) { return mode_score(t, "ensemble"); }},
             {"Random-batch", [](const TrialData& t) { return mode_score(t, "random-batch"); }},
             {"Best path", [](const TrialData& t) { return path_score(t, true); }},
             {"Worst path", [](const TrialData& t) { return path_score(t, false); }}};
    table.caption +=
        " Merged ... Worst path: the main dev metric \xC3\x97"
        "100 of the same model at its last evaluation under each inference mode "
        "(train.eval_paths), a path being one fixed expert pair.";
  }
  for (const auto& [name, score] : modes)
    table.columns.push_back({ColumnKind::Score, "", name, "", "", {}, MetricFormat{}});
  for (const char* name : {"Converged", "Steps", "Seeds"})
    table.columns.push_back({ColumnKind::Text, "", name, "", "", {}, {}});
  for (size_t g = 0; g < order.size(); ++g) {
    const auto& trials = groups[order[g]];
    Row row;
    row.cells.push_back(Cell::label(labels[g]));
    row.cells.push_back(Cell::label(order[g].second));
    for (const auto& column : diagnostic_columns()) {
      std::vector<double> values;
      for (const auto* t : trials)
        if (t->status == storage::TrialStatus::Done)
          values.push_back(column.measure(t->last_metrics));
      row.cells.push_back(mean_cell(values));
    }
    for (const auto& [name, score] : modes) {
      std::vector<double> values;
      for (const auto* t : trials)
        if (t->status == storage::TrialStatus::Done) values.push_back(score(*t));
      row.cells.push_back(mean_cell(values));
    }
    row.cells.push_back(Cell::label(converged_text(trials)));
    row.cells.push_back(Cell::label(stop_text(trials)));
    row.cells.push_back(Cell::label(std::to_string(trials.size())));
    table.rows.push_back(std::move(row));
  }
  finish_table(table, data, all);
  for (auto& row : table.rows)
    for (auto& cell : row.cells) cell.bold = false;  // no "best" among diagnostics
  return table;
}

}  // namespace adamix::reports
