// Per-expert diagnostics (train/expert_diagnostics.h) on real mixtures of a tiny backbone: pick
// shares from the routing draws, Δ norms and cosines of hand-moved experts, the update ratio of
// an evaluation, and pick counters that survive a checkpoint.
#include "core/train/expert_diagnostics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "peft_test_helpers.h"

namespace adamix::train {
namespace {

using peft::PeftModule;
using peft::PeftOptions;
using peft::Share;

PeftOptions mixture(PeftModule module, int64_t experts) {
  PeftOptions o;
  o.module = module;
  o.size = 4;
  o.experts = experts;
  o.share = Share::Up;
  return o;
}

TEST(ExpertDiagnostics, PicksDeltasCosinesAndTheUpdateRatio) {
  auto backbone = peft::testing::tiny_backbone("bert");
  const auto peft =
      peft::attach_peft(*backbone, mixture(PeftModule::Adapter, 3), peft::testing::generator(1));
  ExpertDiagnostics diagnostics(peft);
  const auto input = peft::testing::tiny_input(backbone->config(), 2, 5);
  const auto start = diagnostics.measure();
  EXPECT_EQ(start.at("expert/delta_down_0"), 0.0);
  EXPECT_EQ(start.at("expert/delta_up_0"), 0.0);  // the shared side: one expert
  EXPECT_FALSE(start.count("expert/delta_up_1"));
  EXPECT_EQ(start.at("expert/cosine_down"), 0.0);
  EXPECT_FALSE(start.count("expert/cosine_up"));
  EXPECT_FALSE(start.count("expert/picks_down_0"));  // no training draws yet
  EXPECT_FALSE(start.count("expert/update_ratio"));  // nothing evaluated

  // 60 training forward calls through 2 layers: 120 draws of the down expert, ~1/3 each.
  backbone->train();
  {
    torch::NoGradGuard no_grad;
    for (int call = 0; call < 60; ++call) backbone->forward(input);
  }
  backbone->eval();
  // Move down expert 0 by +0.1 everywhere and expert 1 the same way (in every layer).
  {
    torch::NoGradGuard no_grad;
    for (const auto& adapter : peft.adapters) {
      adapter->down_->weight_[0].add_(0.1);
      adapter->down_->bias_[0].add_(0.1);
      adapter->down_->weight_[1].add_(0.1);
      adapter->down_->bias_[1].add_(0.1);
    }
  }
  diagnostics.before_evaluation();
  {
    torch::NoGradGuard no_grad;
    backbone->forward(input);
  }
  const auto m = diagnostics.measure();
  double shares = 0;
  for (int i = 0; i < 3; ++i) {
    const double share = m.at("expert/picks_down_" + std::to_string(i));
    EXPECT_GT(share, 0.15) << i;
    EXPECT_LT(share, 0.55) << i;
    shares += share;
  }
  EXPECT_NEAR(shares, 1.0, 1e-12);
  EXPECT_FALSE(m.count("expert/picks_up_0"));
  const double expected = 0.1 * std::sqrt(static_cast<double>(4 * 32 + 4));  // r·d + r values
  // Weights are float32: the +0.1 lands within float rounding of 0.1.
  EXPECT_NEAR(m.at("expert/delta_down_0"), expected, 1e-6);
  EXPECT_NEAR(m.at("expert/delta_down_1"), expected, 1e-6);
  EXPECT_EQ(m.at("expert/delta_down_2"), 0.0);
  // Pairs (0,1): cosine 1; (0,2), (1,2): an expert that did not move counts 0 → mean 1/3.
  EXPECT_NEAR(m.at("expert/cosine_down"), 1.0 / 3.0, 1e-6);
  EXPECT_GT(m.at("expert/update_ratio"), 0.0);
  EXPECT_TRUE(std::isfinite(m.at("expert/update_ratio")));
  // Recording ends with the measurement: later evaluation-mode calls add nothing.
  {
    torch::NoGradGuard no_grad;
    backbone->forward(input);
  }
  EXPECT_FALSE(diagnostics.measure().count("expert/update_ratio"));

  // Pick counts are what a checkpoint keeps: a fresh model resumes counting from them.
  const auto counters = diagnostics.counters();
  int64_t draws = 0;
  for (const auto& [name, value] : counters) draws += value;
  EXPECT_EQ(draws, 120);
  auto other = peft::testing::tiny_backbone("bert");
  const auto peft2 =
      peft::attach_peft(*other, mixture(PeftModule::Adapter, 3), peft::testing::generator(1));
  ExpertDiagnostics resumed(peft2);
  resumed.set_counters(counters);
  EXPECT_EQ(resumed.counters(), counters);
  resumed.set_counters({});  // a checkpoint from before diagnostics: from zero
  EXPECT_EQ(peft2.context->down_picks(), (std::vector<int64_t>{0, 0, 0}));
}

TEST(ExpertDiagnostics, LoraMixturesAndNotASingleExpert) {
  auto backbone = peft::testing::tiny_backbone("gpt2");
  const auto peft =
      peft::attach_peft(*backbone, mixture(PeftModule::Lora, 4), peft::testing::generator(2));
  ExpertDiagnostics diagnostics(peft);
  const auto m = diagnostics.measure();
  for (const char* key : {"expert/delta_down_3", "expert/delta_up_0", "expert/cosine_down"})
    EXPECT_TRUE(m.count(key)) << key;
  auto single = peft::testing::tiny_backbone("bert");
  const auto one =
      peft::attach_peft(*single, mixture(PeftModule::Adapter, 1), peft::testing::generator(1));
  EXPECT_THROW(ExpertDiagnostics{one}, InputError);
}

}  // namespace
}  // namespace adamix::train
