#include "orchestrator/local_transport.h"

#include <thread>

namespace adamix::orchestrator {
using Clock = std::chrono::steady_clock;

LocalTransport::LocalTransport(int workers, const std::function<WorkerSettings(int)>& settings,
                               const std::string& host) {
  for (int i = 0; i < workers; ++i) {
    agents_.push_back(std::make_unique<WorkerAgent>(settings(i), host));
    hellos_.push_back({i + 1, agents_.back()->hello()});
  }
}

void LocalTransport::send(int worker, const Message& message) {
  agents_.at(static_cast<size_t>(worker - 1))->handle(message);
}

std::vector<Envelope> LocalTransport::poll(std::chrono::milliseconds timeout) {
  std::vector<Envelope> out;
  out.swap(hellos_);
  const auto deadline = Clock::now() + timeout;
  int busy = 0;
  for (const auto& agent : agents_) busy += agent->busy();
  while (true) {
    for (size_t i = 0; i < agents_.size(); ++i) {
      // With one trial running, block on its events; with several, look at each in turn.
      const auto wait =
          busy == 1 && out.empty()
              ? std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())
              : std::chrono::milliseconds(0);
      for (auto& message : agents_[i]->pump(std::max(wait, std::chrono::milliseconds(0))))
        out.push_back({static_cast<int>(i) + 1, std::move(message)});
    }
    if (!out.empty() || Clock::now() >= deadline) return out;
    if (busy != 1) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace adamix::orchestrator
