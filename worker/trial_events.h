#pragma once
// Trial events: what a trial child process tells its parent (`adamix sweep`'s worker), as one
// JSON object per line on a file descriptor (`adamix train --events-fd 3`). Each line goes out
// in one write(2) call, so a reader never sees half a line unless the child dies mid-write.
// In order:
//   started     once, after the task and model loaded (and the checkpoint restored)
//   metrics     replay: true for each row already in metrics.jsonl, then replay: false for
//               every row appended to it, with the same numbers
//   progress    at most every 2 seconds while training (a heartbeat)
//   checkpoint  after best.h5 / checkpoint.h5 is renamed into place, with its SHA-256
//   finished | stopped | error   last (error: written by apps/cmd_train.cpp)
// NaN and infinite numbers are written as null.
//
//   TrialEvents events(EventChannel(3), trial_id, attempt);
//   events.started(info);  trainer.add_observer(&events);  ...  events.finished(state, key);
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "core/train/trainer.h"

namespace adamix::worker {

// The write end of the events pipe. Does not own the descriptor.
class EventChannel {
 public:
  explicit EventChannel(int fd) : fd_(fd) {}
  // Throws ConfigError when `fd` is not an open descriptor.
  void check_open() const;
  // One line (a newline is added), in one write(2); loops over EINTR and partial writes.
  // Throws IoError on any failure; EPIPE means the parent is gone (SIGPIPE must be ignored).
  void write_line(const std::string& json) const;
  int fd() const { return fd_; }

 private:
  int fd_;
};

struct TrialStart {
  int64_t step = 0;  // restored step; 0 for a fresh trial
  int64_t total_steps = 0;
  bool resumed = false;
  std::string main_metric;  // key into the metrics rows, e.g. "dev/accuracy"
  int64_t params_backbone = 0;
  int64_t params_trainable = 0;
  int64_t params_merged = 0;
  int64_t params_head = 0;
  std::string backbone_sha256;  // of model.safetensors
};

class TrialEvents : public train::TrainerObserver {
 public:
  TrialEvents(EventChannel channel, std::string trial_id, int attempt,
              double progress_every_seconds = 2.0);

  // "started", then one "metrics" event with replay: true per kept metrics.jsonl row.
  void started(const TrialStart& start, const std::vector<std::string>& kept_rows);
  // A metrics.jsonl row (its JSON text) appended by this run: a "metrics" event, replay false.
  void metrics_row(const std::string& row);
  void checkpoint_written(const std::filesystem::path& file, int64_t step);
  void finished(const train::TrainingState& state, const std::string& main_metric);
  void stopped(const train::TrainingState& state);

  void on_start(const train::TrainingState& state, int64_t total_steps) override;
  void on_step(const train::TrainingState& state, const train::StepReport& report) override;

 private:
  using Clock = std::chrono::steady_clock;
  void metrics_event(const std::string& row, bool replay);

  EventChannel channel_;
  std::string trial_id_;
  int attempt_;
  double every_seconds_;
  Clock::time_point last_event_;
  int64_t examples_ = 0;  // since the last progress event
  double loss_sum_ = 0;
  int64_t loss_count_ = 0;
};

// {"event":"error","kind":K,"message":M}: K is the adamix::Error subclass name ("ConfigError",
// "IoError", "InputError", "DivergenceError", "Error") or "internal" for anything else.
// Best effort: the caller is already failing with `error`, so a failed write is not reported.
void write_error_event(const EventChannel& channel, const std::exception& error) noexcept;
std::string error_kind(const std::exception& error);

}  // namespace adamix::worker
