// The rank-0 logic against scripted workers (no processes, no MPI): queue order, retries,
// interruption, the first-wave stop, heartbeats, stale messages, and what lands in the database.
#include "orchestrator/orchestrator.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <sstream>

#include "storage/results_store.h"
#include "tests/support/cli_helpers.h"

namespace adamix::orchestrator {
namespace {

using adamix::testing::TempDir;

// What a scripted worker does with a trial: an outcome per attempt (the last one repeats).
struct Script {
  std::vector<Outcome> outcomes{Outcome::Done};
  bool silent = false;  // never answers (a hung worker)
};

class ScriptedTransport : public Transport {
 public:
  ScriptedTransport(int workers, std::map<std::string, Script> scripts)
      : workers_(workers), scripts_(std::move(scripts)) {
    for (int w = 1; w <= workers; ++w) inbox_.push_back({w, message::ready("host", "")});
  }
  int workers() const override { return workers_; }

  void send(int worker, const Message& m) override {
    sent_.push_back({worker, m});
    const auto type = m.at("type").get<std::string>();
    if (type == "release" || type == "stop") {
      if (type == "stop" && running_.count(worker)) {
        const auto [trial, attempt] = running_[worker];
        inbox_.push_back({worker, message::exit(trial, attempt, Outcome::Stopped, "")});
        running_.erase(worker);
      }
      inbox_.push_back({worker, message::bye()});
      return;
    }
    const auto trial = m.at("trial").get<std::string>();
    const auto attempt = m.at("attempt").get<int64_t>();
    order_.push_back(trial);
    const auto& script = scripts_[trial];
    if (script.silent) {
      running_[worker] = {trial, attempt};
      return;
    }
    const auto& outcomes = script.outcomes;
    const auto outcome = outcomes[std::min<size_t>(attempt - 1, outcomes.size() - 1)];
    const auto event = [&](Message e) {
      inbox_.push_back({worker, message::event(trial, attempt, e)});
    };
    event({{"event", "started"},
           {"step", 0},
           {"total_steps", 10},
           {"resumed", false},
           {"main_metric", "dev/accuracy"}});
    event({{"event", "metrics"},
           {"step", 5},
           {"epoch", 1},
           {"replay", false},
           {"metrics", {{"dev/accuracy", 0.5 + 0.01 * static_cast<double>(attempt)}}}});
    // A stale message from an earlier attempt must be ignored.
    inbox_.push_back({worker, message::event(trial, attempt + 100,
                                             {{"event", "metrics"},
                                              {"step", 7},
                                              {"epoch", 1},
                                              {"metrics", {{"dev/accuracy", 9.0}}}})});
    inbox_.push_back({worker, message::exit(trial, attempt, outcome,
                                            outcome == Outcome::Failed ? "boom " + trial : "")});
    if (outcome != Outcome::Stopped)
      inbox_.push_back({worker, message::ready("host", "")});
    else
      inbox_.push_back({worker, message::bye()});
  }

  std::vector<Envelope> poll(std::chrono::milliseconds) override {
    std::vector<Envelope> out;
    out.swap(inbox_);
    return out;
  }

  std::vector<std::string> order_;  // trials in the order they were handed out
  std::vector<Envelope> sent_;

 private:
  int workers_;
  std::map<std::string, Script> scripts_;
  std::vector<Envelope> inbox_;
  std::map<int, std::pair<std::string, int64_t>> running_;
};

class OrchestratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<storage::ResultsStore>(dir_ / "results.sqlite",
                                                     storage::ResultsStore::Access::ReadWrite);
    store_->put_sweep({"s", "spec", storage::utc_now(), "test"});
  }

  // Trials "t0", "t1", ... with costs as given.
  std::vector<QueuedTrial> trials(const std::vector<double>& costs) {
    std::vector<QueuedTrial> out;
    for (size_t i = 0; i < costs.size(); ++i) {
      const auto id = "t" + std::to_string(i);
      store_->ensure_trial("s", {id, static_cast<int64_t>(i), "yaml", "g", "", "", costs[i]});
      out.push_back({id, "yaml", "", costs[i], static_cast<int64_t>(i), 0});
    }
    return out;
  }

  SweepOutcome run(ScriptedTransport& transport, std::vector<QueuedTrial> queue,
                   int max_attempts = 2) {
    OrchestratorSettings settings;
    settings.sweep_name = "s";
    settings.run_dir = dir_.path();
    settings.sweep_trials = static_cast<int64_t>(queue.size());
    settings.max_attempts = max_attempts;
    settings.heartbeat_timeout = std::chrono::milliseconds(300);
    Recorder recorder(*store_);
    ProgressView view(log_, false);
    Orchestrator orchestrator(settings, std::move(queue), recorder, transport, view);
    return orchestrator.run();
  }

  storage::TrialStatus status(const std::string& id) { return store_->trial(id)->status; }

  TempDir dir_;
  std::unique_ptr<storage::ResultsStore> store_;
  std::ostringstream log_;
};

TEST_F(OrchestratorTest, RunsEveryTrialLongestFirstAndRecordsIt) {
  ScriptedTransport transport(2, {});
  const auto outcome = run(transport, trials({1, 5, 3, 5}));
  EXPECT_EQ(outcome.done, 4);
  EXPECT_EQ(outcome.failed, 0);
  EXPECT_EQ(transport.order_, (std::vector<std::string>{"t1", "t3", "t2", "t0"}));
  EXPECT_EQ(store_->counts().done, 4);
  // One metric row per trial: the stale attempt's row (value 9) never landed.
  const auto rows = store_->metrics();
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) EXPECT_DOUBLE_EQ(row.value, 0.51);
  // Every worker was released at the end.
  int releases = 0;
  for (const auto& e : transport.sent_) releases += e.message["type"] == "release";
  EXPECT_EQ(releases, 2);
}

TEST_F(OrchestratorTest, RetriesAFailedTrialThenGivesUpAfterMaxAttempts) {
  ScriptedTransport transport(
      1, {{"t0", {{Outcome::Failed, Outcome::Done}}}, {"t1", {{Outcome::Failed}}}});
  const auto outcome = run(transport, trials({2, 1, 1}), 3);
  EXPECT_EQ(outcome.done, 2);
  EXPECT_EQ(outcome.failed, 1);
  ASSERT_EQ(outcome.failures.size(), 1u);
  EXPECT_EQ(outcome.failures[0].first, "t1");
  EXPECT_EQ(outcome.failures[0].second, "boom t1");
  EXPECT_EQ(status("t0"), storage::TrialStatus::Done);
  EXPECT_EQ(store_->trial("t0")->attempts, 2);
  EXPECT_EQ(status("t1"), storage::TrialStatus::Failed);
  EXPECT_EQ(store_->trial("t1")->attempts, 3);
  EXPECT_EQ(store_->trial("t1")->error, "boom t1");
  // The second attempt's value replaced the first's: still one row per metric.
  const auto rows = store_->metrics("t0");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].value, 0.52);
}

TEST_F(OrchestratorTest, StopsEarlyWhenEveryTrialOfTheFirstWaveFailed) {
  ScriptedTransport transport(2, {{"t0", {{Outcome::Failed}}},
                                  {"t1", {{Outcome::Failed}}},
                                  {"t2", {{Outcome::Failed}}},
                                  {"t3", {{Outcome::Failed}}}});
  const auto outcome = run(transport, trials({4, 3, 2, 1}), 1);
  EXPECT_TRUE(outcome.stopped_early);
  // t2 went out before t1's failure arrived; t3 never did.
  EXPECT_EQ(transport.order_, (std::vector<std::string>{"t0", "t1", "t2"}));
  EXPECT_EQ(outcome.failed, 3);
  EXPECT_EQ(outcome.unfinished, 1);
  EXPECT_EQ(status("t3"), storage::TrialStatus::Queued);
  EXPECT_NE(log_.str().find("every trial of the first wave failed"), std::string::npos);
}

TEST_F(OrchestratorTest, AStoppedTrialGoesBackToTheQueue) {
  ScriptedTransport transport(2, {{"t0", {{Outcome::Stopped, Outcome::Done}}}});
  const auto outcome = run(transport, trials({2, 1, 1}));
  // Worker 1 left after t0 stopped; t0 went to the front of the queue, so worker 2 resumed it
  // right after t1.
  EXPECT_EQ(outcome.done, 3);
  EXPECT_EQ(transport.order_, (std::vector<std::string>{"t0", "t1", "t0", "t2"}));
  EXPECT_EQ(status("t1"), storage::TrialStatus::Done);
}

TEST_F(OrchestratorTest, ASilentWorkersTrialIsRequeuedAfterTheHeartbeatTimeout) {
  ScriptedTransport transport(2, {{"t0", {{Outcome::Done}, true}}});
  const auto outcome = run(transport, trials({2, 1}));
  EXPECT_EQ(outcome.done, 1);
  EXPECT_EQ(outcome.unfinished, 1);  // t0 went silent on both workers, one after the other
  EXPECT_EQ(transport.order_, (std::vector<std::string>{"t0", "t1", "t0"}));
  EXPECT_EQ(status("t0"), storage::TrialStatus::Queued);
  EXPECT_NE(store_->trial("t0")->error.find("stopped responding"), std::string::npos);
}

}  // namespace
}  // namespace adamix::orchestrator
