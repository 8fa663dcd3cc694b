// `adamix pretrain` as a user meets it: a Hugging Face model directory that `adamix train`
// loads, a kill -9 mid-run resumed to the same bytes, and bad input refused in one line with
// nothing written.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/io/safetensors.h"
#include "tests/support/cli_helpers.h"

// A namespace of its own: unity builds compile this file with its neighbours, whose
// anonymous-namespace helpers have the same names.
namespace adamix::testing::pretrain_cli_test {
namespace {
namespace fs = std::filesystem;

std::string q(const fs::path& path) { return "'" + path.string() + "'"; }

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void expect_clear_error(const RunResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

// A synthetic-language corpus and a tokenizer of `kind` trained on it, in `dir`.
void make_corpus_and_tokenizer(const fs::path& dir, const std::string& kind) {
  auto r = run_adamix("make-task --kind corpus --tokens 6000 --vocabulary 300 --seed 3 --out " +
                      q(dir / "lang"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_adamix("make-tokenizer --tokenizer " + kind + " --corpus " +
                 q(dir / "lang" / "corpus.txt") + " --vocab-size 400 --out " + q(dir / "tok"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::string tiny_config(const fs::path& dir, const std::string& arch, int steps) {
  return "init: {arch: " + arch +
         ", hidden: 32, layers: 2, heads: 4, intermediate: 64, max_positions: 64}\n"
         "tokenizer: " +
         (dir / "tok").string() + "\ncorpus: " + (dir / "lang" / "corpus.txt").string() +
         "\nblock_size: 32\n"
         "train: {epochs: 1, batch_size: 4, lr: 1.0e-3, max_steps: " +
         std::to_string(steps) + ", eval_every: 4, checkpoint_every: 2}\n";
}

class PretrainCli : public ::testing::TestWithParam<std::string> {};

TEST_P(PretrainCli, WritesAHuggingFaceModelThatTrainLoads) {
  const std::string arch = GetParam();
  TempDir dir;
  make_corpus_and_tokenizer(dir.path(), arch == "bert" ? "wordpiece" : arch);
  write(dir / "pretrain.yaml", tiny_config(dir.path(), arch, 6));
  auto r = run_adamix("pretrain --config " + q(dir / "pretrain.yaml") + " --out " +
                      q(dir / "model") + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("final dev/accuracy"), std::string::npos) << r.out;
  const auto model = dir / "model";
  const std::string architecture = arch == "bert"      ? "BertForMaskedLM"
                                   : arch == "roberta" ? "RobertaForMaskedLM"
                                                       : "GPT2LMHeadModel";
  EXPECT_NE(read(model / "config.json").find(architecture), std::string::npos);
  const auto weights = io::SafetensorsFile::open(model / "model.safetensors");
  const std::string head = arch == "bert"      ? "cls.predictions.bias"
                           : arch == "roberta" ? "lm_head.bias"
                                               : "transformer.wte.weight";
  EXPECT_TRUE(weights.contains(head));
  for (const char* file : {"pretrain.yaml", "log.txt", "metrics.jsonl", "checkpoint.h5"})
    EXPECT_TRUE(fs::exists(model / file)) << file;
  EXPECT_NE(read(model / "metrics.jsonl").find("\"dev/perplexity\""), std::string::npos);

  // Continued (domain-adaptive) pretraining starts from the folder, LM head included.
  write(dir / "continue.yaml", "model: " + model.string() +
                                   "\ncorpus: " + (dir / "lang" / "corpus.txt").string() +
                                   "\nblock_size: 32\ntrain: {epochs: 1, batch_size: 4, "
                                   "max_steps: 2}\n");
  r = run_adamix("pretrain --config " + q(dir / "continue.yaml") + " --out " +
                 q(dir / "continued") + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto log = read(dir / "continued" / "log.txt");
  EXPECT_NE(log.find("pretraining of " + model.string() + ":"), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(dir / "continued" / "model.safetensors"));

  // The pretrained folder is a backbone for trials as it stands (tokenizer files included).
  r = run_adamix("tokenize --model " + q(model), "The troxons were steet.\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_adamix(
      "make-task --kind sentiment --vocabulary 300 --seed 3 --size 16 --dev-size 10 "
      "--out " +
      q(dir / "task"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  write(dir / "trial.yaml", "model: " + model.string() +
                                "\ntask: {name: synthetic, dir: " + (dir / "task").string() +
                                ", max_length: 32}\nmethod: {module: adapter, size: 4, experts: "
                                "2}\ntrain: {epochs: 1, batch_size: 8}\n");
  r = run_adamix("train --config " + q(dir / "trial.yaml") + " --out " + q(dir / "trial") +
                 " --threads 1");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Archs, PretrainCli, ::testing::Values("bert", "roberta", "gpt2"));

TEST(PretrainResume, KillMinus9AndResumeGiveTheUninterruptedBytes) {
  TempDir dir;
  make_corpus_and_tokenizer(dir.path(), "wordpiece");
  auto config = tiny_config(dir.path(), "bert", 10);
  config.insert(config.find("max_steps"), "lr_schedule: cosine, ");
  write(dir / "pretrain.yaml", config);
  const auto pretrain = [&](const fs::path& out) {
    return run_adamix("pretrain --config " + q(dir / "pretrain.yaml") + " --out " + q(out) +
                      " --threads 1");
  };
  ASSERT_EQ(pretrain(dir / "whole").exit_code, 0);

  ::setenv("ADAMIX_INJECT_FAULT", "kind=kill,step=7", 1);
  const auto killed = pretrain(dir / "resumed");
  ::unsetenv("ADAMIX_INJECT_FAULT");
  EXPECT_NE(killed.exit_code, 0);
  EXPECT_FALSE(fs::exists(dir / "resumed" / "model.safetensors"));
  ASSERT_TRUE(fs::exists(dir / "resumed" / "checkpoint.h5"));
  const auto resumed = pretrain(dir / "resumed");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(read(dir / "resumed" / "log.txt").find("resumed from"), std::string::npos);
  EXPECT_EQ(read(dir / "whole" / "model.safetensors"), read(dir / "resumed" / "model.safetensors"));
  EXPECT_EQ(read(dir / "whole" / "metrics.jsonl"), read(dir / "resumed" / "metrics.jsonl"));
}

TEST(PretrainErrors, BadInputIsOneLineAndWritesNothing) {
  TempDir dir;
  make_corpus_and_tokenizer(dir.path(), "wordpiece");
  const auto good = tiny_config(dir.path(), "bert", 2);
  const auto run = [&](const std::string& config, const fs::path& out) {
    write(dir / "bad.yaml", config);
    return run_adamix("pretrain --config " + q(dir / "bad.yaml") + " --out " + q(out) +
                      " --threads 1");
  };
  const auto none = dir / "none";
  expect_clear_error(run(good + "colour: blue\n", none), "colour: unknown key");
  std::string missing = good;
  missing.replace(missing.find("lang/corpus.txt"), 15, "lang/nothing.txt");
  expect_clear_error(run(missing, none), "nothing.txt");
  write(dir / "short.txt", "The troxons were steet.\n");
  std::string short_text = good;
  short_text.replace(short_text.find((dir / "lang" / "corpus.txt").string()),
                     (dir / "lang" / "corpus.txt").string().size(), (dir / "short.txt").string());
  expect_clear_error(run(short_text + "dev_corpus: " + (dir / "short.txt").string() + "\n", none),
                     "fewer than one block");
  expect_clear_error(run(good + "objective: causal\n", none), "does not fit a bert model");
  std::string wide = good;
  wide.replace(wide.find("block_size: 32"), 14, "block_size: 65");
  expect_clear_error(run(wide, none), "block_size 65 exceeds");
  EXPECT_FALSE(fs::exists(none));
  // A folder holding someone else's files (a model, say) is never written into.
  fs::create_directories(dir / "theirs");
  write(dir / "theirs" / "config.json", "{}");
  expect_clear_error(run(good, dir / "theirs"), "already holds files and no pretrain.yaml");
  EXPECT_EQ(read(dir / "theirs" / "config.json"), "{}");
  EXPECT_FALSE(fs::exists(dir / "theirs" / "model.safetensors"));

  // A finished folder refuses another config and keeps its files.
  ASSERT_EQ(run(good, dir / "done").exit_code, 0);
  const auto before = read(dir / "done" / "model.safetensors");
  std::string other = good;
  other.replace(other.find("lr: 1.0e-3"), 10, "lr: 2.0e-3");
  expect_clear_error(run(other, dir / "done"), "holds a different pretraining run");
  EXPECT_EQ(read(dir / "done" / "model.safetensors"), before);
}

}  // namespace
}  // namespace adamix::testing::pretrain_cli_test
