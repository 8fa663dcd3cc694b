#pragma once
// One run directory's results as plain structs, read from results.sqlite read-only (safe while
// the sweep runs). Everything `adamix report` tabulates or plots starts here.
//
//   RunData data = adamix::reports::load_run("runs/ablations");
//   for (const auto& t : data.trials) if (t.best) std::cout << t.id << " " << t.best->value;
//   auto points = adamix::reports::load_curve("runs/ablations", data.trials[0].id);
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/results_store.h"

namespace adamix::reports {

// A trial's evaluation with the best main metric (the reference selects the best dev epoch).
struct BestResult {
  std::string main_metric;                // "dev/accuracy" (split/name)
  double value = 0;                       // the main metric at `step`
  int64_t step = 0;                       // optimiser step
  std::optional<int64_t> epoch;           // of that evaluation, when its row carries one
  std::map<std::string, double> metrics;  // every "split/name" evaluated at `step` (no train/*)
};

struct TrialTag {
  std::string group;    // ablation name from the spec ("routing"), "grid" or "include"
  std::string variant;  // "merged", "M=4"; empty for "grid"
};

// How a done trial's training ended, from its watched metric's evaluations (the main metric
// unless train.early_stopping names another): stopped by early stopping, or at its step budget
// — converged when its metric had not improved by more than min_delta over its last `patience`
// evaluations (train.early_stopping's, or 3), "not converged" when it was still improving.
struct TrialEnding {
  int64_t stop_step = 0;    // the last optimiser step it trained
  int64_t total_steps = 0;  // its budget (0 = unknown)
  bool stopped_early = false;
  int64_t stale_evaluations = 0;  // at the end
  int64_t patience = 3;
  int64_t evaluations = 0;
  // Stopped early, or stale_evaluations >= patience. A trial with no more than `patience`
  // evaluations cannot show a plateau: it counts as converged only if it stopped early, and
  // `judged` is false.
  bool converged = false;
  bool judged = false;
  // Judged, and no evaluation after the first beat it by more than 1% of the metric: flat from
  // its first evaluation (stuck, often at the majority class, or trained out before it),
  // neither converged nor still improving — a plateau at chance must not read as convergence.
  bool flat = false;
};

struct TrialData {
  std::string id;
  int64_t position = 0;  // order in the expanded sweep
  storage::TrialStatus status = storage::TrialStatus::Queued;
  int64_t attempts = 0;
  std::string config_group;  // the seeds of one configuration share it
  // trials.config (resolved trial YAML) flattened to dotted keys in document order:
  // {"task.name", "mrpc"}, {"method.experts", "4"}, {"method.placement", "[query, value]"}.
  std::vector<std::pair<std::string, std::string>> config;
  std::string task;    // task key: task.name, or "name (dir)" when one name has several dirs
  std::string method;  // identity of the config without task.* and train.seed
  std::vector<TrialTag> tags;                // parsed trials.tags ("routing:merged,experts:M=4")
  std::vector<std::string> changed_keys;     // keys of trials.changes, train.seed left out
  std::optional<storage::TrialFacts> facts;  // parameter counts, backbone sha, main metric
  std::optional<BestResult> best;            // absent until a main-metric value exists
  // Every "split/name" of the trial's last evaluation (no train/*): where NLG trials keep the
  // generation scores, measured once on the final model as the reference does.
  std::map<std::string, double> last_metrics;
  std::optional<TrialEnding> ending;     // done trials with an evaluation
  std::string started, finished, error;  // ISO-8601 UTC; empty = not set

  // The config value at a dotted key; "" when the config has no such key.
  const std::string& value(const std::string& key) const;
  bool has_key(const std::string& key) const;
};

struct RunData {
  std::filesystem::path run_dir;
  std::optional<storage::SweepRow> sweep;
  std::vector<TrialData> trials;  // by position
  storage::StatusCounts counts;
};

// Every learning-curve point of one trial, train/* rows included, by step then split and name.
struct CurvePoint {
  int64_t step = 0;
  int64_t epoch = 0;
  std::string split;  // "dev", "dev_matched", "train"
  std::string name;   // "accuracy", "loss"
  double value = 0;   // NaN when the trial reported a non-finite value
};

// Reads run_dir/results.sqlite read-only. ConfigError when the folder holds no results.sqlite;
// IoError (naming the database and the trial) for an unreadable database or a trial config
// that is not YAML.
RunData load_run(const std::filesystem::path& run_dir);
std::vector<CurvePoint> load_curve(const std::filesystem::path& run_dir,
                                   const std::string& trial_id);

// Flattens a YAML mapping to dotted keys in document order; sequences become their flow text
// ("[query, value]"). IoError naming `source` when the text is not a YAML mapping.
std::vector<std::pair<std::string, std::string>> flatten_yaml(const std::string& text,
                                                              const std::string& source);

}  // namespace adamix::reports
