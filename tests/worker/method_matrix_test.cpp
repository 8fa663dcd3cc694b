// Every docs/method.md option through `adamix train` on each backbone family: the trial runs,
// evaluates with the task's metrics, and reports sane numbers. (Correctness of each option against
// a direct computation lives in tests/core/peft.)
#include <gtest/gtest.h>

#include <fstream>

#include "core/io/atomic_file.h"
#include "storage/checkpoint.h"
#include "tests/support/cli_helpers.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

struct Case {
  const char* arch;
  const char* kind;  // make-task kind
  const char* method;
  const char* metric;  // expected in metrics.jsonl
};

class MethodMatrix : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    for (const char* arch : {"bert", "roberta", "gpt2"}) {
      const auto model = dir_->path() / arch;
      ASSERT_EQ(run_adamix(std::string("make-model --arch ") + arch +
                           " --hidden 32 --layers 2 --heads 4 --intermediate 64 --vocab-size 600"
                           " --init-range 0.2 --out " +
                           q(model))
                    .exit_code,
                0);
      for (const char* kind : {"single", "pair", "regression"}) {
        const auto r = run_adamix("make-task --model " + q(model) + " --kind " + kind +
                                  " --size 48 --dev-size 16 --out " +
                                  q(dir_->path() / (std::string(arch) + "-" + kind)));
        ASSERT_EQ(r.exit_code, 0) << r.err;
      }
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  static TempDir* dir_;
};
TempDir* MethodMatrix::dir_ = nullptr;

TEST_P(MethodMatrix, TrainsAndEvaluates) {
  const auto& c = GetParam();
  TempDir work;
  std::ofstream(work / "t.yaml")
      << "model: " << (dir_->path() / c.arch).string() << "\n"
      << "task: {name: synthetic, dir: "
      << (dir_->path() / (std::string(c.arch) + "-" + c.kind)).string() << ", max_length: 40}\n"
      << "method: " << c.method << "\n"
      << "train: {epochs: 2, batch_size: 16, lr: 1.0e-3, eval_every: 2}\n";
  const auto r =
      run_adamix("train --threads 1 --config " + q(work / "t.yaml") + " --out " + q(work / "t"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto metrics = io::read_file(work / "t" / "metrics.jsonl");
  EXPECT_NE(metrics.find(std::string("\"dev/") + c.metric + "\""), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("nan"), std::string::npos) << metrics;
  const auto checkpoint = storage::read_checkpoint(work / "t" / "checkpoint.h5");
  EXPECT_EQ(storage::attribute_int(checkpoint.meta, "step"), 6);  // 48 / 16 x 2 epochs
  EXPECT_FALSE(checkpoint.params.empty());
}

INSTANTIATE_TEST_SUITE_P(
    AllOptions, MethodMatrix,
    ::testing::Values(
        Case{"bert", "single", "{module: adapter, placement: both, experts: 4, share: up}",
             "accuracy"},
        Case{"bert", "regression", "{module: adapter, experts: 2, share: none}", "pearson"},
        Case{"bert", "pair", "{module: adapter, share: down, inference: ensemble}", "accuracy"},
        Case{"bert", "single", "{module: adapter, routing: learned-top1, load_balance: 0.1}",
             "mcc"},
        Case{"bert", "single", "{module: adapter, routing: fixed, experts: 1}", "accuracy"},
        Case{"bert", "single", "{module: adapter, expert_init: identical, consistency: 0}",
             "accuracy"},
        Case{"bert", "single", "{module: adapter, inference: random-token}", "accuracy"},
        Case{"roberta", "pair", "{module: lora, placement: [query, key, value], experts: 4}",
             "accuracy"},
        Case{"roberta", "regression", "{module: lora, inference: 'fixed:1,0'}", "spearman"},
        Case{"roberta", "single", "{module: head-only}", "accuracy"},
        Case{"gpt2", "single", "{module: lora, experts: 4, inference: random-batch}", "accuracy"},
        Case{"gpt2", "pair", "{module: adapter, placement: attn}", "accuracy"},
        Case{"gpt2", "single", "{module: full}", "accuracy"}),
    [](const ::testing::TestParamInfo<Case>& info) { return "case" + std::to_string(info.index); });

}  // namespace
}  // namespace adamix::testing
