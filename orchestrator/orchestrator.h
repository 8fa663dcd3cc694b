#pragma once
// Rank 0: hands trials to workers as they ask (longest expected first), records every event
// through the Recorder, retries failed trials up to max_attempts, requeues interrupted ones,
// notices silent workers by their heartbeat, stops early when every trial of the first wave
// failed, and stops cleanly on SIGTERM / SIGUSR2 / SIGINT (workers checkpoint their trials).
// Transport-independent: MPI ranks or in-process workers.
//
//   Orchestrator orchestrator(settings, queue, recorder, transport, view);
//   SweepOutcome outcome = orchestrator.run();
#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "orchestrator/progress_view.h"
#include "orchestrator/recorder.h"
#include "orchestrator/transport.h"

namespace adamix::orchestrator {

struct QueuedTrial {
  std::string id;
  std::string yaml;   // the resolved trial config
  std::string label;  // tags or changes, for the progress view
  double expected_cost = 0;
  int64_t position = 0;
  int64_t attempts = 0;  // attempts started by earlier runs (the next one is attempts + 1)
};

struct OrchestratorSettings {
  std::string sweep_name;
  std::filesystem::path run_dir;  // trial folders are run_dir/trials/<id>
  int64_t sweep_trials = 0;       // all trials of the sweep (the view's denominator)
  int64_t already_done = 0;       // finished by earlier runs
  int64_t already_failed = 0;
  int max_attempts = 2;  // failures per trial before it is given up
  std::chrono::milliseconds heartbeat_timeout{std::chrono::minutes(2)};
  std::chrono::milliseconds grace{std::chrono::minutes(1)};  // for workers to checkpoint on stop
};

struct SweepOutcome {
  int64_t done = 0, failed = 0, unfinished = 0;  // trials of this run
  int stop_signal = 0;                           // the signal that stopped the sweep, 0 = none
  bool stopped_early = false;                    // every trial of the first wave failed
  std::vector<std::pair<std::string, std::string>> failures;  // trial id, last error
};

class Orchestrator {
 public:
  // `queue`: the trials to run, in any order (sorted here: longest expected first).
  Orchestrator(OrchestratorSettings settings, std::vector<QueuedTrial> queue, Recorder& recorder,
               Transport& transport, ProgressView& view);
  SweepOutcome run();

 private:
  using Clock = std::chrono::steady_clock;
  struct Worker {
    std::string host, gpu;
    std::optional<size_t> trial;  // index into trials_
    int64_t attempt = 0;
    int64_t step = 0, total_steps = 0;
    Clock::time_point last_heard = Clock::now();
    bool idle = false;  // asked for work, none given yet
    bool sent_leave = false;
    bool gone = false;
  };

  void handle(int worker_id, const Message& message);
  void on_ready(int worker_id, const Message& message);
  void on_event(Worker& worker, const Message& event);
  void on_exit(int worker_id, const Message& message);
  void on_bye(int worker_id);
  void dispatch(int worker_id);
  void give_back(Worker& worker, const std::string& why);
  void release_idle_when_finished();
  void begin_stop(int signal_number);
  void check_heartbeats();
  bool current(const Worker& worker, const Message& message) const;
  SweepView snapshot() const;

  OrchestratorSettings settings_;
  std::vector<QueuedTrial> trials_;
  std::deque<size_t> queue_;
  std::map<size_t, int> failures_;
  std::set<size_t> first_wave_;
  Recorder& recorder_;
  Transport& transport_;
  ProgressView& view_;
  std::map<int, Worker> workers_;
  SweepOutcome outcome_;
  int64_t running_ = 0;
  bool stopping_ = false;
  std::optional<Clock::time_point> stop_deadline_;
};

}  // namespace adamix::orchestrator
