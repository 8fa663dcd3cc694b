#pragma once
// A sweep without MPI: the orchestrator and N in-process worker agents in one process (N = 1
// runs trials one after another; each trial is still its own child process).
#include <functional>
#include <memory>
#include <vector>

#include "orchestrator/transport.h"
#include "orchestrator/worker_agent.h"

namespace adamix::orchestrator {

class LocalTransport : public Transport {
 public:
  // `settings(i)`: the settings of worker i (0-based: its GPUs).
  LocalTransport(int workers, const std::function<WorkerSettings(int)>& settings,
                 const std::string& host);
  int workers() const override { return static_cast<int>(agents_.size()); }
  void send(int worker, const Message& message) override;
  std::vector<Envelope> poll(std::chrono::milliseconds timeout) override;

 private:
  std::vector<std::unique_ptr<WorkerAgent>> agents_;
  std::vector<Envelope> hellos_;
};

}  // namespace adamix::orchestrator
