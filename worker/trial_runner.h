#pragma once
// Runs one trial: loads the task and model, trains, evaluates, writes the trial folder
//   trial.yaml     the resolved config
//   log.txt        what happened, appended across resumes
//   metrics.jsonl  one JSON line per evaluation and per 1% of the training steps (train loss)
//   checkpoint.h5  the latest resumable state; best.h5: the state at the best dev score
// and resumes from checkpoint.h5 when the folder already holds one. With `events_fd` it also
// reports to a parent process as JSON lines (worker/trial_events.h).
//
//   TrialResult r = run_trial({config, yaml, id, "runs/t1"});
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>

#include "core/config/trial_config.h"

namespace adamix::worker {

struct TrialRunOptions {
  config::TrialConfig config;  // validated
  std::string config_yaml;     // the resolved YAML of `config` (stored and compared on resume)
  std::string trial_id;        // stable id of config_yaml
  std::filesystem::path out_dir;
  std::ostream* progress = nullptr;       // progress lines (stderr), nullptr = quiet
  std::function<bool()> stop_requested;   // polled each step (SIGTERM); empty = never
  int64_t progress_every_steps = 0;       // 0 = about every 2 seconds
  int events_fd = -1;                     // trial events (worker/trial_events.h); -1 = none
  int attempt = 1;                        // reported in events; selects injected faults
  std::string tensorboard_run = "trial";  // names <out_dir>/tensorboard/<run> (sanitised)
  std::string inject_fault;               // TEST ONLY: worker/fault_injection.h rules; "" = none
};

struct TrialResult {
  bool finished = false;  // false: stopped early on request, resumable from checkpoint.h5
  bool resumed = false;
  int64_t steps = 0;
  std::string main_metric;
  double best_score = 0;
  int64_t best_step = -1;
  std::map<std::string, double> final_metrics;  // the last evaluation
};

// Throws ConfigError (the folder holds another trial's checkpoint, bad task), IoError,
// InputError, DivergenceError. Whatever was written stays consistent: every file is replaced
// atomically, and metrics.jsonl never holds rows past the checkpoint it resumes from.
TrialResult run_trial(const TrialRunOptions& options);

}  // namespace adamix::worker
