// An AdaMix-LoRA trial on the synthetic data-to-text task through `adamix train`: it trains,
// generates on the dev contexts with the merged experts, scores with the E2E metrics, and a
// kill -9 mid-training then resume ends bit for bit where an uninterrupted run ends.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/cli_helpers.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;

std::string q(const fs::path& path) { return "'" + path.string() + "'"; }
std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class NlgTrial : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto& d = *dir_;
    make_tiny_gpt2_and_data_to_text(d.path(), 64, 10);
    std::ofstream(d / "trial.yaml")
        << "model: " << (d / "gpt2").string() << "\n"
        << "task: {name: data-to-text, dir: " << (d / "d2t").string() << ", max_length: 128}\n"
        << "method: {module: lora, size: 4, alpha: 32, experts: 4, share: up, expert_init: "
           "identical, consistency: 100, lora_dropout: 0.1}\n"
        << "train: {epochs: 2, batch_size: 8, lr: 2.0e-3, warmup_steps: 4, weight_decay: 0.01, "
           "optimizer: adamw-lora, max_grad_norm: 0, label_smoothing: 0.1, adam_eps: 1.0e-6, "
           "eval_every: 8}\n";
  }
  static void TearDownTestSuite() { delete dir_; }

  static RunResult train(const fs::path& out, const std::string& env = "") {
    return run_adamix_env(
        env, "train --threads 1 --config " + q(*dir_ / "trial.yaml") + " --out " + q(out));
  }
  static RunResult run_adamix_env(const std::string& env, const std::string& args) {
    if (env.empty()) return run_adamix(args);
    // run_adamix goes through /bin/sh: an assignment before the command sets its environment.
    return run_adamix_with_prefix(env, args);
  }
  static RunResult run_adamix_with_prefix(const std::string& env, const std::string& args);
  // The suite's trial.yaml with `task_keys` added to its task block, written to dir_/name.
  static void write_variant(const std::string& name, const std::string& task_keys) {
    std::string yaml = read(*dir_ / "trial.yaml");
    const std::string task = "max_length: 128}";
    yaml.replace(yaml.find(task), task.size(), "max_length: 128, " + task_keys + "}");
    std::ofstream(*dir_ / name) << yaml;
  }

  static TempDir* dir_;
};
TempDir* NlgTrial::dir_ = nullptr;

RunResult NlgTrial::run_adamix_with_prefix(const std::string& env, const std::string& args) {
  EventRunOptions options;
  options.env = {env};
  std::vector<std::string> argv;
  std::istringstream words(args);
  for (std::string w; words >> w;) {
    if (w.size() >= 2 && w.front() == '\'' && w.back() == '\'') w = w.substr(1, w.size() - 2);
    argv.push_back(w);
  }
  const auto r = run_adamix_with_events(argv, options);
  return RunResult{r.exit_code, r.out, r.err};
}

TEST_F(NlgTrial, TrainsGeneratesAndScoresWithTheE2eMetrics) {
  const fs::path out = *dir_ / "whole";
  const auto r = train(out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string log = read(out / "log.txt");
  EXPECT_NE(log.find("generated 10 dev texts (beam 10"), std::string::npos) << log;
  std::vector<nlohmann::json> rows;
  std::istringstream lines(read(out / "metrics.jsonl"));
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  const auto& last = rows.back().at("metrics");
  for (const char* key : {"dev/bleu", "dev/nist", "dev/meteor", "dev/rouge_l", "dev/cider",
                          "dev/loss", "dev/accuracy"}) {
    EXPECT_TRUE(last.contains(key)) << key << " in " << last.dump();
  }
  std::ifstream texts(out / "generations.dev.txt");
  int count = 0;
  for (std::string line; std::getline(texts, line);) ++count;
  EXPECT_EQ(count, 10);
  // Run again: finished, nothing added.
  const std::string before = read(out / "metrics.jsonl");
  ASSERT_EQ(train(out).exit_code, 0);
  EXPECT_EQ(read(out / "metrics.jsonl"), before);
}

TEST_F(NlgTrial, KillNineAndResumeEqualsTheUninterruptedRun) {
  const fs::path whole = *dir_ / "reference";
  ASSERT_EQ(train(whole).exit_code, 0);
  const fs::path out = *dir_ / "killed";
  const auto killed = train(out, "ADAMIX_INJECT_FAULT=kind=kill,step=11");
  EXPECT_NE(killed.exit_code, 0);
  EXPECT_FALSE(fs::exists(out / "generations.dev.txt"));
  const auto resumed = train(out);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(read(out / "log.txt").find("resumed from"), std::string::npos);
  EXPECT_EQ(read(out / "metrics.jsonl"), read(whole / "metrics.jsonl"));
  EXPECT_EQ(read(out / "generations.dev.txt"), read(whole / "generations.dev.txt"));
}

TEST_F(NlgTrial, GenerateFromTheCheckpointWritesTheTrialsTexts) {
  const fs::path out = *dir_ / "for_generate";
  ASSERT_EQ(train(out).exit_code, 0);
  // The dev contexts in first-appearance order (the trial's generation order).
  std::ifstream dev(*dir_ / "d2t" / "dev.tsv");
  std::string line, contexts, previous;
  std::getline(dev, line);  // header
  while (std::getline(dev, line)) {
    const std::string mr = line.substr(0, line.find('\t'));
    if (mr != previous) contexts += mr + "\n";
    previous = mr;
  }
  std::ofstream(*dir_ / "contexts.txt") << contexts;
  const std::string base = "generate --threads 1 --model " + q(*dir_ / "gpt2") + " --checkpoint " +
                           q(out / "checkpoint.h5") + " --input " + q(*dir_ / "contexts.txt");
  auto r = run_adamix(base + " --out " + q(*dir_ / "merged.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read(*dir_ / "merged.txt"), read(out / "generations.dev.txt"));
  r = run_adamix(base + " --mode fixed:1,0 --out " + q(*dir_ / "fixed.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_adamix(base + " --mode ensemble --out " + q(*dir_ / "ensemble.txt"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ensemble"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(*dir_ / "ensemble.txt"));
}

TEST_F(NlgTrial, ScoreTestAlsoDecodesAndScoresTheTestSplit) {
  write_variant("with_test.yaml", "score_test: true");
  const fs::path out = *dir_ / "with_test";
  const auto r =
      run_adamix("train --threads 1 --config " + q(*dir_ / "with_test.yaml") + " --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string last_line;
  std::istringstream lines(read(out / "metrics.jsonl"));
  for (std::string line; std::getline(lines, line);) last_line = line;
  const auto metrics = nlohmann::json::parse(last_line).at("metrics");
  EXPECT_TRUE(metrics.contains("dev/bleu")) << metrics.dump();
  EXPECT_TRUE(metrics.contains("test/bleu")) << metrics.dump();
  EXPECT_TRUE(metrics.contains("test/cider")) << metrics.dump();
  EXPECT_TRUE(fs::exists(out / "generations.test.txt"));
  // The dev texts do not depend on whether the test split is scored too.
  const fs::path plain = *dir_ / "plain_for_test";
  ASSERT_EQ(train(plain).exit_code, 0);
  EXPECT_EQ(read(out / "generations.dev.txt"), read(plain / "generations.dev.txt"));
}

TEST_F(NlgTrial, GenerateEveryScoresTheDevSetDuringTrainingWithoutChangingIt) {
  write_variant("every.yaml", "generate_every: 1");
  const fs::path out = *dir_ / "every";
  const auto r =
      run_adamix("train --threads 1 --config " + q(*dir_ / "every.yaml") + " --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Every evaluation (each 8 steps and the last) has one scored row: after its dev-loss row
  // during training, the final model's once at the end.
  std::map<int64_t, int> scored_rows, evaluations;
  std::istringstream lines(read(out / "metrics.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const auto row = nlohmann::json::parse(line);
    const auto step = row.at("step").get<int64_t>();
    if (row.at("metrics").contains("dev/loss")) evaluations[step] = 1;
    if (row.at("metrics").contains("dev/bleu")) ++scored_rows[step];
  }
  ASSERT_GE(evaluations.size(), 3u);
  EXPECT_EQ(scored_rows, evaluations);
  const int64_t final_step = evaluations.rbegin()->first;
  for (const auto& [step, _] : evaluations) {
    const fs::path file = out / ("generations.dev.step-" + std::to_string(step) + ".txt");
    if (step == final_step) {
      EXPECT_FALSE(fs::exists(file));
      continue;
    }
    std::ifstream texts(file);
    int count = 0;
    for (std::string line; std::getline(texts, line);) ++count;
    EXPECT_EQ(count, 10) << file;
  }
  // Decoding during training leaves training alone: the final texts are the plain run's.
  const fs::path plain = *dir_ / "plain_for_every";
  ASSERT_EQ(train(plain).exit_code, 0);
  EXPECT_EQ(read(out / "generations.dev.txt"), read(plain / "generations.dev.txt"));
  // Killed after step 8's texts and resumed: the same rows, nothing decoded twice.
  const fs::path killed = *dir_ / "every_killed";
  const std::string config = q(*dir_ / "every.yaml");
  EXPECT_NE(run_adamix_env("ADAMIX_INJECT_FAULT=kind=kill,step=11",
                           "train --threads 1 --config " + config + " --out " + q(killed))
                .exit_code,
            0);
  ASSERT_EQ(run_adamix("train --threads 1 --config " + config + " --out " + q(killed)).exit_code,
            0);
  EXPECT_EQ(read(killed / "metrics.jsonl"), read(out / "metrics.jsonl"));
  // Only for NLG tasks.
  std::ofstream(*dir_ / "glue_every.yaml")
      << "model: " << (*dir_ / "gpt2").string()
      << "\ntask: {name: rte, dir: " << (*dir_ / "rte").string() << ", generate_every: 2}\n";
  const auto glue = run_adamix("train --config " + q(*dir_ / "glue_every.yaml") + " --out " +
                               q(*dir_ / "glue_every"));
  EXPECT_NE(glue.exit_code, 0);
  EXPECT_NE(glue.err.find("task.generate_every"), std::string::npos) << glue.err;
}

TEST_F(NlgTrial, ABertModelOrAMissingSplitIsOneClearLine) {
  const fs::path bert = *dir_ / "bert";
  ASSERT_EQ(run_adamix("make-model --arch bert --hidden 32 --layers 1 --heads 4 --intermediate 64 "
                       "--out " +
                       q(bert))
                .exit_code,
            0);
  std::ofstream(*dir_ / "bert.yaml")
      << "model: " << bert.string() << "\n"
      << "task: {name: data-to-text, dir: " << (*dir_ / "d2t").string()
      << "}\nmethod: {module: lora}\n";
  auto r = run_adamix("train --config " + q(*dir_ / "bert.yaml") + " --out " + q(*dir_ / "b"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("GPT-2"), std::string::npos) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(*dir_ / "b"));
  std::ofstream(*dir_ / "missing.yaml")
      << "model: " << (*dir_ / "gpt2").string() << "\n"
      << "task: {name: e2e, dir: " << (*dir_ / "none").string() << "}\nmethod: {module: lora}\n";
  r = run_adamix("train --config " + q(*dir_ / "missing.yaml") + " --out " + q(*dir_ / "m"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(*dir_ / "m"));
}

}  // namespace
}  // namespace adamix::testing
