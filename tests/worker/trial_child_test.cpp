// `adamix train` as a sweep worker's child process: the trial YAML on stdin, JSON-line events
// on fd 3 (started, replayed and live metrics, checkpoints, finished / stopped / error), and
// a resumed attempt replaying exactly the rows its checkpoint kept.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <string>
#include <vector>

#include "core/io/atomic_file.h"
#include "core/io/sha256.h"
#include "tests/worker/trial_child_helpers.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::vector<json> of_kind(const std::vector<json>& events, const std::string& kind) {
  std::vector<json> picked;
  for (const auto& e : events)
    if (e.at("event") == kind) picked.push_back(e);
  return picked;
}

using TrialEventsCli = TrialChildTest;

TEST_F(TrialEventsCli, FullRunReportsEveryRowCheckpointAndTheEnd) {
  // 15 steps; a train row per step (15 < 100), evaluations at 5, 10, 15.
  const auto r = train(config("{module: adapter, size: 8, experts: 2}",
                              "{epochs: 1, batch_size: 16, lr: 1.0e-3, eval_every: 5}"),
                       work_ / "t", 2);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto events = parse_lines(r.events);
  ASSERT_GE(events.size(), 3u);

  const auto& started = events.front();
  EXPECT_EQ(started.at("event"), "started");
  EXPECT_EQ(started.at("trial").get<std::string>().size(), 12u);
  EXPECT_NE(r.out.find("trial " + started.at("trial").get<std::string>()), std::string::npos);
  EXPECT_EQ(started.at("attempt"), 2);
  EXPECT_EQ(started.at("step"), 0);
  EXPECT_EQ(started.at("total_steps"), 15);
  EXPECT_EQ(started.at("resumed"), false);
  EXPECT_EQ(started.at("main_metric"), "dev/accuracy");
  EXPECT_GT(started.at("params").at("backbone").get<int64_t>(), 0);
  EXPECT_GT(started.at("params").at("trainable").get<int64_t>(), 0);
  EXPECT_GT(started.at("params").at("merged").get<int64_t>(), 0);
  EXPECT_GT(started.at("params").at("head").get<int64_t>(), 0);
  EXPECT_EQ(started.at("backbone_sha256"), io::sha256_file(*dir_ / "model" / "model.safetensors"));

  // The live metrics events are metrics.jsonl, row for row.
  const auto rows = metrics_rows(work_ / "t");
  const auto metrics = of_kind(events, "metrics");
  ASSERT_EQ(metrics.size(), rows.size());
  ASSERT_EQ(rows.size(), 15u + 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(metrics[i].at("replay"), false);
    auto carried = metrics[i];
    carried.erase("event");
    carried.erase("replay");
    EXPECT_EQ(carried, row_part(rows[i])) << i;
  }
  int eval_rows = 0;
  for (const auto& row : rows) {
    if (row.contains("main_metric")) {
      ++eval_rows;
      EXPECT_EQ(row.at("main_metric"), started.at("main_metric"));
      EXPECT_TRUE(row.at("metrics").contains(row.at("main_metric").get<std::string>()));
    } else {
      for (const char* key : {"train/loss", "train/task_loss", "train/consistency", "train/lr"})
        EXPECT_TRUE(row.at("metrics").contains(key)) << row;
    }
  }
  EXPECT_EQ(eval_rows, 3);

  // A checkpoint event right after each evaluation's row; the last ones match the files.
  std::map<std::string, std::string> last_sha;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].at("event") != "checkpoint") continue;
    const auto file = events[i].at("file").get<std::string>();
    EXPECT_TRUE(file == "checkpoint.h5" || file == "best.h5") << file;
    EXPECT_EQ(events[i].at("step").get<int64_t>() % 5, 0);
    last_sha[file] = events[i].at("sha256");
    if (file == "best.h5") {
      EXPECT_EQ(events[i + 1].at("file"), "checkpoint.h5");
    }
  }
  EXPECT_EQ(of_kind(events, "checkpoint").back().at("step"), 15);
  EXPECT_EQ(last_sha.at("checkpoint.h5"), io::sha256_file(work_ / "t" / "checkpoint.h5"));
  EXPECT_EQ(last_sha.at("best.h5"), io::sha256_file(work_ / "t" / "best.h5"));

  const auto& finished = events.back();
  EXPECT_EQ(finished.at("event"), "finished");
  EXPECT_EQ(finished.at("step"), 15);
  EXPECT_EQ(finished.at("main_metric"), "dev/accuracy");
  double best = -1;
  int64_t best_step = -1;
  for (const auto& row : rows)
    if (row.contains("main_score") && row.at("main_score").get<double>() > best)
      best = row.at("main_score"), best_step = row.at("step");
  EXPECT_EQ(finished.at("best_score").get<double>(), best);
  EXPECT_EQ(finished.at("best_step"), best_step);
  EXPECT_TRUE(of_kind(events, "error").empty());
  EXPECT_TRUE(of_kind(events, "stopped").empty());
}

TEST_F(TrialEventsCli, StoppedTrialResumesReplayingExactlyTheKeptRows) {
  const auto yaml = config("{module: lora, experts: 2}",
                           "{epochs: 4, batch_size: 8, lr: 1.0e-3, eval_every: 20}");
  EventRunOptions stop;
  bool sent = false;
  stop.on_event = [&](pid_t pid, const std::string& line) {
    if (!sent && line.find("\"checkpoint\"") != std::string::npos) {
      kill(pid, SIGTERM);
      sent = true;
    }
  };
  const auto stopped = train(yaml, work_ / "t", 1, stop);
  ASSERT_EQ(stopped.exit_code, 143) << stopped.err;
  const auto first = parse_lines(stopped.events);
  ASSERT_GE(first.size(), 2u);
  const auto stop_step = first.back().at("step").get<int64_t>();
  EXPECT_EQ(first.back(), (json{{"event", "stopped"}, {"step", stop_step}}));
  EXPECT_GE(stop_step, 20);
  EXPECT_LT(stop_step, 120);
  const auto& saved = first[first.size() - 2];  // the stop's checkpoint comes right before
  EXPECT_EQ(saved.at("event"), "checkpoint");
  EXPECT_EQ(saved.at("file"), "checkpoint.h5");
  EXPECT_EQ(saved.at("step"), stop_step);
  const auto kept = metrics_rows(work_ / "t");

  const auto resumed = train(yaml, work_ / "t", 2);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto events = parse_lines(resumed.events);
  ASSERT_GT(events.size(), kept.size() + 1);
  EXPECT_EQ(events[0].at("event"), "started");
  EXPECT_EQ(events[0].at("resumed"), true);
  EXPECT_EQ(events[0].at("attempt"), 2);
  EXPECT_EQ(events[0].at("step"), stop_step);
  EXPECT_EQ(events[0].at("total_steps"), 120);
  for (size_t i = 0; i < kept.size(); ++i) {
    const auto& e = events[1 + i];
    EXPECT_EQ(e.at("event"), "metrics");
    EXPECT_EQ(e.at("replay"), true);
    EXPECT_EQ(
        (json{{"step", e.at("step")}, {"epoch", e.at("epoch")}, {"metrics", e.at("metrics")}}),
        row_part(kept[i]));
  }
  // Replayed + live rows are the final metrics.jsonl, and what the first attempt sent.
  std::vector<json> carried;
  for (const auto& e : events)
    if (e.at("event") == "metrics") {
      EXPECT_EQ(e.at("replay"), carried.size() < kept.size());
      if (!e.at("replay")) {
        EXPECT_GT(e.at("step").get<int64_t>(), stop_step);
      }
      carried.push_back(
          {{"step", e.at("step")}, {"epoch", e.at("epoch")}, {"metrics", e.at("metrics")}});
    }
  const auto rows = metrics_rows(work_ / "t");
  ASSERT_EQ(carried.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(carried[i], row_part(rows[i])) << i;
  size_t live_first = 0;
  for (const auto& e : first) live_first += e.at("event") == "metrics";
  EXPECT_EQ(live_first, kept.size());
  EXPECT_EQ(events.back().at("event"), "finished");
  EXPECT_EQ(events.back().at("step"), 120);
}

TEST_F(TrialEventsCli, ConfigFromStdinNamesStdinInErrors) {
  const auto r = train("model: m\nmethod: {experts: many}\n", work_ / "x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("<stdin>:2: method.experts"), std::string::npos) << r.err;
  ASSERT_EQ(r.events.size(), 1u);
  const auto event = json::parse(r.events[0]);
  EXPECT_EQ(event.at("event"), "error");
  EXPECT_EQ(event.at("kind"), "ConfigError");
  EXPECT_NE(event.at("message").get<std::string>().find("<stdin>"), std::string::npos);
  EXPECT_FALSE(fs::exists(work_ / "x"));
  const auto empty = train("", work_ / "x");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("<stdin>: empty trial config"), std::string::npos) << empty.err;
}

TEST_F(TrialEventsCli, NonFiniteLossIsADivergenceError) {
  // Full fine-tuning with an absurd learning rate: the first step past warm-up sends the
  // weights to ~1e30 and the next forward pass gives a NaN loss.
  const auto r =
      train(config("{module: full}", "{epochs: 1, batch_size: 16, lr: 1.0e+30}"), work_ / "nan");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(last_line(r.err).find("adamix train: error: training diverged: loss is"),
            std::string::npos)
      << r.err;
  ASSERT_FALSE(r.events.empty());
  const auto event = json::parse(r.events.back());
  EXPECT_EQ(event.at("event"), "error");
  EXPECT_EQ(event.at("kind"), "DivergenceError");
  EXPECT_NE(event.at("message").get<std::string>().find("training diverged"), std::string::npos);
}

TEST_F(TrialEventsCli, ClosedEventsFdIsAConfigError) {
  const auto r = run_adamix("train --config /nonexistent.yaml --events-fd 517");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--events-fd 517: not an open file descriptor"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace adamix::testing
