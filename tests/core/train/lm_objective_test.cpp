#include "core/train/lm_objective.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/models/make_model.h"
#include "core/train/trainer.h"

namespace adamix::train {
namespace {

constexpr int64_t kVocab = 48;
constexpr int64_t kBlock = 16;
constexpr int64_t kMaskId = 4;

models::LanguageModel tiny_model(const std::string& arch, uint64_t seed) {
  models::MakeModelOptions o;
  o.arch = arch;
  o.hidden = 32;
  o.layers = 2;
  o.heads = 4;
  o.intermediate = 64;
  o.vocab_size = kVocab;
  o.max_positions = 32;
  models::LanguageModel lm(models::create_backbone(models::make_model_config(o), false));
  lm->reset_parameters(at::detail::createCPUGenerator(seed));
  return lm;
}

// `rows` blocks cycling through `patterns` fixed random sequences of ids in [5, V): once a few
// tokens of a block are seen, the rest is predictable.
torch::Tensor pattern_blocks(int64_t rows, int64_t patterns, int64_t width = kBlock) {
  auto generator = at::detail::createCPUGenerator(77);
  const auto table = torch::randint(5, kVocab, {patterns, width}, generator, torch::kInt64);
  return table.index_select(0, torch::arange(rows, torch::kInt64).remainder(patterns));
}

LmObjectiveOptions lm_options(LmTask task) {
  LmObjectiveOptions o;
  o.task = task;
  o.mlm_probability = 0.15;
  o.whole_word_mask = false;
  o.mask_token_id = task == LmTask::Masked ? kMaskId : -1;
  o.special_ids = {0, 1, 2, 3, 4};
  o.batch_size = 8;
  o.seed = 1;
  return o;
}

TrainOptions train_options(int64_t epochs) {
  TrainOptions t;
  t.epochs = epochs;
  t.batch_size = 8;
  t.lr = 3e-3;
  t.warmup_ratio = 0;
  t.weight_decay = 0.01;
  t.eval_every = 0;
  t.seed = 1;
  return t;
}

// One pretraining run: model, objective and trainer built from fixed seeds.
struct PretrainRun {
  PretrainRun(const std::string& arch, int64_t epochs, uint64_t model_seed = 5)
      : objective(tiny_model(arch, model_seed), pattern_blocks(48, 6), pattern_blocks(12, 6),
                  lm_options(arch == "gpt2" ? LmTask::Causal : LmTask::Masked), torch::kCPU),
        trainer(objective, train_options(epochs)) {}

  double dev_loss() {
    torch::NoGradGuard no_grad;
    objective.set_training(false);
    return objective.evaluate(0).metrics.at("dev/loss");
  }

  LmObjective objective;
  Trainer trainer;
};

// Stops the trainer once `stop_at` optimiser steps are done.
class StopAt : public TrainerObserver {
 public:
  explicit StopAt(int64_t stop_at) : stop_at_(stop_at) {}
  void on_step(const TrainingState& state, const StepReport&) override { step_ = state.step; }
  bool stop_requested() override { return step_ >= stop_at_; }

 private:
  int64_t stop_at_;
  int64_t step_ = 0;
};

void expect_same_weights(const NamedTensors& a, const NamedTensors& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  }
}

NamedTensors copy_of(const NamedTensors& weights) {
  NamedTensors out;
  for (const auto& [name, tensor] : weights) out.emplace_back(name, tensor.detach().clone());
  return out;
}

TEST(LmObjective, MaskedLmLearnsThePatterns) {
  PretrainRun run("bert", 50);
  const double initial = run.dev_loss();
  EXPECT_NEAR(initial, std::log(static_cast<double>(kVocab)), 0.5);
  EXPECT_EQ(run.trainer.total_steps(), 300);  // 50 epochs of 48 / 8 batches
  EXPECT_TRUE(run.trainer.run());
  const auto result = run.trainer.evaluate();
  const double trained = result.metrics.at("dev/loss");
  EXPECT_LT(trained, 0.5 * initial) << "initial " << initial;
  EXPECT_NEAR(result.metrics.at("dev/perplexity"), std::exp(trained), 1e-9 * std::exp(trained));
  EXPECT_EQ(result.main_metric, "dev/accuracy");
  EXPECT_GT(result.metrics.at("dev/accuracy"), 0.3);
  // Evaluation draws fixed masks: the same weights score the same.
  EXPECT_DOUBLE_EQ(run.dev_loss(), trained);
}

TEST(LmObjective, CausalLmLearnsThePatterns) {
  PretrainRun run("gpt2", 20);
  const double initial = run.dev_loss();
  EXPECT_NEAR(initial, std::log(static_cast<double>(kVocab)), 0.5);
  EXPECT_TRUE(run.trainer.run());
  const double trained = run.dev_loss();
  EXPECT_LT(trained, 0.5 * initial) << "initial " << initial;
  torch::NoGradGuard no_grad;
  const double accuracy = run.objective.evaluate(1).metrics.at("dev/accuracy");
  EXPECT_GT(accuracy, 0.5);
}

TEST(LmObjective, LossIsMeanCrossEntropyOverPredictedTokens) {
  // Causal: every position but the last predicts the next token.
  PretrainRun run("gpt2", 1);
  run.objective.set_training(false);
  torch::NoGradGuard no_grad;
  const auto step = run.objective.loss({0, 1, 2});
  EXPECT_EQ(step.examples, 3);
  EXPECT_EQ(step.consistency.item<double>(), 0.0);
  const auto ids = pattern_blocks(3, 6);
  auto model = tiny_model("gpt2", 5);
  model->eval();
  const auto logits = model->forward(ids);
  const auto expected = torch::nn::functional::cross_entropy(
      logits.index({torch::indexing::Slice(), torch::indexing::Slice(0, -1)}).reshape({-1, kVocab}),
      ids.index({torch::indexing::Slice(), torch::indexing::Slice(1, torch::indexing::None)})
          .reshape({-1}));
  EXPECT_NEAR(step.task_loss.item<double>(), expected.item<double>(), 1e-5);
  EXPECT_NEAR(step.loss.item<double>(), step.task_loss.item<double>(), 0.0);
}

TEST(LmObjective, SameSeedsGiveBitIdenticalWeights) {
  for (const std::string arch : {"bert", "gpt2"}) {
    SCOPED_TRACE(arch);
    NamedTensors first;
    {
      PretrainRun a(arch, 2);
      ASSERT_TRUE(a.trainer.run());
      first = copy_of(a.objective.trainable());
    }
    PretrainRun b(arch, 2);
    ASSERT_TRUE(b.trainer.run());
    expect_same_weights(first, b.objective.trainable());
    // And the run did train: a fresh model differs.
    PretrainRun fresh(arch, 2);
    bool any_differs = false;
    for (size_t i = 0; i < first.size(); ++i)
      any_differs =
          any_differs || !torch::equal(first[i].second, fresh.objective.trainable()[i].second);
    EXPECT_TRUE(any_differs);
  }
}

TEST(LmObjective, ResumeFromSnapshotIsBitIdentical) {
  for (const std::string arch : {"bert", "gpt2"}) {
    for (const int64_t stop_at : {3, 6}) {  // mid-epoch, and exactly at an epoch's end
      SCOPED_TRACE(arch + " stopped at step " + std::to_string(stop_at));
      NamedTensors full;
      {
        PretrainRun a(arch, 2);
        ASSERT_TRUE(a.trainer.run());
        full = copy_of(a.objective.trainable());
      }
      TrainerSnapshot snapshot;
      {
        PretrainRun b(arch, 2);
        StopAt stop(stop_at);
        b.trainer.add_observer(&stop);
        ASSERT_FALSE(b.trainer.run());
        ASSERT_EQ(b.trainer.state().step, stop_at);
        snapshot = b.trainer.snapshot();
        ASSERT_EQ(snapshot.generators.count("dropout"), 1u);
        ASSERT_EQ(snapshot.generators.count("masking"), 1u);
      }
      // Something else uses the default generator in between (as a new process would differ).
      (void)torch::rand({100});
      PretrainRun resumed(arch, 2);
      resumed.trainer.restore(snapshot);
      EXPECT_EQ(resumed.trainer.state().step, stop_at);
      ASSERT_TRUE(resumed.trainer.run());
      EXPECT_EQ(resumed.trainer.state().step, resumed.trainer.total_steps());
      expect_same_weights(full, resumed.objective.trainable());
    }
  }
}

TEST(LmObjective, RestoreNeedsTheMaskingGenerator) {
  PretrainRun b("bert", 1);
  auto snapshot = b.trainer.snapshot();
  snapshot.generators.erase("masking");
  PretrainRun c("bert", 1);
  try {
    c.trainer.restore(snapshot);
    ADD_FAILURE() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("masking"), std::string::npos) << e.what();
  }
}

TEST(LmObjective, ConstructorErrors) {
  const auto train = pattern_blocks(8, 2);
  const auto dev = pattern_blocks(4, 2);
  EXPECT_THROW(
      LmObjective(tiny_model("gpt2", 1), train, dev, lm_options(LmTask::Masked), torch::kCPU),
      ConfigError);
  EXPECT_THROW(
      LmObjective(tiny_model("bert", 1), train, dev, lm_options(LmTask::Causal), torch::kCPU),
      ConfigError);
  EXPECT_THROW(
      LmObjective(tiny_model("roberta", 1), train, dev, lm_options(LmTask::Causal), torch::kCPU),
      ConfigError);
  auto no_mask = lm_options(LmTask::Masked);
  no_mask.mask_token_id = -1;
  EXPECT_THROW(LmObjective(tiny_model("bert", 1), train, dev, no_mask, torch::kCPU), ConfigError);
  auto bad_probability = lm_options(LmTask::Masked);
  bad_probability.mlm_probability = 1.0;
  EXPECT_THROW(LmObjective(tiny_model("bert", 1), train, dev, bad_probability, torch::kCPU),
               ConfigError);
  // Blocks wider than the model's 32 positions.
  const auto wide = pattern_blocks(4, 2, 33);
  EXPECT_THROW(
      LmObjective(tiny_model("bert", 1), wide, dev, lm_options(LmTask::Masked), torch::kCPU),
      InputError);
  EXPECT_THROW(
      LmObjective(tiny_model("gpt2", 1), train, wide, lm_options(LmTask::Causal), torch::kCPU),
      InputError);
  EXPECT_THROW(LmObjective(tiny_model("gpt2", 1), torch::zeros({0, 8}, torch::kInt64), dev,
                           lm_options(LmTask::Causal), torch::kCPU),
               InputError);
  EXPECT_NO_THROW(LmObjective(tiny_model("gpt2", 1), pattern_blocks(4, 2, 32), dev,
                              lm_options(LmTask::Causal), torch::kCPU));
}

}  // namespace
}  // namespace adamix::train
