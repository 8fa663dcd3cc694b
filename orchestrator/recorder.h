#pragma once
// Rank 0's writes to results.sqlite. Calls only queue the write (with the time it happened);
// flush() applies everything queued in one transaction, after the loop has answered the
// workers, so the database is never on a worker's critical path.
//
//   recorder.trial_event(id, attempt, event);  // metrics rows, facts, artifacts, progress
//   recorder.flush();
#include <functional>
#include <string>
#include <vector>

#include "orchestrator/protocol.h"
#include "storage/results_store.h"

namespace adamix::orchestrator {

class Recorder {
 public:
  explicit Recorder(storage::ResultsStore& store) : store_(store) {}

  void running(const std::string& trial, int64_t attempt, int worker, const std::string& host,
               const std::string& gpu);
  // A trial child's event (orchestrator/protocol.h): started -> facts, and metric rows past the
  // step it starts from are deleted (they are replayed); metrics -> idempotent rows;
  // checkpoint -> artifact; progress -> step and heartbeat.
  void trial_event(const std::string& trial, int64_t attempt, const Message& event);
  void heartbeat(const std::string& trial, int64_t step);
  void done(const std::string& trial);
  void failed(const std::string& trial, const std::string& error);
  void requeued(const std::string& trial, const std::string& why);
  void note(const std::string& trial, const std::string& kind, const std::string& text);

  void flush();
  size_t pending() const { return pending_.size(); }

 private:
  void queue(std::function<void(storage::ResultsStore&)> write);

  storage::ResultsStore& store_;
  std::vector<std::function<void(storage::ResultsStore&)>> pending_;
};

}  // namespace adamix::orchestrator
