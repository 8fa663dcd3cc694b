#pragma once
// What a trial writes while the trainer runs: metrics.jsonl, log.txt, checkpoints and the
// progress line. Each is a TrainerObserver with one job.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "core/train/trainer.h"
#include "storage/checkpoint.h"
#include "storage/tensorboard_events.h"

namespace adamix::worker {

// log.txt: appended, one timestamped line per event; also echoed to `echo` when set.
class TrialLog {
 public:
  TrialLog(const std::filesystem::path& path, std::ostream* echo);
  void line(const std::string& text);

 private:
  std::ofstream file_;
  std::ostream* echo_;
};

// metrics.jsonl: one JSON object per evaluation
//   {"step":S,"epoch":E,"metrics":{"dev/accuracy":..},"main_metric":..,"main_score":..,"is_best":..}
// and one per `interval` optimiser steps (interval = max(1, total_steps / 100))
//   {"step":S,"epoch":E,"metrics":{"train/loss":..,"train/task_loss":..,"train/consistency":..,
//    "train/lr":..}}
// Each row depends on its step only and holds no wall-clock time, so two runs with the same
// seed, or a run and its resumed twin, give the same bytes.
class MetricsJsonl : public train::TrainerObserver {
 public:
  // Told about every appended row, with its JSON text exactly as written (no newline).
  using RowListener = std::function<void(const std::string& row)>;

  // Keeps only rows with step <= `resume_step` (rows past a restored checkpoint are replayed).
  MetricsJsonl(const std::filesystem::path& path, int64_t resume_step);
  // The rows kept from earlier runs, in file order, without newlines.
  const std::vector<std::string>& kept_rows() const { return kept_; }
  void add_listener(RowListener listener) { listeners_.push_back(std::move(listener)); }

  void on_start(const train::TrainingState& state, int64_t total_steps) override;
  void on_step(const train::TrainingState& state, const train::StepReport& report) override;
  void on_evaluation(const train::TrainingState& state, const train::EvalResult& result) override;

 private:
  void append(const std::string& row);

  std::filesystem::path path_;
  std::vector<std::string> kept_;
  std::vector<RowListener> listeners_;
  int64_t interval_ = 1;  // optimiser steps between training-loss rows
};

// tensorboard/<run>/events.out.tfevents.*: each new metrics.jsonl row again as TensorBoard
// scalars (tag: the metric's name, e.g. train/loss, dev/accuracy, expert/picks_down_0; step: the
// row's), fed by MetricsJsonl::add_listener. A resumed trial starts a new file at its restored
// step, which makes TensorBoard drop the older files' steps past it (replayed rows are not
// written again).
class TensorBoardScalars {
 public:
  // `run`: the folder's name; characters other than letters, digits and ._:=,+- become '_'
  // (at most 120 of them; empty: "trial").
  TensorBoardScalars(const std::filesystem::path& out_dir, const std::string& run,
                     int64_t start_step);
  void add_row(const std::string& row);

 private:
  storage::TensorBoardWriter writer_;
};

// checkpoint.h5 at every resumable point, best.h5 when the dev score improved (unless
// `write_best` is false: pretraining keeps only the latest state).
class CheckpointWriter : public train::TrainerObserver {
 public:
  // Told about each file once it is renamed into place: best.h5 (first) and checkpoint.h5.
  using FileListener = std::function<void(const std::filesystem::path& file, int64_t step)>;

  CheckpointWriter(train::Trainer& trainer, std::filesystem::path dir, storage::AttributeMap meta,
                   TrialLog& log, bool write_best = true);
  void set_listener(FileListener listener) { listener_ = std::move(listener); }
  void on_checkpoint(const train::TrainingState& state, bool is_best) override;

 private:
  train::Trainer& trainer_;
  std::filesystem::path dir_;
  storage::AttributeMap meta_;
  TrialLog& log_;
  bool write_best_;
  FileListener listener_;
};

// "step 120/3000 (epoch 1/20) loss 0.6931 lr 2.9e-04 85 ex/s ETA 4m10s", at most every
// `every_seconds`, plus one line per evaluation.
class ProgressLine : public train::TrainerObserver {
 public:
  ProgressLine(TrialLog& log, int64_t epochs, int64_t steps_per_epoch, double every_seconds);
  void on_start(const train::TrainingState& state, int64_t total_steps) override;
  void on_step(const train::TrainingState& state, const train::StepReport& report) override;
  void on_evaluation(const train::TrainingState& state, const train::EvalResult& result) override;

 private:
  using Clock = std::chrono::steady_clock;
  TrialLog& log_;
  int64_t epochs_;
  int64_t steps_per_epoch_;
  double every_seconds_;
  Clock::time_point started_;
  Clock::time_point last_print_;
  int64_t start_step_ = 0;
  int64_t examples_ = 0;
  double loss_sum_ = 0;
  int64_t loss_count_ = 0;
};

// Asks the trainer to stop (after a checkpoint) when `poll` says so: SIGTERM / SIGUSR2.
class StopFlag : public train::TrainerObserver {
 public:
  explicit StopFlag(std::function<bool()> poll) : poll_(std::move(poll)) {}
  bool stop_requested() override { return poll_ && poll_(); }

 private:
  std::function<bool()> poll_;
};

}  // namespace adamix::worker
