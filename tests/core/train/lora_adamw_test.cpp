// LoraAdamW against microsoft/LoRA examples/NLG/src/optimizer.py's update written out in
// doubles, and the switch that selects it.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/train/optimizer.h"

namespace adamix::train {
namespace {

TEST(LoraAdamW, FollowsTheLoraReferenceUpdate) {
  TrainOptions options;
  options.optimizer = OptimizerKind::AdamWLora;
  options.lr = 0.1;
  options.weight_decay = 0.01;
  options.adam_eps = 1e-6;
  torch::Tensor w = torch::tensor({0.5, -1.0, 2.0}, torch::kDouble).requires_grad_(true);
  auto optimizer = make_adamw({{"h.0.attn.c_attn.lora_q.A", w}}, options);
  ASSERT_NE(dynamic_cast<LoraAdamW*>(optimizer.get()), nullptr);

  std::vector<double> p = {0.5, -1.0, 2.0}, m(3, 0.0), v(3, 0.0);
  const std::vector<std::vector<double>> grads = {{0.3, -0.2, 1.0}, {-0.1, 0.4, 0.5}, {0, 0, 2}};
  for (size_t t = 1; t <= grads.size(); ++t) {
    w.mutable_grad() = torch::tensor(grads[t - 1], torch::kDouble);
    optimizer->step();
    const double step_size =
        0.1 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, static_cast<double>(t)));
    for (size_t i = 0; i < 3; ++i) {
      const double g = grads[t - 1][i];
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      p[i] -= step_size * m[i] / (std::sqrt(v[i]) + 1e-6);
      p[i] -= 0.1 * 0.01 * p[i];  // decay after the update
    }
    for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(w[i].item<double>(), p[i], 1e-12) << t << " " << i;
  }
  // Same state type as LibTorch's AdamW: checkpoints carry it.
  const auto state = export_adam_state(*optimizer, {{"a", w}});
  EXPECT_EQ(state.at(0).second.step, 3);
}

TEST(LoraAdamW, DiffersFromLibTorchAdamWWhereTheReferenceDoes) {
  TrainOptions options;
  options.lr = 0.1;
  options.weight_decay = 0.1;
  options.adam_eps = 1e-3;
  torch::Tensor a = torch::ones({2}, torch::kDouble).requires_grad_(true);
  torch::Tensor b = torch::ones({2}, torch::kDouble).requires_grad_(true);
  auto plain = make_adamw({{"w", a}}, options);
  options.optimizer = OptimizerKind::AdamWLora;
  auto lora = make_adamw({{"w", b}}, options);
  a.mutable_grad() = torch::full({2}, 1e-3, torch::kDouble);
  b.mutable_grad() = torch::full({2}, 1e-3, torch::kDouble);
  plain->step();
  lora->step();
  EXPECT_GT((a - b).abs().max().item<double>(), 1e-4);
  EXPECT_EQ(parse_optimizer("adamw-lora"), OptimizerKind::AdamWLora);
  EXPECT_THROW(parse_optimizer("adam"), ConfigError);
}

}  // namespace
}  // namespace adamix::train
