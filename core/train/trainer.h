#pragma once
// The training loop and nothing else (STYLE.md §5): AdamW steps over an Objective's loss
// (objective.h: what is trained and how it is scored), with gradient accumulation, clipping and
// the learning-rate schedule; it asks its options when to evaluate, checkpoint and stop, and
// tells observers (checkpoint writer, metrics sink, progress line) what happened.
//
//   ClassificationObjective objective(model, train_split, dev_splits, metric_spec, options);
//   Trainer trainer(objective, options);
//   trainer.add_observer(&checkpoints);
//   trainer.restore(snapshot);  // optional: resume
//   trainer.run();
#include <torch/torch.h>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/train/classification_objective.h"
#include "core/train/lr_schedule.h"
#include "core/train/objective.h"
#include "core/train/optimizer.h"
#include "core/train/train_options.h"

namespace adamix::train {

// Plain, serialisable loop position. Resume = this + trainable weights + optimiser moments +
// generator states (TrainerSnapshot).
struct TrainingState {
  int64_t step = 0;            // optimiser steps taken
  int64_t epoch = 0;           // epoch in progress (0-based)
  int64_t batch_in_epoch = 0;  // micro-batches of this epoch already consumed
  int64_t evaluations = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  int64_t best_step = -1;
  // Early stopping (TrainOptions::early_stopping; tracked always, so a report can tell a trial
  // still improving at its last step): the watched metric's best value so far, as a score
  // (higher is better; lower-is-better metrics negated), evaluations since it last improved by
  // more than min_delta, and whether the trial stopped on them.
  double plateau_best = -std::numeric_limits<double>::infinity();
  int64_t stale_evaluations = 0;
  bool stopped_early = false;
};

struct EvalResult {
  int64_t step = 0;
  int64_t epoch = 0;                      // epochs completed when it ran
  std::map<std::string, double> metrics;  // "<split>/<metric>", e.g. "dev_matched/accuracy"
  std::string main_metric;                // key into metrics
  double main_score = 0;
  bool is_best = false;
};

struct StepReport {
  double loss = 0;         // total loss of the step (mean over its micro-batches)
  double task_loss = 0;    // CE / MSE part
  double consistency = 0;  // the unweighted consistency term (0 when off)
  double lr = 0;
  int64_t examples = 0;
  int64_t total_steps = 0;
};

class TrainerObserver {
 public:
  virtual ~TrainerObserver() = default;
  virtual void on_start(const TrainingState&, int64_t /*total_steps*/) {}
  virtual void on_step(const TrainingState&, const StepReport&) {}
  virtual void on_evaluation(const TrainingState&, const EvalResult&) {}
  // A resumable point: everything before it may be saved (see Trainer::snapshot).
  virtual void on_checkpoint(const TrainingState&, bool /*is_best*/) {}
  virtual void on_finish(const TrainingState&) {}
  // Polled after every optimiser step; true stops the loop after a checkpoint (SIGTERM).
  virtual bool stop_requested() { return false; }
};

// Numbers about the model logged with every evaluation (its metrics gain them), and the integer
// state a checkpoint keeps for them: per-expert diagnostics (expert_diagnostics.h).
class EvaluationProbe {
 public:
  virtual ~EvaluationProbe() = default;
  virtual void before_evaluation() {}
  virtual std::map<std::string, double> measure() = 0;
  virtual std::map<std::string, int64_t> counters() const { return {}; }
  // Missing names start from 0 (a checkpoint written without the probe).
  virtual void set_counters(const std::map<std::string, int64_t>& /*counters*/) {}
};

struct TrainerSnapshot {
  TrainingState state;
  NamedTensors params;  // trainable, CPU copies
  std::vector<std::pair<std::string, AdamState>> adam;
  std::map<std::string, std::vector<uint8_t>> generators;  // "dropout" + the objective's
  std::map<std::string, int64_t> counters;                 // the probe's (EvaluationProbe)
};

class Trainer {
 public:
  // Keeps a reference to `objective`. Seeds LibTorch's default CPU generator (dropout) with
  // options.seed.
  Trainer(Objective& objective, const TrainOptions& options);
  // A classification trial: owns a ClassificationObjective over these (kept by reference).
  Trainer(TaskModel& model, const data::TokenizedSplit& train,
          const std::vector<data::TokenizedSplit>& eval, MetricSpec metric_spec,
          const TrainOptions& options);

  void add_observer(TrainerObserver* observer) { observers_.push_back(observer); }
  // Measured after every evaluation pass, into its metrics; kept by pointer (may be null).
  void set_probe(EvaluationProbe* probe) { probe_ = probe; }
  TrainerSnapshot snapshot();
  // Set the probe (set_probe) first: its counters are restored too.
  void restore(const TrainerSnapshot& snapshot);
  // Runs until every step is done, early stopping ends it (both: finished, true), or an observer
  // asks to stop (false). The evaluation that stops early carries train/early_stopped = 1.
  bool run();
  // One evaluation pass (Objective::evaluate), which also tracks the best main score.
  EvalResult evaluate();

  const TrainingState& state() const { return state_; }
  int64_t total_steps() const { return total_steps_; }
  // The key of the main metric in EvalResult::metrics, e.g. "dev/accuracy".
  std::string main_metric() const { return objective_.main_metric(); }

 private:
  Trainer(std::unique_ptr<Objective> owned, const TrainOptions& options);
  void init();
  StepReport train_step(const std::vector<int64_t>& order, int64_t micro_batches);
  bool after_step(const StepReport& report, bool epoch_end);
  void checkpoint(bool is_best);
  // Early stopping's bookkeeping after an evaluation (TrainingState::plateau_best, ...).
  void watch_plateau(EvalResult& result);

  std::unique_ptr<Objective> owned_objective_;  // set by the classification constructor
  Objective& objective_;
  TrainOptions options_;
  int64_t batches_per_epoch_ = 0;
  int64_t total_steps_ = 0;
  Schedule schedule_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  TrainingState state_;
  std::vector<TrainerObserver*> observers_;
  EvaluationProbe* probe_ = nullptr;
};

}  // namespace adamix::train
