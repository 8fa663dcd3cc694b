#include "reports/figures.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

#include "reports/method_label.h"
#include "reports/task_columns.h"

namespace adamix::reports {
namespace {

// A file-name-safe stem: letters, digits, '-' and '.'; anything else becomes '-'.
std::string stem(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' ? c : '-';
  return out;
}

Chart chart_of(std::string title, std::string x_label, std::string y_label, ChartKind kind) {
  Chart chart;
  chart.title = std::move(title);
  chart.x_label = std::move(x_label);
  chart.y_label = std::move(y_label);
  chart.kind = kind;
  return chart;
}

// Mean over trials of `metric` ("split/name") at each step any of them reported. With
// `prefix`, a trial's value at a step is the mean of its keys starting with `metric` (the
// experts' "expert/delta_down_<i>").
Series mean_curve(const RunData& data, const std::vector<const TrialData*>& trials,
                  const std::string& metric, std::string label, bool prefix = false) {
  std::map<int64_t, std::pair<double, int>> sums;
  for (const auto* trial : trials) {
    std::map<int64_t, std::pair<double, int>> own;
    for (const auto& point : load_curve(data.run_dir, trial->id)) {
      const std::string key = point.split + "/" + point.name;
      const bool match = prefix ? key.rfind(metric, 0) == 0 : key == metric;
      if (match && std::isfinite(point.value)) {
        auto& [sum, count] = own[point.step];
        sum += point.value;
        ++count;
      }
    }
    for (const auto& [step, sum_count] : own) {
      auto& [sum, count] = sums[step];
      sum += sum_count.first / sum_count.second;
      ++count;
    }
  }
  Series series{std::move(label), {}, {}, {}};
  for (const auto& [step, sum_count] : sums) {
    series.x.push_back(static_cast<double>(step));
    series.y.push_back(sum_count.first / sum_count.second);
  }
  return series;
}

// One task's trials grouped by method, in first-appearance order, with readable labels.
struct MethodGroups {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const TrialData*>> trials;
  std::vector<std::string> labels;  // method_labels, one per entry of `order`
};

MethodGroups methods_of(const RunData& data, const std::string& task,
                        const std::function<bool(const TrialData&)>& keep) {
  MethodGroups groups;
  for (const auto& trial : data.trials) {
    if (trial.task != task || !keep(trial)) continue;
    if (!groups.trials.count(trial.method)) groups.order.push_back(trial.method);
    groups.trials[trial.method].push_back(&trial);
  }
  std::vector<const TrialData*> representatives;
  for (const auto& method : groups.order) representatives.push_back(groups.trials[method].front());
  groups.labels = method_labels(representatives);
  return groups;
}

// Adds `series` to `chart` unless it has no point.
void add_series(Chart& chart, Series series) {
  if (!series.x.empty()) chart.series.push_back(std::move(series));
}

// Adds the figure unless its chart has no series.
void add_figure(std::vector<Figure>& figures, std::string name, std::string caption, Chart chart) {
  if (!chart.series.empty())
    figures.push_back({std::move(name), std::move(caption), std::move(chart)});
}

// Dev main metric and training loss against the step, one chart each per task.
void learning_curves(const RunData& data, std::vector<Figure>& figures) {
  for (const auto& task : task_columns(data)) {
    const auto methods = methods_of(data, task.task, [](const TrialData&) { return true; });
    // A generation task's scores exist once, at the end: its curve is the dev LM loss.
    const std::string metric =
        task.style == NlgStyle::None ? task.metrics.front() : std::string("dev/loss");
    if (metric == "main") continue;  // nothing reported yet
    const auto label = task_label(task.task);
    auto dev =
        chart_of(label + ": " + metric + " during training", "step", metric, ChartKind::Lines);
    auto loss = chart_of(label + ": training loss", "step", "train/loss", ChartKind::Lines);
    dev.markers = loss.markers = false;
    for (size_t m = 0; m < methods.order.size(); ++m) {
      const auto& trials = methods.trials.at(methods.order[m]);
      add_series(dev, mean_curve(data, trials, metric, methods.labels[m]));
      add_series(loss, mean_curve(data, trials, "train/loss", methods.labels[m]));
    }
    const auto name = stem(label);
    add_figure(figures, "curve-" + name,
               label + ": " + metric + " on dev at each evaluation, mean over seeds.",
               std::move(dev));
    add_figure(figures, "loss-" + name,
               label +
                   ": training loss (one step's loss, sampled about 100 times per trial), "
                   "mean over seeds.",
               std::move(loss));
  }
}

// Per task with expert diagnostics: the experts' mean |Δ| (down side) and their mean pairwise
// cosine against the step, and the training CE and consistency terms, one line per method.
void expert_curves(const RunData& data, std::vector<Figure>& figures) {
  for (const auto& task : task_columns(data)) {
    const auto methods = methods_of(data, task.task, [](const TrialData& t) {
      return t.last_metrics.count("expert/delta_down_0") > 0;
    });
    if (methods.order.empty()) continue;
    const auto label = task_label(task.task);
    auto delta = chart_of(label + ": experts' distance from their initialisation", "step",
                          "mean |delta| (down)", ChartKind::Lines);
    auto cosine = chart_of(label + ": agreement between experts", "step",
                           "mean pairwise cosine of delta (down)", ChartKind::Lines);
    auto terms =
        chart_of(label + ": training CE and consistency", "step", "loss term", ChartKind::Lines);
    delta.markers = cosine.markers = terms.markers = false;
    for (size_t m = 0; m < methods.order.size(); ++m) {
      const auto& trials = methods.trials.at(methods.order[m]);
      const auto& method = methods.labels[m];
      add_series(delta, mean_curve(data, trials, "expert/delta_down_", method, /*prefix=*/true));
      add_series(cosine, mean_curve(data, trials, "expert/cosine_down", method));
      add_series(terms, mean_curve(data, trials, "train/task_loss", method + " CE"));
      add_series(terms, mean_curve(data, trials, "train/consistency", method + " consistency"));
    }
    const auto name = stem(label);
    const std::string seeds = ", mean over seeds.";
    add_figure(figures, "experts-delta-" + name,
               label +
                   ": each expert's distance from its initialisation at each evaluation, "
                   "mean over experts and layers" +
                   seeds,
               std::move(delta));
    add_figure(figures, "experts-cosine-" + name,
               label +
                   ": mean pairwise cosine between the experts' updates (1: they moved "
                   "alike)" +
                   seeds,
               std::move(cosine));
    add_figure(figures, "experts-terms-" + name,
               label + ": the training CE and the (unweighted) consistency term" + seeds,
               std::move(terms));
  }
}

bool numeric(const std::string& text, double& value) {
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && end != nullptr && *end == '\0' && std::isfinite(value);
}

// One chart per ablation table: its key against each task's main metric.
void ablation_chart(const Table& table, std::vector<Figure>& figures) {
  if (table.kind != TableKind::Ablation || table.key_names.size() != 1) return;
  const auto& key = table.key_names.front();
  std::vector<size_t> columns;  // the first score column of each task
  std::vector<std::string> seen;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const auto& column = table.columns[c];
    if (column.kind != ColumnKind::Score) continue;
    if (std::find(seen.begin(), seen.end(), column.task) != seen.end()) continue;
    seen.push_back(column.task);
    columns.push_back(c);
  }
  if (columns.empty() || table.rows.size() < 2) return;
  std::vector<double> xs;
  bool all_numeric = true;
  for (const auto& row : table.rows) {
    double x = 0;
    const auto found = std::find_if(row.keys.begin(), row.keys.end(),
                                    [&](const auto& k) { return k.first == key; });
    all_numeric = all_numeric && found != row.keys.end() && numeric(found->second, x);
    xs.push_back(x);
  }
  auto chart = chart_of(table.title, key, "main dev metric (mean ± sd over seeds)",
                        all_numeric ? ChartKind::Lines : ChartKind::Bars);
  if (all_numeric) {
    // Sizes and expert counts double from row to row: a log axis spaces them evenly.
    const auto [lo, hi] = std::minmax_element(xs.begin(), xs.end());
    chart.log_x = *lo > 0 && *hi / *lo >= 4;
  } else {
    for (const auto& row : table.rows) chart.x_categories.push_back(row.cells.front().text);
  }
  std::vector<size_t> order(table.rows.size());  // lines run left to right: rows sorted by x
  for (size_t r = 0; r < order.size(); ++r) order[r] = r;
  if (all_numeric)
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return xs[a] < xs[b]; });
  for (size_t c : columns) {
    const auto& column = table.columns[c];
    Series series{column.group.empty() ? column.task : column.group, {}, {}, {}};
    for (size_t r : order) {
      const auto& cell = table.rows[r].cells[c];
      const bool value = cell.state == CellState::Value;
      series.x.push_back(all_numeric ? xs[r] : static_cast<double>(r));
      series.y.push_back(value ? cell.mean : std::nan(""));
      series.y_error.push_back(value && cell.has_sd ? cell.sd : 0.0);
    }
    chart.series.push_back(std::move(series));
  }
  figures.push_back({"ablation-" + stem(table.name),
                     table.title + ": each task's main dev metric against " + key +
                         ", the other settings at the base (error bars: sd over seeds).",
                     std::move(chart)});
}

}  // namespace

// What an ensemble costs next to the merged module: it runs every expert path, M per mixed
// side (adapter down/up, LoRA A/B), a shared side counting once (docs/method.md).
std::string ensemble_cost(const RunData& data) {
  for (const auto& trial : data.trials) {
    if (trial.value("method.inference") != "ensemble") continue;
    const auto experts = std::atoll(trial.value("method.experts").c_str());
    const auto& share = trial.value("method.share");
    const long long paths = (share == "down" ? 1 : experts) * (share == "up" ? 1 : experts);
    return " The ensemble runs " + std::to_string(paths) +
           " expert paths per example, so its inference costs " + std::to_string(paths) +
           " times the merged module's.";
  }
  return "";
}

std::vector<Figure> report_figures(const RunData& data, const std::vector<Table>& tables) {
  std::vector<Figure> figures;
  learning_curves(data, figures);
  expert_curves(data, figures);
  for (const auto& table : tables) {
    ablation_chart(table, figures);
    const bool inference = table.key_names == std::vector<std::string>{"method.inference"};
    if (inference && !figures.empty() && figures.back().name == "ablation-" + stem(table.name))
      figures.back().caption += ensemble_cost(data);
  }
  return figures;
}

}  // namespace adamix::reports
