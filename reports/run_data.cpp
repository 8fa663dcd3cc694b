#include "reports/run_data.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/train/plateau.h"  // header-only: the trainer's early-stopping bookkeeping

namespace adamix::reports {
namespace fs = std::filesystem;
namespace {

void flatten_into(const YAML::Node& node, const std::string& prefix,
                  std::vector<std::pair<std::string, std::string>>& out) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const auto key = entry.first.as<std::string>();
      flatten_into(entry.second, prefix.empty() ? key : prefix + "." + key, out);
    }
  } else if (node.IsScalar()) {
    out.emplace_back(prefix, node.Scalar());
  } else if (node.IsNull()) {
    out.emplace_back(prefix, "");
  } else {
    YAML::Emitter emitter;  // a sequence: its flow text, as sweep dry runs print changes
    emitter << YAML::Flow << node;
    out.emplace_back(prefix, emitter.c_str());
  }
}

bool is_tag_group(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return false;
  }
  return true;
}

// trials.tags joins "group:variant" with ',', but variants may hold commas themselves
// ("routing:fixed:0,0", "lr:train.lr=1e-4,train.epochs=5"): a piece starts a new tag only when
// it is "grid" or begins with a group name and a colon.
std::vector<TrialTag> parse_tags(const std::string& text) {
  std::vector<TrialTag> tags;
  if (text.empty()) return tags;
  for (size_t begin = 0, end = 0; begin <= text.size(); begin = end + 1) {
    end = std::min(text.find(',', begin), text.size());
    const auto piece = text.substr(begin, end - begin);
    const auto colon = piece.find(':');
    if (piece == "grid") {
      tags.push_back({piece, ""});
    } else if (colon != std::string::npos && is_tag_group(piece.substr(0, colon))) {
      tags.push_back({piece.substr(0, colon), piece.substr(colon + 1)});
    } else if (!tags.empty()) {
      tags.back().variant += "," + piece;
    } else {
      tags.push_back({piece, ""});
    }
  }
  return tags;
}

bool starts_change(const std::string& piece) {
  const auto equals = piece.find('=');
  if (equals == std::string::npos || equals == 0) return false;
  for (size_t i = 0; i < equals; ++i) {
    const char c = piece[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
  }
  return true;
}

// trials.changes is "key=value key=value" with values that may hold spaces ("[query, value]").
std::vector<std::string> parse_changed_keys(const std::string& text) {
  std::vector<std::string> keys;
  size_t begin = 0;
  while (begin < text.size()) {
    auto end = text.find(' ', begin);
    if (end == std::string::npos) end = text.size();
    const auto piece = text.substr(begin, end - begin);
    if (starts_change(piece)) {
      const auto key = piece.substr(0, piece.find('='));
      if (key != "train.seed") keys.push_back(key);
    }
    begin = end + 1;
  }
  return keys;
}

std::string method_identity(const TrialData& trial) {
  std::string identity;
  for (const auto& [key, value] : trial.config) {
    if (key.rfind("task.", 0) == 0 || key == "task" || key == "train.seed") continue;
    identity += key + "=" + value + "\n";
  }
  return identity;
}

// A synthetic task's name is "synthetic" whatever its folder: tell folders apart when one name
// has several.
// A synthetic task is then called by its folder's name ("keywords"), another one by its name and
// folder ("mrpc (MRPC-v2)"); the whole path only when two folders share a last component.
void assign_task_keys(std::vector<TrialData>& trials) {
  std::map<std::string, std::set<std::string>> dirs;
  std::map<std::string, std::set<std::string>> paths_of_leaf;
  for (const auto& t : trials) {
    dirs[t.value("task.name")].insert(t.value("task.dir"));
    paths_of_leaf[fs::path(t.value("task.dir")).filename().string()].insert(t.value("task.dir"));
  }
  for (auto& t : trials) {
    const auto& name = t.value("task.name");
    if (dirs[name].size() <= 1) {
      t.task = name;
      continue;
    }
    const auto& dir = t.value("task.dir");
    const auto leaf = fs::path(dir).filename().string();
    const auto folder = paths_of_leaf[leaf].size() > 1 || leaf.empty() ? dir : leaf;
    t.task = name == "synthetic" ? folder : name + " (" + folder + ")";
  }
}

fs::path database_of(const fs::path& run_dir) {
  const auto database = run_dir / "results.sqlite";
  if (!fs::exists(database))
    throw ConfigError(run_dir.string() + " holds no sweep (no results.sqlite)");
  return database;
}

}  // namespace

const std::string& TrialData::value(const std::string& key) const {
  static const std::string empty;
  for (const auto& entry : config) {
    if (entry.first == key) return entry.second;
  }
  return empty;
}

bool TrialData::has_key(const std::string& key) const {
  for (const auto& entry : config) {
    if (entry.first == key) return true;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> flatten_yaml(const std::string& text,
                                                              const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw IoError(source + ": config is not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw IoError(source + ": config is not a YAML mapping");
  std::vector<std::pair<std::string, std::string>> flat;
  flatten_into(root, "", flat);
  return flat;
}

namespace {

// Replays the trainer's plateau bookkeeping (core/train/plateau.h) over the stored rows.
std::optional<TrialEnding> trial_ending(const TrialData& t,
                                        const std::vector<storage::MetricRow>& metrics) {
  if (t.status != storage::TrialStatus::Done || metrics.empty()) return std::nullopt;
  std::string watched = t.value("train.early_stopping.metric");
  if (watched.empty()) watched = t.best ? t.best->main_metric : t.facts ? t.facts->main_metric : "";
  const auto slash = watched.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const std::string split = watched.substr(0, slash), name = watched.substr(slash + 1);
  TrialEnding ending;
  const std::string& patience = t.value("train.early_stopping.patience");
  if (!patience.empty()) ending.patience = std::stoll(patience);
  const std::string& min_delta_text = t.value("train.early_stopping.min_delta");
  const double min_delta = min_delta_text.empty() ? 0.0 : std::stod(min_delta_text);
  ending.total_steps = t.facts ? t.facts->total_steps : 0;
  train::Plateau plateau;
  std::optional<double> first;  // the first evaluation, as a score (higher is better)
  int64_t last_step = -1;
  for (const auto& row : metrics) {
    ending.stop_step = std::max(ending.stop_step, row.step);
    if (row.split == "train" && row.name == "early_stopped") ending.stopped_early = true;
    if (row.split != split || row.name != name || row.step == last_step) continue;
    last_step = row.step;  // one value per evaluation (an NLG final row repeats its step)
    ++ending.evaluations;
    plateau.add(row.value, watched, min_delta);
    if (!first) first = plateau.best;
  }
  if (ending.evaluations == 0) return std::nullopt;
  ending.stale_evaluations = plateau.stale;
  ending.judged = ending.stopped_early || ending.evaluations > ending.patience;
  // Flat: the best never beat the first evaluation by more than 1% of the metric (of its
  // value above 1: perplexity, TER); one more dev example right is no learning.
  const double flat_tolerance = 0.01 * std::max(1.0, std::fabs(*first));
  ending.flat = ending.evaluations > 1 && ending.judged && plateau.best <= *first + flat_tolerance;
  ending.converged =
      !ending.flat && (ending.stopped_early || ending.stale_evaluations >= ending.patience);
  return ending;
}

}  // namespace

RunData load_run(const fs::path& run_dir) {
  const auto database = database_of(run_dir);
  storage::ResultsStore store(database, storage::ResultsStore::Access::ReadOnly);
  RunData data;
  data.run_dir = run_dir;
  data.sweep = store.sweep();
  data.counts = store.counts();

  std::map<std::string, storage::BestScore> best;
  for (auto& score : store.best_scores()) best[score.trial] = std::move(score);

  for (auto& row : store.trials()) {
    TrialData t;
    t.id = row.trial.id;
    t.position = row.trial.position;
    t.status = row.status;
    t.attempts = row.attempts;
    t.config_group = row.trial.config_group;
    t.config = flatten_yaml(row.trial.config, database.string() + ": trial " + t.id);
    t.tags = parse_tags(row.trial.tags);
    t.changed_keys = parse_changed_keys(row.trial.changes);
    t.facts = row.facts;
    t.started = row.started;
    t.finished = row.finished;
    t.error = row.error;
    const auto metrics = store.metrics(t.id);  // by step
    int64_t last_step = -1;
    for (const auto& metric : metrics) {
      if (metric.split == "train") continue;
      if (metric.step != last_step) t.last_metrics.clear(), last_step = metric.step;
      t.last_metrics[metric.split + "/" + metric.name] = metric.value;
    }
    if (const auto found = best.find(t.id); found != best.end()) {
      const auto& score = found->second;
      BestResult result{score.main_metric, score.value, score.step, std::nullopt,
                        score.metrics_at_step};
      const auto slash = score.main_metric.find('/');
      for (const auto& metric : metrics) {
        if (metric.step == score.step && metric.split == score.main_metric.substr(0, slash) &&
            metric.name == score.main_metric.substr(slash + 1))
          result.epoch = metric.epoch;
      }
      t.best = std::move(result);
    }
    t.ending = trial_ending(t, metrics);
    t.method = method_identity(t);
    data.trials.push_back(std::move(t));
  }
  assign_task_keys(data.trials);
  return data;
}

std::vector<CurvePoint> load_curve(const fs::path& run_dir, const std::string& trial_id) {
  storage::ResultsStore store(database_of(run_dir), storage::ResultsStore::Access::ReadOnly);
  if (!store.trial(trial_id))
    throw ConfigError(run_dir.string() + ": no trial with id '" + trial_id + "'");
  std::vector<CurvePoint> points;
  for (auto& row : store.metrics(trial_id))
    points.push_back({row.step, row.epoch, std::move(row.split), std::move(row.name), row.value});
  return points;
}

}  // namespace adamix::reports
