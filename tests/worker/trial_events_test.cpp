// TrialEvents and MetricsJsonl in process: event text, one line per write, NaN as null, a
// vanished parent as an IoError, and training-loss rows every 1% of the steps.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <limits>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "tests/support/cli_helpers.h"
#include "worker/trial_events.h"
#include "worker/trial_observers.h"

namespace adamix::testing {
namespace {
using nlohmann::json;

// A pipe whose read end the test drains.
class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
  }
  ~Pipe() {
    close_read();
    ::close(fds_[1]);
  }
  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  void close_read() {
    if (fds_[0] >= 0) ::close(fds_[0]);
    fds_[0] = -1;
  }
  // Everything written so far, as lines.
  std::vector<json> lines() {
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds_[0], buffer, sizeof buffer)) > 0;)
      text.append(buffer, static_cast<size_t>(n));
    std::vector<json> parsed;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) parsed.push_back(json::parse(line));
    return parsed;
  }

 private:
  int fds_[2];
};

TEST(TrialEvents, StartedReplayProgressAndEnd) {
  Pipe pipe;
  worker::TrialEvents events(worker::EventChannel(pipe.write_fd()), "abc123", 3, 0.0);
  worker::TrialStart start;
  start.step = 4;
  start.total_steps = 10;
  start.resumed = true;
  start.main_metric = "dev/accuracy";
  start.params_backbone = 100;
  start.params_trainable = 7;
  start.params_merged = 5;
  start.params_head = 2;
  start.backbone_sha256 = "ff";
  events.started(start, {R"({"step":2,"epoch":0,"metrics":{"train/loss":0.5}})",
                         R"({"step":4,"epoch":1,"metrics":{"dev/accuracy":0.25},"is_best":true})"});
  train::TrainingState state;
  state.step = 5;
  state.epoch = 1;
  events.on_start(state, 10);
  train::StepReport report;
  report.loss = 0.75;
  report.examples = 8;
  report.total_steps = 10;
  events.on_step(state, report);
  events.metrics_row(R"({"step":5,"epoch":1,"metrics":{"dev/mcc":null}})");
  state.best_score = std::numeric_limits<double>::quiet_NaN();
  state.best_step = -1;
  events.finished(state, "dev/accuracy");
  events.stopped(state);

  const auto lines = pipe.lines();
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0].dump(),
            R"({"attempt":3,"backbone_sha256":"ff","event":"started","main_metric":"dev/accuracy",)"
            R"("params":{"backbone":100,"head":2,"merged":5,"trainable":7},"resumed":true,)"
            R"("step":4,"total_steps":10,"trial":"abc123"})");
  EXPECT_EQ(lines[1], json::parse(R"({"event":"metrics","step":2,"epoch":0,)"
                                  R"("metrics":{"train/loss":0.5},"replay":true})"));
  EXPECT_EQ(lines[2], json::parse(R"({"event":"metrics","step":4,"epoch":1,)"
                                  R"("metrics":{"dev/accuracy":0.25},"replay":true})"));
  EXPECT_EQ(lines[3].at("event"), "progress");
  EXPECT_EQ(lines[3].at("step"), 5);
  EXPECT_EQ(lines[3].at("total_steps"), 10);
  EXPECT_EQ(lines[3].at("epoch"), 1);
  EXPECT_EQ(lines[3].at("loss"), 0.75);
  EXPECT_GT(lines[3].at("examples_per_second").get<double>(), 0);
  EXPECT_EQ(lines[4], json::parse(R"({"event":"metrics","step":5,"epoch":1,)"
                                  R"("metrics":{"dev/mcc":null},"replay":false})"));
  EXPECT_EQ(lines[5], json::parse(R"({"event":"finished","step":5,"best_step":-1,)"
                                  R"("best_score":null,"main_metric":"dev/accuracy"})"));
  EXPECT_EQ(lines[6], json::parse(R"({"event":"stopped","step":5})"));
}

TEST(TrialEvents, ProgressAtMostEveryPeriod) {
  Pipe pipe;
  worker::TrialEvents events(worker::EventChannel(pipe.write_fd()), "t", 1, 3600.0);
  train::TrainingState state;
  events.on_start(state, 1000);
  train::StepReport report;
  for (state.step = 1; state.step <= 1000; ++state.step) events.on_step(state, report);
  EXPECT_TRUE(pipe.lines().empty());
}

TEST(TrialEvents, ErrorEventsNameTheKind) {
  Pipe pipe;
  const worker::EventChannel channel(pipe.write_fd());
  worker::write_error_event(channel, DivergenceError("loss is nan"));
  worker::write_error_event(channel, ConfigError("bad \xff byte"));
  worker::write_error_event(channel, std::runtime_error("boom"));
  const auto lines = pipe.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            json::parse(R"({"event":"error","kind":"DivergenceError","message":"loss is nan"})"));
  EXPECT_EQ(lines[1].at("kind"), "ConfigError");
  EXPECT_EQ(lines[2].at("kind"), "internal");
  EXPECT_EQ(worker::error_kind(IoError("x")), "IoError");
  EXPECT_EQ(worker::error_kind(InputError("x")), "InputError");
  EXPECT_EQ(worker::error_kind(Error("x")), "Error");
}

TEST(TrialEvents, ClosedOrVanishedReaderIsAnError) {
  EXPECT_THROW(worker::EventChannel(517).check_open(), ConfigError);
  const auto previous = std::signal(SIGPIPE, SIG_IGN);  // as `adamix train --events-fd` does
  Pipe pipe;
  pipe.close_read();
  try {
    worker::EventChannel(pipe.write_fd()).write_line("{}");
    ADD_FAILURE() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("Broken pipe"), std::string::npos) << e.what();
  }
  std::signal(SIGPIPE, previous);
}

TEST(TrialEvents, LongLinesArriveWhole) {
  Pipe pipe;
  const std::string text(200000, 'x');  // more than a pipe holds: the write goes in parts
  std::thread writer([&] { worker::EventChannel(pipe.write_fd()).write_line(text); });
  std::string received;
  char buffer[4096];
  for (ssize_t n;
       received.size() <= text.size() && (n = ::read(pipe.read_fd(), buffer, sizeof buffer)) > 0;)
    received.append(buffer, static_cast<size_t>(n));
  writer.join();
  EXPECT_EQ(received, text + "\n");
}

TEST(MetricsJsonl, TrainRowsEveryHundredthOfTheSteps) {
  TempDir dir;
  const auto path = dir / "metrics.jsonl";
  std::vector<std::string> seen;
  {
    worker::MetricsJsonl metrics(path, 0);
    metrics.add_listener([&](const std::string& row) { seen.push_back(row); });
    train::TrainingState state;
    metrics.on_start(state, 250);  // interval 2
    train::StepReport report;
    for (state.step = 1; state.step <= 250; ++state.step) {
      report.loss = 1.0 / static_cast<double>(state.step);
      report.lr = 1e-3;
      metrics.on_step(state, report);
    }
  }
  ASSERT_EQ(seen.size(), 125u);
  EXPECT_EQ(seen[0], R"({"step":2,"epoch":0,"metrics":{"train/loss":0.5,"train/task_loss":0.0,)"
                     R"("train/consistency":0.0,"train/lr":0.001}})");
  std::string file;
  for (const auto& row : seen) file += row + "\n";
  EXPECT_EQ(io::read_file(path), file);
  // Resuming at step 100 keeps the rows up to it and hands them out for replay.
  worker::MetricsJsonl resumed(path, 100);
  ASSERT_EQ(resumed.kept_rows().size(), 50u);
  EXPECT_EQ(resumed.kept_rows().back(), seen[49]);
  EXPECT_EQ(io::read_file(path), file.substr(0, file.find(seen[50])));
}

}  // namespace
}  // namespace adamix::testing
