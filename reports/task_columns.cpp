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

// The generation tasks by name (task.name of worker/nlg_trial.cpp), with the paper's label.
struct NlgTask {
  const char* name;  // canonical
  const char* label;
  NlgStyle style;
};

const NlgTask* find_nlg(const std::string& task_name) {
  static const NlgTask tasks[] = {{"e2e", "E2E", NlgStyle::E2e},
                                  {"webnlg", "WebNLG", NlgStyle::GenerationEval},
                                  {"dart", "DART", NlgStyle::GenerationEval},
                                  {"datatotext", "data-to-text", NlgStyle::E2e}};
  const auto name = canonical(task_name);
  for (const auto& task : tasks) {
    if (name == task.name) return &task;
  }
  return nullptr;
}

bool reports(const TrialData& t, const std::string& metric) {
  return (t.best && t.best->metrics.count(metric)) || t.last_metrics.count(metric);
}

// The paper's columns of a generation task: which split, which metrics, their headers.
void nlg_columns(TaskColumns& task, const std::vector<const TrialData*>& trials) {
  const auto any = [&](const std::string& metric) {
    return std::any_of(trials.begin(), trials.end(),
                       [&](const TrialData* t) { return reports(*t, metric); });
  };
  const std::string split = any("test/bleu") ? "test" : "dev";
  task.label += " (" + split + ")";
  std::vector<std::pair<std::string, std::string>> names;  // metric name, header
  if (task.style == NlgStyle::E2e)
    names = {{"bleu", "BLEU"},
             {"nist", "NIST"},
             {"meteor", "MET"},
             {"rouge_l", "ROUGE-L"},
             {"cider", "CIDEr"}};
  else
    names = {{"bleu", "BLEU"}, {"meteor", "MET"}, {"ter", "TER"}};
  // WebNLG: seen, unseen and all categories (the paper's S, U, A) when the trials scored them.
  std::vector<std::pair<std::string, std::string>> splits = {{split, ""}};
  if (split == "test" && any("test_seen/bleu"))
    splits = {{"test_seen", " S"}, {"test_unseen", " U"}, {"test", " A"}};
  for (const auto& [name, header] : names) {
    for (const auto& [of, suffix] : splits) {
      task.metrics.push_back(of + "/" + name);
      task.headers.push_back(header + suffix);
      task.formats.push_back(metric_format(name, task.style));
    }
  }
}

}  // namespace

NlgStyle nlg_style(const std::vector<const TrialData*>& trials) {
  NlgStyle style = NlgStyle::None;
  for (const auto* t : trials) {
    if (const auto* known = find_nlg(t->value("task.name"))) return known->style;
    const auto look = [&](const std::map<std::string, double>& metrics) {
      for (const auto& entry : metrics) {
        const auto name = entry.first.substr(entry.first.find('/') + 1);
        if (name == "ter") style = NlgStyle::GenerationEval;
        if (name == "nist" && style == NlgStyle::None) style = NlgStyle::E2e;
      }
    };
    if (t->best) look(t->best->metrics);
    look(t->last_metrics);
  }
  return style;
}

MetricFormat metric_format(const std::string& metric, NlgStyle style) {
  const auto name = metric.substr(metric.find('/') + 1);
  if (name == "loss" || name == "perplexity") return {1, 3, true};
  if (style == NlgStyle::E2e && (name == "nist" || name == "cider")) return {1, 2, false};
  if (style == NlgStyle::GenerationEval) {
    if (name == "bleu" || name == "meteor") return {1, 2, false};
    if (name == "ter" || name == "ter_mean") return {1, 2, true};
  }
  return {};
}

std::string task_label(const std::string& task) {
  if (const auto* g = find_glue(task)) return g->label;
  if (const auto* n = find_nlg(task)) return n->label;
  return task;
}

std::string metric_label(const std::string& metric) {
  if (metric == "main") return "Score";
  static const std::map<std::string, std::string> names = {
      {"accuracy", "Acc"},      {"f1", "F1"},       {"mcc", "MCC"},   {"pearson", "Pearson"},
      {"spearman", "Spearman"}, {"bleu", "BLEU"},   {"nist", "NIST"}, {"meteor", "MET"},
      {"rouge_l", "ROUGE-L"},   {"cider", "CIDEr"}, {"ter", "TER"}};
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
  std::map<std::string, std::vector<const TrialData*>> of_task;
  for (const auto& t : data.trials) {
    add_unique(order, t.task);
    of_task[t.task].push_back(&t);
    auto& metrics = seen[t.task];
    if (t.facts) add_unique(metrics, t.facts->main_metric);
    if (t.best) {
      add_unique(metrics, t.best->main_metric);
      // Per-expert diagnostics and the other inference modes' scores (train.eval_paths) describe
      // the model, not the task: the diagnostics table, no columns here.
      for (const auto& entry : t.best->metrics)
        if (entry.first.rfind("expert/", 0) != 0 && entry.first.find('@') == std::string::npos)
          extra[t.task].insert(entry.first);
    }
  }
  std::vector<TaskColumns> columns;
  const auto add = [&](const std::string& task, std::vector<std::string> metrics) {
    TaskColumns columns_of{task, task_label(task), {}, {}, {}, nlg_style(of_task[task])};
    if (columns_of.style != NlgStyle::None) {
      nlg_columns(columns_of, of_task[task]);
      columns.push_back(std::move(columns_of));
      return;
    }
    for (const auto& m : seen[task]) add_unique(metrics, m);
    for (const auto& m : extra[task]) add_unique(metrics, m);
    if (metrics.empty()) metrics.push_back("main");  // nothing reported yet: one column
    for (const auto& m : metrics) {
      columns_of.headers.push_back(metric_label(m));
      columns_of.formats.push_back(metric_format(m, NlgStyle::None));
    }
    columns_of.metrics = std::move(metrics);
    columns.push_back(std::move(columns_of));
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
