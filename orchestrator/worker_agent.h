#pragma once
// A worker's side of the protocol (orchestrator/protocol.h), independent of the transport: the
// MPI worker rank and the single-process sweep both drive one of these. It runs one trial at a
// time as a child process (orchestrator/trial_process.h), forwards its events, sends heartbeats,
// and turns the child's end into an outcome: done, stopped (resumable) or failed (with why).
//
//   WorkerAgent agent(settings, host);
//   send(agent.hello());
//   while (!agent.done()) { for (auto& m : receive()) agent.handle(m);
//                           for (auto& m : agent.pump(20ms)) send(m); }
#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/protocol.h"
#include "orchestrator/trial_process.h"

namespace adamix::orchestrator {

struct WorkerSettings {
  std::filesystem::path executable;  // the `adamix` binary for trial children
  int threads = 1;                   // intra-op threads of each trial
  std::string gpus;                  // CUDA_VISIBLE_DEVICES for the child; empty = leave as is
  std::chrono::milliseconds heartbeat{5000};
  std::chrono::milliseconds grace{60000};  // after SIGTERM, SIGKILL a child that has not stopped
  bool noop_trials = false;  // benchmark: trials finish at once, no child (orchestrator overhead)
};

class WorkerAgent {
 public:
  WorkerAgent(WorkerSettings settings, std::string host);
  ~WorkerAgent();

  Message hello() const;
  void handle(const Message& message);  // run / stop / release
  // Messages for the orchestrator; waits up to `timeout` for the child's events when one runs.
  std::vector<Message> pump(std::chrono::milliseconds timeout);
  // SIGTERM / SIGUSR2 reached this worker: stop the trial (checkpoint), then leave.
  void request_stop();
  bool busy() const { return running_ != nullptr; }
  bool done() const { return done_; }

 private:
  struct Running;
  void start(const Message& run);
  void finish(std::vector<Message>& out);
  void leave(std::vector<Message>& out);

  WorkerSettings settings_;
  std::string host_;
  std::unique_ptr<Running> running_;
  std::deque<Message> outbox_;
  bool stopping_ = false;
  bool done_ = false;
};

}  // namespace adamix::orchestrator
