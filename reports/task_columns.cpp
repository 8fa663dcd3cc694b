#include "reports/task_columns.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace adamix::reports {
namespace {

struct GlueTask {
  const char* name;   // canonical: lower case, no '-' or '_'
  const char* label;  // as the paper prints it
  std::vector<std::string> metrics;
};

// The paper's column order (Table 2 of AdaMix, after LoRA) and each task's reported metrics,
// main metric first (core/data/task_spec.cpp selects on the same one).
const std::vector<GlueTask>& glue() {
  static const std::vector<GlueTask> tasks = {
      {"mnli", "MNLI", {"dev_matched/accuracy", "dev_mismatched/accuracy"}},
      {"qnli", "QNLI", {"dev/accuracy"}},
      {"sst2", "SST-2", {"dev/accuracy"}},
      {"qqp", "QQP", {"dev/accuracy", "dev/f1"}},
      {"mrpc", "MRPC", {"dev/accuracy", "dev/f1"}},
      {"cola", "CoLA", {"dev/mcc"}},
      {"rte", "RTE", {"dev/accuracy"}},
      {"stsb", "STS-B", {"dev/pearson", "dev/spearman"}},
      {"wnli", "WNLI", {"dev/accuracy"}},
  };
  return tasks;
}

std::string canonical(const std::string& name) {
  std::string text;
  for (char c : name) {
    if (c == '-' || c == '_') continue;
    text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

const GlueTask* find_glue(const std::string& task) {
  const auto name = canonical(task);
  for (const auto& g : glue()) {
    if (name == g.name) return &g;
  }
  return nullptr;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

std::string task_label(const std::string& task) {
  const auto* g = find_glue(task);
  return g ? g->label : task;
}

std::string metric_label(const std::string& metric) {
  if (metric == "main") return "Score";
  static const std::map<std::string, std::string> names = {{"accuracy", "Acc"},
                                                           {"f1", "F1"},
                                                           {"mcc", "MCC"},
                                                           {"pearson", "Pearson"},
                                                           {"spearman", "Spearman"}};
  const auto slash = metric.find('/');
  const auto split = slash == std::string::npos ? "" : metric.substr(0, slash);
  const auto name = slash == std::string::npos ? metric : metric.substr(slash + 1);
  const auto found = names.find(name);
  const auto short_name = found == names.end() ? name : found->second;
  if (split == "dev" || split.empty()) return short_name;
  const auto short_split = split == "dev_matched"      ? std::string("m")
                           : split == "dev_mismatched" ? std::string("mm")
                                                       : split;
  if (name == "accuracy" && (short_split == "m" || short_split == "mm")) return short_split;
  return short_split + " " + short_name;
}

std::vector<TaskColumns> task_columns(const RunData& data) {
  std::vector<std::string> order;  // first appearance by position
  std::map<std::string, std::vector<std::string>> seen;
  std::map<std::string, std::set<std::string>> extra;
  for (const auto& t : data.trials) {
    add_unique(order, t.task);
    auto& metrics = seen[t.task];
    if (t.facts) add_unique(metrics, t.facts->main_metric);
    if (t.best) {
      add_unique(metrics, t.best->main_metric);
      for (const auto& entry : t.best->metrics) extra[t.task].insert(entry.first);
    }
  }
  std::vector<TaskColumns> columns;
  const auto add = [&](const std::string& task, std::vector<std::string> metrics) {
    for (const auto& m : seen[task]) add_unique(metrics, m);
    for (const auto& m : extra[task]) add_unique(metrics, m);
    if (metrics.empty()) metrics.push_back("main");  // nothing reported yet: one column
    columns.push_back({task, task_label(task), std::move(metrics)});
  };
  for (const auto& g : glue()) {
    for (const auto& task : order) {
      if (find_glue(task) == &g) add(task, g.metrics);
    }
  }
  for (const auto& task : order) {
    if (!find_glue(task)) add(task, {});
  }
  return columns;
}

}  // namespace adamix::reports
