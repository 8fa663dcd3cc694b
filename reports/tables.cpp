#include "reports/tables.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "core/error.h"
#include "reports/method_label.h"
#include "reports/score_cells.h"
#include "reports/task_columns.h"

namespace adamix::reports {
namespace {

// 811008 -> "811K", 2027520 -> "2.03M", 355359744 -> "355M": three significant digits.
std::string format_count(int64_t count) {
  const double value = static_cast<double>(count);
  const char* unit = "";
  double scaled = value;
  if (value >= 1e9) {
    scaled = value / 1e9, unit = "B";
  } else if (value >= 1e6) {
    scaled = value / 1e6, unit = "M";
  } else if (value >= 1e3) {
    scaled = value / 1e3, unit = "K";
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.3g%s", scaled, unit);
  return text;
}

std::string format_params(int64_t count, int64_t backbone) {
  if (backbone <= 0) return format_count(count);
  char share[32];
  std::snprintf(share, sizeof share, "%.3g%%",
                100.0 * static_cast<double>(count) / static_cast<double>(backbone));
  return format_count(count) + " (" + share + ")";
}

// Method keys (no task.*, no seed) whose values differ between the representatives, in config
// order: the CSV columns that tell rows apart.
std::vector<std::string> varying_keys(const Trials& representatives) {
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const auto* first : representatives) {
    for (const auto& [key, value] : first->config) {
      if (key.rfind("task.", 0) == 0 || key == "train.seed" || !seen.insert(key).second) continue;
      for (const auto* other : representatives) {
        if (other->value(key) != value || !other->has_key(key)) {
          keys.push_back(key);
          break;
        }
      }
    }
  }
  return keys;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> run_footer(const RunData& data) {
  std::set<std::string> backbones;
  std::string newest;
  for (const auto& t : data.trials) {
    if (t.facts && !t.facts->backbone_sha256.empty())
      backbones.insert(t.facts->backbone_sha256.substr(0, 12));
    if (t.status == storage::TrialStatus::Done && t.finished > newest) newest = t.finished;
  }
  std::string when = "none yet";
  if (newest.size() >= 16) {  // "2026-11-25T03:10:05.123Z" -> "2026-11-25 03:10 UTC"
    when = newest.substr(0, 10) + " " + newest.substr(11, 5) + " UTC";
  } else if (!newest.empty()) {
    when = newest;
  }
  const auto& c = data.counts;
  return {
      {"sweep", data.sweep ? data.sweep->name : "unknown"},
      {"software", data.sweep && !data.sweep->software.empty() ? data.sweep->software : "unknown"},
      {"backbone", backbones.empty()       ? "unknown"
                   : backbones.size() == 1 ? *backbones.begin()
                                           : "mixed"},
      {"newest result", when},
      {"trials", std::to_string(c.done) + " done, " + std::to_string(c.failed) + " failed, " +
                     std::to_string(c.running) + " running, " + std::to_string(c.queued) +
                     " queued"},
  };
}

namespace {

// One row per method (config without task and seed) over `tasks`: scores, trainable
// parameters while training and after merging with their share of the backbone, seeds.
Table methods_table(const RunData& data, const std::vector<TaskColumns>& tasks) {
  std::vector<std::string> order;
  std::map<std::string, Trials> methods;
  Trials all;
  for (const auto& t : data.trials) {
    const bool in = std::any_of(tasks.begin(), tasks.end(),
                                [&](const TaskColumns& task) { return task.task == t.task; });
    if (!in) continue;
    if (!methods.count(t.method)) order.push_back(t.method);
    methods[t.method].push_back(&t);
    all.push_back(&t);
  }
  Trials representatives;
  for (const auto& method : order) representatives.push_back(methods[method].front());
  const auto labels = method_labels(representatives);

  Table table;
  table.columns.push_back({ColumnKind::Label, "", "Method", "", "", {}, {}});
  for (auto& column : score_columns(tasks)) table.columns.push_back(std::move(column));
  for (const char* name : {"Params (train)", "Params (merged)", "Seeds"})
    table.columns.push_back({ColumnKind::Text, "", name, "", "", {}, {}});
  table.key_names = varying_keys(representatives);
  table.extra_names = {"params_backbone", "params_trainable", "params_merged"};

  for (size_t m = 0; m < order.size(); ++m) {
    const auto& trials = methods[order[m]];
    Row row;
    row.cells.push_back(Cell::label(labels[m]));
    for (auto& cell : score_cells(trials, tasks)) row.cells.push_back(std::move(cell));
    const storage::TrialFacts* facts = nullptr;
    for (const auto* t : trials) {
      if (!facts && t->facts) facts = &*t->facts;
    }
    row.cells.push_back(Cell::label(
        facts ? format_params(facts->params_trainable, facts->params_backbone) : "\xE2\x80\x94"));
    row.cells.push_back(Cell::label(
        facts ? format_params(facts->params_merged, facts->params_backbone) : "\xE2\x80\x94"));
    row.cells.push_back(seeds_cell(row.cells, table.columns));
    for (const auto& key : table.key_names) row.keys.emplace_back(key, trials.front()->value(key));
    const auto count = [&](int64_t v) { return facts ? std::to_string(v) : std::string(); };
    row.extras = {{"params_backbone", count(facts ? facts->params_backbone : 0)},
                  {"params_trainable", count(facts ? facts->params_trainable : 0)},
                  {"params_merged", count(facts ? facts->params_merged : 0)}};
    table.rows.push_back(std::move(row));
  }
  finish_table(table, data, all);
  return table;
}

const char kParamsCaption[] =
    " Params: trained while fine-tuning and left after merging the experts (task head "
    "excluded), with their share of the backbone.";

// "E2E (test)" -> "e2e", "data-to-text (dev)" -> "data-to-text": a --table name.
std::string table_name_of(const std::string& task) {
  std::string name;
  for (char c : task) {
    if (c == ' ' || c == '(') break;
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name.empty() ? "nlg" : name;
}

}  // namespace

Table main_table(const RunData& data) {
  std::vector<TaskColumns> tasks;
  for (auto& task : task_columns(data)) {
    if (task.style == NlgStyle::None) tasks.push_back(std::move(task));
  }
  auto table = methods_table(data, tasks);
  table.name = "main";
  table.title = "Main results";
  table.caption = std::string(kScoreCaption) +
                  (tasks.size() >= 2 ? " Avg.: mean over tasks of each task's first metric." : "") +
                  kParamsCaption + table.caption;  // after finish_table's convergence legend
  return table;
}

std::vector<Table> nlg_tables(const RunData& data) {
  std::vector<Table> tables;
  std::set<std::string> names;
  for (auto& task : task_columns(data)) {
    if (task.style == NlgStyle::None) continue;
    auto table = methods_table(data, {task});
    table.kind = TableKind::Generation;
    table.name = table_name_of(task.task);
    for (int suffix = 2; !names.insert(table.name).second; ++suffix)
      table.name = table_name_of(task.task) + "-" + std::to_string(suffix);
    table.title = task.label + ": generation with beam search";
    const bool split = task.metrics.front().rfind("test_seen/", 0) == 0;
    const std::string legend = table.caption;  // finish_table's convergence legend, if any
    table.caption =
        task.style == NlgStyle::E2e
            ? "The final model's beam-search outputs scored as the E2E challenge's scripts do: "
              "BLEU, METEOR (exact, stem and synonym modules; no paraphrase table) and ROUGE-L "
              "\xC3\x97"
              "100, NIST and CIDEr as printed; mean \xC2\xB1 sample sd over seeds."
            : std::string(
                  "The final model's beam-search outputs scored as GenerationEval does: "
                  "BLEU (0-100), METEOR (no paraphrase table) and TER (the printed "
                  "(sum + 1) / (n + 1); lower is better) as printed") +
                  (split ? "; S, U, A: seen, unseen and all categories" : "") +
                  "; mean \xC2\xB1 sample sd over seeds.";
    table.caption += kParamsCaption + legend;
    tables.push_back(std::move(table));
  }
  return tables;
}

std::vector<Table> report_tables(const RunData& data) {
  std::vector<Table> tables;
  auto nlg = nlg_tables(data);
  const auto tasks = task_columns(data);
  const bool classification = std::any_of(
      tasks.begin(), tasks.end(), [](const TaskColumns& t) { return t.style == NlgStyle::None; });
  // A run of generation tasks alone has no classification table to show.
  if (classification || nlg.empty()) tables.push_back(main_table(data));
  for (auto& table : nlg) tables.push_back(std::move(table));
  for (auto& table : ablation_tables(data)) tables.push_back(std::move(table));
  if (auto table = expert_diagnostics_table(data)) tables.push_back(std::move(*table));
  return tables;
}

const Table& find_table(const std::vector<Table>& tables, const std::string& name) {
  std::string names;
  for (const auto& table : tables) {
    if (table.name == name) return table;
    names += (names.empty() ? "" : ", ") + table.name;
  }
  throw ConfigError("no table '" + name + "' in this report (tables: " + names + ")");
}

}  // namespace adamix::reports
