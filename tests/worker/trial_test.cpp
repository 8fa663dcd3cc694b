// `adamix train` end to end: a tiny trial learns, two runs with one seed give identical bytes,
// and a trial killed with SIGKILL (or stopped with SIGTERM) and resumed ends bit-identical to
// an uninterrupted one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/io/atomic_file.h"
#include "storage/checkpoint.h"
#include "tests/support/cli_helpers.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

class TrialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    make_tiny_model_and_task(dir_->path());
  }
  static void TearDownTestSuite() { delete dir_; }

  // A trial config over the suite's model and task.
  fs::path config(const std::string& name, const std::string& method, const std::string& train) {
    const auto path = work_ / (name + ".yaml");
    std::ofstream(path) << "model: " << (*dir_ / "model").string() << "\n"
                        << "task: {name: synthetic, dir: " << (*dir_ / "task").string()
                        << ", max_length: 32}\n"
                        << "method: " << method << "\n"
                        << "train: " << train << "\n";
    return path;
  }

  static RunResult train(const fs::path& config, const fs::path& out) {
    return run_adamix("train --threads 1 --config " + q(config) + " --out " + q(out));
  }

  static double best_score(const fs::path& trial) {
    const auto c = storage::read_checkpoint(trial / "checkpoint.h5");
    return storage::attribute_double(c.metrics, "best_score");
  }

  static TempDir* dir_;
  TempDir work_;
};
TempDir* TrialTest::dir_ = nullptr;

TEST_F(TrialTest, LearnsTheSyntheticTaskWellAboveChance) {
  const auto full = train(
      config("full", "{module: full}", "{epochs: 15, batch_size: 16, lr: 1.0e-3}"), work_ / "full");
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_GE(best_score(work_ / "full"), 0.9);
  const auto adamix = train(config("adamix", "{module: adapter, size: 16, experts: 4}",
                                   "{epochs: 30, batch_size: 16, lr: 1.0e-2, warmup_ratio: 0.1}"),
                            work_ / "adamix");
  ASSERT_EQ(adamix.exit_code, 0) << adamix.err;
  EXPECT_GE(best_score(work_ / "adamix"), 0.65);  // 100 dev examples: chance is 0.5 ± 0.05
  for (const char* file : {"trial.yaml", "log.txt", "metrics.jsonl", "checkpoint.h5", "best.h5"})
    EXPECT_TRUE(fs::exists(work_ / "adamix" / file)) << file;
  EXPECT_NE(adamix.err.find("parameters: backbone"), std::string::npos);
  EXPECT_NE(adamix.out.find("best dev/accuracy"), std::string::npos);
}

TEST_F(TrialTest, SameSeedGivesIdenticalBytes) {
  const auto c = config("d", "{module: adapter, size: 8, experts: 4, consistency: 1.0}",
                        "{epochs: 2, batch_size: 16, lr: 1.0e-3, eval_every: 5, seed: 4}");
  ASSERT_EQ(train(c, work_ / "a").exit_code, 0);
  ASSERT_EQ(train(c, work_ / "b").exit_code, 0);
  EXPECT_EQ(io::read_file(work_ / "a" / "metrics.jsonl"),
            io::read_file(work_ / "b" / "metrics.jsonl"));
  EXPECT_EQ(io::read_file(work_ / "a" / "checkpoint.h5"),
            io::read_file(work_ / "b" / "checkpoint.h5"));
  const auto other = config("e", "{module: adapter, size: 8, experts: 4, consistency: 1.0}",
                            "{epochs: 2, batch_size: 16, lr: 1.0e-3, eval_every: 5, seed: 5}");
  ASSERT_EQ(train(other, work_ / "c").exit_code, 0);
  EXPECT_NE(io::read_file(work_ / "a" / "metrics.jsonl"),
            io::read_file(work_ / "c" / "metrics.jsonl"));
}

// Starts `adamix train`, waits until its log.txt has gained a line containing `marker` (or the
// trial ends by itself), then sends `signal`. Returns the exit code (128 + signal if killed).
int run_and_signal(const fs::path& config, const fs::path& out, int signal,
                   const std::string& marker) {
  const auto log = out / "log.txt";
  const size_t log_before = fs::exists(log) ? io::read_file(log).size() : 0;
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string binary = ADAMIX_BINARY, cfg = config.string(), dir = out.string();
    if (!freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "w", stdout)) _exit(126);
    execl(binary.c_str(), binary.c_str(), "train", "--threads", "1", "--config", cfg.c_str(),
          "--out", dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (fs::exists(log) && io::read_file(log).find(marker, log_before) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill(pid, signal);
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_F(TrialTest, KillNineAndResumeIsBitIdentical) {
  const auto c =
      config("k", "{module: adapter, size: 8, experts: 4, routing: random}",
             "{epochs: 6, batch_size: 8, lr: 1.0e-3, eval_every: 7, checkpoint_every: 3}");
  ASSERT_EQ(train(c, work_ / "whole").exit_code, 0);
  // Killed at four places: right after a checkpoint, while training on, and after evaluations;
  // each run resumes from whatever the previous one left.
  int kills = 0;
  for (const char* marker : {"checkpoint at step 3", "checkpoint at step 21",
                             "checkpoint at step 56", "checkpoint at step 120"}) {
    kills += run_and_signal(c, work_ / "killed", SIGKILL, marker) == 128 + SIGKILL;
  }
  EXPECT_EQ(kills, 4);
  const auto resumed = train(c, work_ / "killed");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(io::read_file(work_ / "whole" / "metrics.jsonl"),
            io::read_file(work_ / "killed" / "metrics.jsonl"));
  const auto a = storage::read_checkpoint(work_ / "whole" / "checkpoint.h5");
  const auto b = storage::read_checkpoint(work_ / "killed" / "checkpoint.h5");
  ASSERT_EQ(a.params.size(), b.params.size());
  for (size_t i = 0; i < a.params.size(); ++i) {
    EXPECT_EQ(a.params[i].first, b.params[i].first);
    EXPECT_EQ(a.params[i].second.data, b.params[i].second.data) << a.params[i].first;
  }
  EXPECT_EQ(a.rng, b.rng);
  const auto log = io::read_file(work_ / "killed" / "log.txt");
  EXPECT_NE(log.find("resumed from"), std::string::npos);
  size_t tmp_files = 0;
  for (const auto& entry : fs::directory_iterator(work_ / "killed"))
    tmp_files += entry.path().filename().string().find(".tmp") != std::string::npos;
  EXPECT_LE(tmp_files, 1u);  // at most one temporary from a kill during a write
}

TEST_F(TrialTest, SigtermCheckpointsAndExits143) {
  const auto c = config("s", "{module: lora, experts: 2}",
                        "{epochs: 4, batch_size: 8, lr: 1.0e-3, eval_every: 20}");
  ASSERT_EQ(train(c, work_ / "whole").exit_code, 0);
  EXPECT_EQ(run_and_signal(c, work_ / "stopped", SIGTERM, "checkpoint at step 20"), 143);
  EXPECT_TRUE(fs::exists(work_ / "stopped" / "checkpoint.h5"));
  ASSERT_EQ(train(c, work_ / "stopped").exit_code, 0);
  EXPECT_EQ(io::read_file(work_ / "whole" / "metrics.jsonl"),
            io::read_file(work_ / "stopped" / "metrics.jsonl"));
}

TEST_F(TrialTest, MixturesLogExpertDiagnosticsWithEveryEvaluation) {
  for (const char* method :
       {"{module: adapter, size: 8, experts: 4}", "{module: lora, experts: 2}"}) {
    const auto c = config("diag", method, "{epochs: 2, batch_size: 16, lr: 1.0e-3, eval_every: 5}");
    const auto out = work_ / ("diag-" + std::to_string(std::string(method).size()));
    ASSERT_EQ(train(c, out).exit_code, 0);
    int evaluations = 0;
    std::istringstream rows(io::read_file(out / "metrics.jsonl"));
    for (std::string row; std::getline(rows, row);) {
      if (row.find("\"dev/accuracy\"") == std::string::npos) continue;
      ++evaluations;
      for (const char* key : {"expert/picks_down_0", "expert/picks_down_1", "expert/delta_down_1",
                              "expert/delta_up_0", "expert/cosine_down", "expert/update_ratio"})
        EXPECT_NE(row.find(key), std::string::npos) << method << ": " << key << " in " << row;
    }
    EXPECT_GE(evaluations, 2) << method;
  }
  // A single adapter has none; asking for them anyway is one line naming the key.
  const auto single = config("single", "{module: adapter, experts: 1}",
                             "{epochs: 1, batch_size: 16, expert_diagnostics: on}");
  const auto r = train(single, work_ / "single");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("train.expert_diagnostics"), std::string::npos) << r.err;
}

TEST_F(TrialTest, EvalPathsScoresEveryInferenceModeWithoutChangingTraining) {
  const std::string method = "{module: adapter, size: 8, experts: 2}";
  const std::string train_keys = "epochs: 2, batch_size: 16, lr: 1.0e-3, eval_every: 10";
  ASSERT_EQ(train(config("plain", method, "{" + train_keys + "}"), work_ / "plain").exit_code, 0);
  const auto r =
      train(config("paths", method, "{" + train_keys + ", eval_paths: true}"), work_ / "paths");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = io::read_file(work_ / "paths" / "metrics.jsonl");
  for (const char* key : {"dev@fixed:0,0/accuracy", "dev@fixed:1,0/accuracy",
                          "dev@random-batch/accuracy", "dev@ensemble/accuracy"})
    EXPECT_NE(rows.find(key), std::string::npos) << key;
  EXPECT_EQ(rows.find("dev@merged"), std::string::npos);  // merged is the configured mode
  // Scoring the other modes leaves the trained weights alone.
  const auto a = storage::read_checkpoint(work_ / "plain" / "checkpoint.h5");
  const auto b = storage::read_checkpoint(work_ / "paths" / "checkpoint.h5");
  ASSERT_EQ(a.params.size(), b.params.size());
  for (size_t i = 0; i < a.params.size(); ++i)
    EXPECT_EQ(a.params[i].second.data, b.params[i].second.data) << a.params[i].first;
  const auto single = train(
      config("single-paths", "{module: adapter, experts: 1}", "{epochs: 1, eval_paths: true}"),
      work_ / "single-paths");
  EXPECT_EQ(single.exit_code, 2);
  EXPECT_NE(single.err.find("train.eval_paths"), std::string::npos) << single.err;
}

TEST_F(TrialTest, EarlyStoppingEndsATrialAndResumesIntoTheSameStop) {
  // lr 1e-7: the dev accuracy cannot move, so patience 2 stops after the third evaluation.
  const auto c = config("early", "{module: adapter, size: 8, experts: 2}",
                        "{epochs: 20, batch_size: 16, lr: 1.0e-7, eval_every: 4, "
                        "early_stopping: {patience: 2}}");
  const auto whole = train(c, work_ / "early");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const auto log = io::read_file(work_ / "early" / "log.txt");
  EXPECT_NE(log.find("early stopping: no improvement of dev/accuracy in 2 evaluations; stopped at "
                     "step 12 of"),
            std::string::npos)
      << log;
  const auto metrics = io::read_file(work_ / "early" / "metrics.jsonl");
  EXPECT_NE(metrics.find("\"train/early_stopped\":1.0"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("\"step\":13"), std::string::npos);  // nothing after the stop
  // Killed after the first evaluation's checkpoint, resumed: the same stop, the same rows.
  EXPECT_EQ(run_and_signal(c, work_ / "early-killed", SIGKILL, "checkpoint at step 4"),
            128 + SIGKILL);
  ASSERT_EQ(train(c, work_ / "early-killed").exit_code, 0);
  EXPECT_EQ(io::read_file(work_ / "early-killed" / "metrics.jsonl"), metrics);
  // Run again when finished: nothing added.
  ASSERT_EQ(train(c, work_ / "early").exit_code, 0);
  EXPECT_EQ(io::read_file(work_ / "early" / "metrics.jsonl"), metrics);
  // Bad input: patience below 1, a metric the task does not report.
  auto bad = train(config("p0", "{module: adapter}", "{epochs: 1, early_stopping: {patience: 0}}"),
                   work_ / "p0");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(count_lines(bad.err), 1) << bad.err;
  EXPECT_NE(bad.err.find("train.early_stopping.patience"), std::string::npos) << bad.err;
  bad = train(config("f1", "{module: adapter}",
                     "{epochs: 1, early_stopping: {patience: 2, metric: dev/bleu}}"),
              work_ / "f1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(count_lines(bad.err), 1) << bad.err;
  EXPECT_NE(bad.err.find("train.early_stopping.metric"), std::string::npos) << bad.err;
}

TEST_F(TrialTest, RefusesAFolderOfAnotherTrial) {
  const auto a = config("a", "{module: adapter}", "{epochs: 1, batch_size: 16}");
  const auto b = config("b", "{module: adapter}", "{epochs: 1, batch_size: 32}");
  ASSERT_EQ(train(a, work_ / "t").exit_code, 0);
  const auto before = io::read_file(work_ / "t" / "checkpoint.h5");
  const auto r = train(b, work_ / "t");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds a different trial"), std::string::npos) << r.err;
  EXPECT_EQ(io::read_file(work_ / "t" / "checkpoint.h5"), before);
}

TEST_F(TrialTest, BadConfigsFailWithOneLine) {
  const auto bad = work_ / "bad.yaml";
  std::ofstream(bad) << "model: m\nmethod: {experts: many}\n";
  auto r = train(bad, work_ / "x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("method.experts"), std::string::npos);
  EXPECT_FALSE(fs::exists(work_ / "x"));
  r = train(config("m", "{module: adapter}", "{epochs: 1}"), work_ / "y");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::ofstream(work_ / "missing.yaml")
      << "model: /nonexistent\ntask: {name: rte, dir: /nonexistent}\n";
  r = train(work_ / "missing.yaml", work_ / "z");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(work_ / "z"));  // nothing is written before the task and model load
}

}  // namespace
}  // namespace adamix::testing
