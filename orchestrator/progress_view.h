#pragma once
// Rank 0's view of a running sweep. On a terminal: a block redrawn in place (counts, elapsed,
// ETA, one line per worker with its trial and step); otherwise (a log file, Slurm's output):
// one plain line per event and a summary line every 30 seconds.
//
//   sweep ablations: 12/48 done, 3 running, 1 failed, 32 queued | 3m12s elapsed, ETA 11m40s
//     worker 1  node7 gpu 0  3fa2c1d0e9b4  step 120/600  routing:merged
#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace adamix::orchestrator {

struct WorkerView {
  int worker = 0;
  std::string host, gpu;
  std::string trial;  // empty = idle
  std::string label;  // the trial's tags or changes
  int64_t step = 0, total_steps = 0;
  bool gone = false;
};

struct SweepView {
  std::string name;
  int64_t trials = 0;  // in the sweep
  int64_t done = 0, running = 0, failed = 0, queued = 0;
  double fraction = 0;  // of this run's work done, 0..1 (running trials count by step)
  std::vector<WorkerView> workers;
};

std::string format_duration(double seconds);  // "45s", "3m12s", "2h05m"

class ProgressView {
 public:
  ProgressView(std::ostream& out, bool terminal);
  void event(const std::string& line);  // "trial 3fa2c1d0e9b4 done: dev/accuracy 0.73"
  void update(const SweepView& view);   // throttled
  void finish(const SweepView& view);

 private:
  using Clock = std::chrono::steady_clock;
  std::string summary(const SweepView& view) const;
  void draw(const SweepView& view);
  void erase();

  std::ostream& out_;
  bool terminal_;
  Clock::time_point started_ = Clock::now();
  Clock::time_point last_draw_{};
  int drawn_lines_ = 0;
};

}  // namespace adamix::orchestrator
