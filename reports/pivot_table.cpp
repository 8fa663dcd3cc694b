// pivot_table(): any config key against any other, for one metric (tables.h).
#include <algorithm>
#include <map>
#include <set>

#include "core/error.h"
#include "reports/score_cells.h"
#include "reports/tables.h"
#include "reports/task_columns.h"

namespace adamix::reports {
namespace {

bool is_task_key(const std::string& key) { return key == "task" || key == "task.name"; }

// The trial's value of a pivot key; the task key (which tells synthetic folders apart) for
// task.name.
std::string key_value(const TrialData& t, const std::string& key) {
  return is_task_key(key) ? t.task : t.value(key);
}

std::string value_label(const std::string& key, const std::string& value) {
  return is_task_key(key) ? task_label(value) : value;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

void check_key(const RunData& data, const std::string& key, const char* role) {
  if (key.empty()) throw ConfigError(std::string("pivot ") + role + ": no config key given");
  if (is_task_key(key)) return;
  std::vector<std::string> known;  // the keys that vary: the ones worth pivoting on
  std::map<std::string, std::set<std::string>> values;
  for (const auto& t : data.trials) {
    if (t.has_key(key)) return;
    for (const auto& [k, v] : t.config) {
      if (values[k].insert(v).second && values[k].size() == 2) known.push_back(k);
    }
  }
  throw ConfigError("pivot " + std::string(role) + ": no trial config has the key '" + key +
                    "' (keys that vary: " + (known.empty() ? "none" : join(known)) + ")");
}

void check_metric(const RunData& data, const std::string& metric) {
  if (metric == "main") return;
  std::set<std::string> known;
  for (const auto& t : data.trials) {
    if (!t.best) continue;
    if (t.best->metrics.count(metric)) return;
    for (const auto& entry : t.best->metrics) known.insert(entry.first);
  }
  if (known.empty()) return;  // nothing reported yet: every cell will say why
  throw ConfigError("pivot metric '" + metric + "': no trial reported it (known: main, " +
                    join({known.begin(), known.end()}) + ")");
}

}  // namespace

Table pivot_table(const RunData& data, const PivotSpec& spec) {
  check_key(data, spec.rows, "rows");
  check_key(data, spec.columns, "columns");
  if (spec.rows == spec.columns || (is_task_key(spec.rows) && is_task_key(spec.columns)))
    throw ConfigError("pivot: rows and columns are the same key '" + spec.rows + "'");
  check_metric(data, spec.metric);

  std::vector<std::string> row_values, column_values;
  std::map<std::pair<std::string, std::string>, Trials> cells;
  Trials all;
  for (const auto& t : data.trials) {
    const auto r = key_value(t, spec.rows), c = key_value(t, spec.columns);
    if (!cells.count({r, c})) {
      if (std::find(row_values.begin(), row_values.end(), r) == row_values.end())
        row_values.push_back(r);
      if (std::find(column_values.begin(), column_values.end(), c) == column_values.end())
        column_values.push_back(c);
    }
    cells[{r, c}].push_back(&t);
    all.push_back(&t);
  }

  // Keys that vary inside some cell: the cell pools over them (tasks count as one key).
  std::vector<std::string> pooled;
  for (const auto& [where, trials] : cells) {
    for (const auto& [key, value] : trials.front()->config) {
      const bool task_part = key.rfind("task.", 0) == 0;
      const auto name = task_part ? std::string("task") : key;
      if (key == "train.seed" || key == spec.rows || key == spec.columns ||
          (task_part && (is_task_key(spec.rows) || is_task_key(spec.columns))) ||
          std::find(pooled.begin(), pooled.end(), name) != pooled.end())
        continue;
      for (const auto* t : trials) {
        if (t->value(key) != value) {
          pooled.push_back(name);
          break;
        }
      }
    }
  }

  Table table;
  table.kind = TableKind::Pivot;
  table.name = "pivot";
  const auto metric_name = spec.metric == "main" ? std::string("main metric") : spec.metric;
  table.title = (spec.metric == "main" ? "Main metric" : spec.metric) + " by " + spec.rows +
                " and " + spec.columns;
  const auto format = metric_format(spec.metric, nlg_style(all));
  table.caption =
      "Dev " + metric_name +
      (format.scale == 100 ? " \xC3\x97"
                             "100"
                           : "") +
      " at each trial's best dev step (generation scores: at its last evaluation): mean "
      "\xC2\xB1 sample sd over the done trials of each cell" +
      (pooled.empty() ? std::string(" (seeds).") : "; pooled over seeds and " + join(pooled) + ".");
  table.columns.push_back({ColumnKind::Label, "", spec.rows, "", "", {}, {}});
  for (const auto& c : column_values) {
    const bool task = is_task_key(spec.columns);
    table.columns.push_back({ColumnKind::Score,
                             "",
                             task ? task_label(c) : spec.columns + "=" + c,
                             task ? c : "",
                             spec.metric,
                             {{spec.columns, c}},
                             format});
  }
  table.key_names = {spec.rows};
  for (const auto& r : row_values) {
    Row row;
    row.cells.push_back(Cell::label(value_label(spec.rows, r)));
    for (const auto& c : column_values) {
      const auto found = cells.find({r, c});
      row.cells.push_back(found == cells.end() ? Cell{} : score_cell(found->second, spec.metric));
    }
    row.keys = {{spec.rows, r}};
    table.rows.push_back(std::move(row));
  }
  finish_table(table, data, all);
  return table;
}

}  // namespace adamix::reports
