// ADAMIX_INJECT_FAULT (test only): each kind ends `adamix train` the way a real crash would, at
// the requested step and attempt, and leaves a checkpoint the next attempt resumes from.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "tests/worker/trial_child_helpers.h"
#include "worker/fault_injection.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using worker::FaultKind;

TEST(FaultRules, Parse) {
  const auto rules = worker::parse_fault_rules("kind=segv,step=3,attempt=1,trial=ab12;kind=hang;");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].kind, FaultKind::Segv);
  EXPECT_EQ(rules[0].step, 3);
  EXPECT_EQ(rules[0].attempt, 1);
  EXPECT_EQ(rules[0].trial_prefix, "ab12");
  EXPECT_EQ(rules[1].kind, FaultKind::Hang);
  EXPECT_EQ(rules[1].step, 1);
  EXPECT_EQ(rules[1].attempt, 0);
  EXPECT_EQ(rules[1].trial_prefix, "");
  for (const char* bad :
       {"", ";", "step=3", "kind=boom", "kind=segv,step=0", "kind=segv,step=x", "kind=segv,step=2x",
        "kind=segv,attempt=-1", "kind=segv,colour=red", "kind", "kind=segv,trial="}) {
    try {
      worker::parse_fault_rules(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("ADAMIX_INJECT_FAULT"), std::string::npos) << e.what();
    }
  }
}

class FaultInjection : public TrialChildTest {
 protected:
  // 15 steps, a checkpoint every 5, evaluations at 10 and 15.
  static std::string yaml() {
    return config("{module: adapter, size: 8, experts: 2}",
                  "{epochs: 1, batch_size: 16, lr: 1.0e-3, eval_every: 10, checkpoint_every: 5}");
  }
  EventRunResult run(const std::string& rules, int attempt = 1, EventRunOptions options = {}) {
    options.env = {"ADAMIX_INJECT_FAULT=" + rules};
    return train(yaml(), work_ / "t", attempt, options);
  }
  // The last event is the live metrics row of `step`: the fault fired right after it.
  static void expect_died_after_step(const EventRunResult& r, int64_t step) {
    ASSERT_FALSE(r.events.empty());
    const auto last = json::parse(r.events.back());
    EXPECT_EQ(last.at("event"), "metrics") << last;
    EXPECT_EQ(last.at("step"), step) << last;
    EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
  }
};

TEST_F(FaultInjection, SegvAfterACheckpointResumesFromIt) {
  // The segv rule is for attempt 1 only; the exit rule never matches a hex trial id.
  const std::string rules = "kind=exit,step=2,trial=zz;kind=segv,step=7,attempt=1";
  const auto crashed = run(rules);
  EXPECT_EQ(crashed.signal, SIGSEGV) << crashed.err;
  expect_died_after_step(crashed, 7);
  const auto resumed = run(rules, 2);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto started = json::parse(resumed.events.front());
  EXPECT_EQ(started.at("resumed"), true);
  EXPECT_EQ(started.at("step"), 5);
  int replayed = 0;
  for (const auto& e : parse_lines(resumed.events)) replayed += e.value("replay", false);
  EXPECT_EQ(replayed, 5);  // the train rows of steps 1-5; 6 and 7 came after the checkpoint
  const auto whole = train(yaml(), work_ / "whole");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(io::read_file(work_ / "t" / "metrics.jsonl"),
            io::read_file(work_ / "whole" / "metrics.jsonl"));
}

TEST_F(FaultInjection, AbortKillExitAndThrow) {
  auto r = run("kind=abort,step=2");
  EXPECT_EQ(r.signal, SIGABRT) << r.err;
  expect_died_after_step(r, 2);
  fs::remove_all(work_ / "t");
  r = run("kind=kill,step=3");
  EXPECT_EQ(r.signal, SIGKILL) << r.err;
  expect_died_after_step(r, 3);
  fs::remove_all(work_ / "t");
  r = run("kind=exit,step=2");
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  expect_died_after_step(r, 2);
  fs::remove_all(work_ / "t");
  r = run("kind=throw,step=4");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(last_line(r.err), "adamix train: error: injected fault at step 4");
  ASSERT_FALSE(r.events.empty());
  EXPECT_EQ(json::parse(r.events.back()),
            (json{{"event", "error"}, {"kind", "Error"}, {"message", "injected fault at step 4"}}));
}

TEST_F(FaultInjection, HangIgnoresSigtermUntilKilled) {
  EventRunOptions options;
  options.on_event = [](pid_t pid, const std::string& line) {
    if (json::parse(line).value("step", 0) != 2) return;
    kill(pid, SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kill(pid, SIGKILL);
  };
  const auto r = run("kind=hang,step=2", 1, options);
  EXPECT_EQ(r.signal, SIGKILL) << r.err;
  expect_died_after_step(r, 2);
}

TEST_F(FaultInjection, MalformedRulesAreAConfigError) {
  const auto r = run("kind=segv,step=soon");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("ADAMIX_INJECT_FAULT: 'step=soon'"), std::string::npos) << r.err;
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(json::parse(r.events[0]).at("kind"), "ConfigError");
  EXPECT_FALSE(fs::exists(work_ / "t"));
}

}  // namespace
}  // namespace adamix::testing
