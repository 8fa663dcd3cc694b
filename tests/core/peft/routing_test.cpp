// Expert paths, the routing context's draws (reproducible per seed, independent per module),
// forced paths and the ensemble runner.
#include "core/peft/routing.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "core/peft/adapter_mixture.h"
#include "peft_test_helpers.h"

namespace adamix::peft {
namespace {

using testing::make_context;

PeftOptions mixture(int64_t experts, Share share) {
  PeftOptions o;
  o.experts = experts;
  o.share = share;
  return o;
}

TEST(ExpertPaths, FollowSharing) {
  using Paths = std::vector<ExpertPath>;
  EXPECT_EQ(expert_paths(mixture(3, Share::Up)), (Paths{{0, 0}, {1, 0}, {2, 0}}));
  EXPECT_EQ(expert_paths(mixture(2, Share::Down)), (Paths{{0, 0}, {0, 1}}));
  EXPECT_EQ(expert_paths(mixture(2, Share::None)), (Paths{{0, 0}, {0, 1}, {1, 0}, {1, 1}}));
  EXPECT_EQ(expert_paths(mixture(1, Share::None)), (Paths{{0, 0}}));
  EXPECT_EQ(down_experts(mixture(4, Share::Up)), 4);
  EXPECT_EQ(up_experts(mixture(4, Share::Up)), 1);
}

// The sequence of (down, up) pairs two modules sharing one context draw over `calls` steps.
std::vector<std::pair<ExpertPath, ExpertPath>> training_draws(uint64_t seed, int calls) {
  PeftOptions o = mixture(4, Share::None);
  auto context = make_context(o, seed);
  AdapterMixture first(adapter_options(o, 8), context);
  AdapterMixture second(adapter_options(o, 8), context);
  const torch::Tensor x = torch::randn({2, 3, 8});
  std::vector<std::pair<ExpertPath, ExpertPath>> draws;
  for (int call = 0; call < calls; ++call) {
    first(x);
    second(x);
    const Route& a = first->last_route();
    const Route& b = second->last_route();
    EXPECT_EQ(a.kind, Route::Kind::Pair);
    draws.push_back({{a.down, a.up}, {b.down, b.up}});
  }
  return draws;
}

TEST(RoutingContext, TrainingDrawsAreReproducibleAndIndependent) {
  torch::manual_seed(1);
  const auto a = training_draws(42, 40);
  torch::manual_seed(2);  // the global generator plays no part
  const auto b = training_draws(42, 40);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, training_draws(43, 40)) << "another seed, other routes";
  int same_module_pair = 0;
  int same_sides = 0;
  std::set<ExpertPath> seen;
  for (const auto& [first, second] : a) {
    same_module_pair += first == second;
    same_sides += first.first == first.second;
    seen.insert(first);
  }
  EXPECT_LT(same_module_pair, 10) << "modules draw independently (1/16 chance each step)";
  EXPECT_LT(same_sides, 25) << "down and up are drawn independently";
  EXPECT_GT(seen.size(), 8u) << "draws cover the 16 pairs";
}

TEST(RoutingContext, SharedSideDrawsNothing) {
  auto context = make_context(mixture(4, Share::Up), 1);
  for (int i = 0; i < 20; ++i) {
    const Route r = context->route(4, 1, /*training=*/true, 5, torch::kCPU);
    EXPECT_EQ(r.up, 0);
    EXPECT_LT(r.down, 4);
  }
}

TEST(RoutingContext, EvaluationFollowsTheInferenceMode) {
  auto context = make_context(mixture(3, Share::None), 1);
  EXPECT_EQ(context->route(3, 3, false, 5, torch::kCPU).kind, Route::Kind::Merged);
  context->set_inference(InferenceMode::parse("fixed:2,1"));
  const Route fixed = context->route(3, 3, false, 5, torch::kCPU);
  EXPECT_EQ(ExpertPath(fixed.down, fixed.up), ExpertPath(2, 1));
  EXPECT_THROW(context->set_inference(InferenceMode::parse("fixed:3,0")), ConfigError);
  context->set_inference(InferenceMode::parse("random-token"));
  const Route tokens = context->route(3, 3, false, 7, torch::kCPU);
  EXPECT_EQ(tokens.kind, Route::Kind::PerToken);
  EXPECT_EQ(tokens.down_index.sizes(), torch::IntArrayRef({7}));
  context->set_inference(InferenceMode::parse("ensemble"));
  EXPECT_THROW(context->route(3, 3, false, 5, torch::kCPU), InputError);
  context->set_forced_path(ExpertPath{1, 2});
  const Route forced = context->route(3, 3, false, 5, torch::kCPU);
  EXPECT_EQ(ExpertPath(forced.down, forced.up), ExpertPath(1, 2));
  const Route forced_training = context->route(3, 3, true, 5, torch::kCPU);
  EXPECT_EQ(forced_training.down, 1);
  EXPECT_THROW(context->route(1, 3, false, 5, torch::kCPU), InputError) << "out of range";
}

TEST(RoutingContext, RunExpertPathsForcesEachPathThenClears) {
  PeftOptions o = mixture(3, Share::Up);
  o.inference = InferenceMode::parse("ensemble");
  auto context = make_context(o, 1);
  std::vector<ExpertPath> visited;
  const auto outputs = run_expert_paths(*context, o, [&] {
    const Route r = context->route(3, 1, false, 2, torch::kCPU);
    visited.emplace_back(r.down, r.up);
    return torch::full({1}, static_cast<double>(r.down));
  });
  EXPECT_EQ(visited, expert_paths(o));
  ASSERT_EQ(outputs.size(), 3u);
  EXPECT_EQ(outputs[2].item<double>(), 2.0);
  EXPECT_FALSE(context->forced_path().has_value());
  EXPECT_THROW(run_expert_paths(*context, o, []() -> torch::Tensor { throw InputError("x"); }),
               InputError);
  EXPECT_FALSE(context->forced_path().has_value()) << "cleared on an exception too";
}

TEST(RoutingContext, RejectsANonCpuGeneratorAndBadOptions) {
  PeftOptions bad;
  bad.experts = 0;
  EXPECT_THROW(make_context(bad), ConfigError);
  EXPECT_THROW(RoutingContext(PeftOptions{}, at::Generator()), ConfigError);
}

TEST(SwitchTop1, IndexProbabilityAndBalanceLoss) {
  const torch::Tensor logits = torch::tensor(
      {{2.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {3.0, 0.0, 1.0}, {0.0, 0.0, 0.5}}, torch::kDouble);
  const GateDecision d = switch_top1(logits);
  EXPECT_TRUE(torch::equal(d.index, torch::tensor({0, 1, 0, 2}, torch::kLong)));
  const torch::Tensor probs = torch::softmax(logits, -1);
  const std::vector<double> f = {0.5, 0.25, 0.25};
  double want = 0;
  for (int i = 0; i < 3; ++i) want += f[i] * probs.select(1, i).mean().item<double>();
  EXPECT_NEAR(d.balance_loss.item<double>(), 3 * want, 1e-12);
  EXPECT_NEAR(d.probability[1].item<double>(), probs[1][1].item<double>(), 1e-12);
  // Perfect balance with uniform probabilities gives the minimum, 1.
  const GateDecision uniform = switch_top1(torch::eye(3, torch::kDouble) * 1e-9);
  EXPECT_NEAR(uniform.balance_loss.item<double>(), 1.0, 1e-6);
}

TEST(RoutedLinear, BothStrategiesMatchPerRowExperts) {
  const torch::Tensor index = torch::tensor({2, 0, 1, 2, 2}, torch::kLong);
  for (const auto& [in, out] :
       {std::pair<int64_t, int64_t>{6, 3}, std::pair<int64_t, int64_t>{3, 6}}) {
    const torch::Tensor x = torch::randn({5, in}, torch::kDouble);
    const torch::Tensor w = torch::randn({3, out, in}, torch::kDouble);
    const torch::Tensor b = torch::randn({3, out}, torch::kDouble);
    const torch::Tensor y = routed_linear(x, w, b, index);
    for (int64_t k = 0; k < 5; ++k) {
      const int64_t e = index[k].item<int64_t>();
      EXPECT_LT(testing::max_diff(y[k], torch::matmul(w[e], x[k]) + b[e]), 1e-12);
    }
  }
}

}  // namespace
}  // namespace adamix::peft
