// ablation_tables(): one table per swept key, the other keys at the base (tables.h).
#include <algorithm>
#include <map>
#include <set>

#include "reports/method_label.h"
#include "reports/score_cells.h"
#include "reports/tables.h"
#include "reports/task_columns.h"

namespace adamix::reports {
namespace {

bool is_ablation_group(const std::string& group) { return group != "grid" && group != "include"; }

// The keys a trial changes from the base, seed and task aside: columns already split by task.
std::vector<std::string> axis_keys(const TrialData& t) {
  std::vector<std::string> keys;
  for (const auto& key : t.changed_keys) {
    if (key.rfind("task.", 0) != 0 && key != "task") keys.push_back(key);
  }
  return keys;
}

bool has_group(const TrialData& t, const std::string& group) {
  return std::any_of(t.tags.begin(), t.tags.end(),
                     [&](const TrialTag& tag) { return tag.group == group; });
}

std::string title_of(const std::string& key, const std::vector<std::string>& values,
                     const std::string& group) {
  if (key == "method.size") return "Bottleneck size";
  if (key == "method.experts") return "Number of experts";
  if (key == "method.consistency") return "Consistency regularization";
  if (key == "method.share") return "Sharing";
  if (key == "method.inference") {
    const bool merge_or_ensemble = std::all_of(values.begin(), values.end(), [](const auto& v) {
      return v == "merged" || v == "ensemble";
    });
    return merge_or_ensemble ? "Merge vs ensemble" : "Routing at inference";
  }
  return group.empty() ? key : group + ": " + key;
}

std::string header_of(const std::string& key) {
  if (key == "method.size") return "r";
  if (key == "method.experts") return "M";
  if (key == "method.inference") return "Inference";
  if (key == "method.consistency") return "Consistency weight";
  if (key == "method.share") return "Shared side";
  return key;
}

// "1.0 (on)": the preset's variant label when it says more than the value.
std::string row_label(const std::string& value, const Trials& trials, const std::string& group) {
  for (const auto* t : trials) {
    for (const auto& tag : t->tags) {
      if (!is_ablation_group(tag.group) || (!group.empty() && tag.group != group)) continue;
      // "plain" names a spec's `{}` variant: the base itself, nothing to add.
      if (tag.variant.empty() || tag.variant == "plain" ||
          tag.variant.find(value) != std::string::npos)
        continue;
      return value + " (" + tag.variant + ")";
    }
  }
  return value;
}

Table axis_table(const RunData& data, const std::vector<TaskColumns>& tasks, const std::string& key,
                 const Trials& trials, const Trials& base, const std::string& group) {
  std::vector<std::string> values;
  std::map<std::string, Trials> by_value;
  for (const auto* t : trials) {
    const auto& value = t->value(key);
    if (!by_value.count(value)) values.push_back(value);
    by_value[value].push_back(t);
  }
  Table table;
  table.kind = TableKind::Ablation;
  table.name = group.empty() ? key : group;
  table.title = title_of(key, values, group);
  table.caption = "Only " + key + " varies";
  if (!base.empty())
    table.caption += "; all else as the base, " + method_label(*base.front()) + " with " + key +
                     " = " + base.front()->value(key);
  table.caption += ". " + std::string(kScoreCaption);
  if (std::any_of(tasks.begin(), tasks.end(),
                  [](const TaskColumns& t) { return t.style != NlgStyle::None; }))
    table.caption += " Generation scores: the final model's beam-search outputs, scored once.";
  table.columns.push_back({ColumnKind::Label, "", header_of(key), "", "", {}, {}});
  for (auto& column : score_columns(tasks)) table.columns.push_back(std::move(column));
  table.columns.push_back({ColumnKind::Text, "", "Seeds", "", "", {}, {}});
  table.key_names = {key};
  for (const auto& value : values) {
    const auto& of_value = by_value[value];
    Row row;
    row.cells.push_back(Cell::label(row_label(value, of_value, group)));
    for (auto& cell : score_cells(of_value, tasks)) row.cells.push_back(std::move(cell));
    row.cells.push_back(seeds_cell(row.cells, table.columns));
    row.keys = {{key, value}};
    table.rows.push_back(std::move(row));
  }
  finish_table(table, data, trials);
  return table;
}

}  // namespace

std::vector<Table> ablation_tables(const RunData& data) {
  const auto tasks = task_columns(data);
  Trials base;
  std::vector<std::string> keys;  // first appearance by position
  std::map<std::string, Trials> varied;
  for (const auto& t : data.trials) {
    const auto changed = axis_keys(t);
    if (changed.empty()) base.push_back(&t);
    if (changed.size() != 1) continue;
    if (!varied.count(changed.front())) keys.push_back(changed.front());
    varied[changed.front()].push_back(&t);
  }

  std::vector<Table> tables;
  std::set<std::string> names;
  const auto add = [&](const std::string& key, const Trials& of_key, const std::string& group) {
    Trials trials;
    for (const auto& t : data.trials) {  // base and varied, in sweep order
      const bool in = std::find(of_key.begin(), of_key.end(), &t) != of_key.end() ||
                      std::find(base.begin(), base.end(), &t) != base.end();
      if (in) trials.push_back(&t);
    }
    auto table = axis_table(data, tasks, key, trials, base, group);
    if (table.rows.size() < 2) return;
    for (int suffix = 2; !names.insert(table.name).second; ++suffix)
      table.name = (group.empty() ? key : group) + "-" + std::to_string(suffix);
    tables.push_back(std::move(table));
  };

  // A spec group is an ablation of one key when every variant it made changes that key alone
  // (or nothing: the base). A group of whole methods (full fine-tuning, LoRA, ...) is not:
  // its rows belong to the main table, and its single-key variants to no ablation table.
  std::map<std::string, std::set<std::string>> group_keys;
  for (const auto& t : data.trials)
    for (const auto& tag : t.tags) {
      auto& set = group_keys[tag.group];
      const auto changed = axis_keys(t);
      if (changed.size() > 1) set.insert("*");
      for (const auto& k : changed) set.insert(k);
    }
  const auto ablates = [&](const std::string& group, const std::string& key) {
    const auto& set = group_keys[group];
    return set.size() == 1 && *set.begin() == key;
  };

  for (const auto& key : keys) {
    auto of_key = varied[key];
    std::vector<std::string> groups;
    for (const auto* t : of_key) {
      for (const auto& tag : t->tags) {
        if (is_ablation_group(tag.group) && ablates(tag.group, key) &&
            std::find(groups.begin(), groups.end(), tag.group) == groups.end())
          groups.push_back(tag.group);
      }
    }
    const bool tagged_elsewhere = std::any_of(of_key.begin(), of_key.end(), [&](const auto* t) {
      return std::any_of(t->tags.begin(), t->tags.end(), [&](const auto& tag) {
        return is_ablation_group(tag.group) && !ablates(tag.group, key);
      });
    });
    if (!groups.empty() && tagged_elsewhere) {  // keep only the trials of K's own ablations
      Trials own;
      for (const auto* t : of_key)
        if (std::any_of(groups.begin(), groups.end(),
                        [&](const auto& g) { return has_group(*t, g); }))
          own.push_back(t);
      of_key = own;
    } else if (groups.empty() && tagged_elsewhere) {
      continue;  // varied only by groups of whole methods: the main table shows them
    }
    const bool every_grouped = std::all_of(of_key.begin(), of_key.end(), [&](const auto* t) {
      return std::any_of(groups.begin(), groups.end(),
                         [&](const auto& g) { return has_group(*t, g); });
    });
    if (groups.size() >= 2 && every_grouped) {
      for (const auto& group : groups) {
        Trials of_group;
        for (const auto* t : of_key) {
          if (has_group(*t, group)) of_group.push_back(t);
        }
        add(key, of_group, group);
      }
    } else {
      const bool one_group = groups.size() == 1 && every_grouped;
      add(key, of_key, one_group ? groups.front() : "");
    }
  }
  return tables;
}

}  // namespace adamix::reports
