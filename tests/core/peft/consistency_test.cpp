// Consistency regularisation and ensemble averaging against hand computations.
#include "core/peft/consistency.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace adamix::peft {
namespace {

// KL(p ‖ q) of two logit rows, by hand.
double kl(const std::vector<double>& target_logits, const std::vector<double>& input_logits) {
  auto softmax = [](const std::vector<double>& z) {
    double sum = 0;
    for (double v : z) sum += std::exp(v);
    std::vector<double> p;
    for (double v : z) p.push_back(std::exp(v) / sum);
    return p;
  };
  const auto p = softmax(target_logits);
  const auto q = softmax(input_logits);
  double out = 0;
  for (size_t i = 0; i < p.size(); ++i) out += p[i] * std::log(p[i] / q[i]);
  return out;
}

TEST(ConsistencyLoss, MatchesAHandComputation) {
  const std::vector<std::vector<double>> a = {{1.0, 2.0, 0.5}, {-1.0, 0.0, 3.0}};
  const std::vector<std::vector<double>> b = {{0.0, 2.5, 1.0}, {2.0, 0.5, 0.0}};
  double want = 0;
  for (int row = 0; row < 2; ++row) want += 0.5 * (kl(b[row], a[row]) + kl(a[row], b[row]));
  want /= 2;  // batchmean
  const torch::Tensor z1 =
      torch::tensor({1.0, 2.0, 0.5, -1.0, 0.0, 3.0}, torch::kDouble).view({2, 3});
  const torch::Tensor z2 =
      torch::tensor({0.0, 2.5, 1.0, 2.0, 0.5, 0.0}, torch::kDouble).view({2, 3});
  EXPECT_NEAR(consistency_loss(z1, z2).item<double>(), want, 1e-12);
  EXPECT_NEAR(consistency_loss(z1.to(torch::kFloat), z2.to(torch::kFloat)).item<double>(), want,
              1e-6);
  EXPECT_EQ(consistency_loss(z1, z1.clone()).item<double>(), 0.0);
}

TEST(ConsistencyLoss, GradientFlowsOnlyThroughTheNonDetachedSides) {
  const torch::Tensor z1 = torch::randn({4, 5}, torch::kDouble).requires_grad_(true);
  const torch::Tensor z2 = torch::randn({4, 5}, torch::kDouble).requires_grad_(true);
  consistency_loss(z1, z2).backward();
  // d/dz1 of ½ KL(sg p2 ‖ softmax z1) / B = ½ (softmax z1 - p2) / B; the KL(p1 ‖ ·) term
  // contributes nothing to z1 because its target p1 is detached.
  const torch::Tensor p1 = torch::softmax(z1.detach(), -1);
  const torch::Tensor p2 = torch::softmax(z2.detach(), -1);
  EXPECT_LT((z1.grad() - 0.5 * (p1 - p2) / 4).abs().max().item<double>(), 1e-12);
  EXPECT_LT((z2.grad() - 0.5 * (p2 - p1) / 4).abs().max().item<double>(), 1e-12);
}

TEST(ConsistencyLoss, FlattensLeadingDimensions) {
  const torch::Tensor z1 = torch::randn({2, 3, 4}, torch::kDouble);
  const torch::Tensor z2 = torch::randn({2, 3, 4}, torch::kDouble);
  EXPECT_NEAR(consistency_loss(z1, z2).item<double>(),
              consistency_loss(z1.view({6, 4}), z2.view({6, 4})).item<double>(), 1e-12);
  EXPECT_THROW(consistency_loss(z1, z2.view({6, 4})), c10::Error);
}

TEST(ConsistencyLossRegression, IsTheBatchMeanSquaredDifference) {
  const torch::Tensor y1 = torch::tensor({1.0, 2.0, 4.0}, torch::kDouble).requires_grad_(true);
  const torch::Tensor y2 = torch::tensor({0.5, 2.0, 1.0}, torch::kDouble).requires_grad_(true);
  const torch::Tensor loss = consistency_loss_regression(y1, y2);
  EXPECT_NEAR(loss.item<double>(), (0.25 + 0 + 9) / 3, 1e-12);
  loss.backward();
  // Each side is pulled toward the other's stop-gradient: d/dy1 = (y1 - y2) / B.
  EXPECT_NEAR(y1.grad()[2].item<double>(), 3.0 / 3, 1e-12);
  EXPECT_NEAR(y2.grad()[0].item<double>(), -0.5 / 3, 1e-12);
}

TEST(Ensemble, LogOfTheMeanDistribution) {
  const std::vector<torch::Tensor> paths = {
      torch::tensor({{1.0, 0.0}, {0.0, 2.0}}, torch::kDouble),
      torch::tensor({{0.0, 1.0}, {0.0, 0.0}}, torch::kDouble),
      torch::tensor({{3.0, 1.0}, {1.0, -1.0}}, torch::kDouble)};
  torch::Tensor mean = torch::zeros({2, 2}, torch::kDouble);
  for (const auto& z : paths) mean += torch::softmax(z, -1) / 3;
  const torch::Tensor log_p = ensemble_log_probs(paths);
  EXPECT_LT((log_p - mean.log()).abs().max().item<double>(), 1e-12);
  EXPECT_LT((log_p.exp().sum(-1) - 1).abs().max().item<double>(), 1e-12);
  EXPECT_LT(
      (ensemble_mean(paths) - (paths[0] + paths[1] + paths[2]) / 3).abs().max().item<double>(),
      1e-12);
  EXPECT_THROW(ensemble_log_probs({}), InputError);
  EXPECT_THROW(ensemble_mean({paths[0], torch::zeros({3})}), c10::Error);
}

}  // namespace
}  // namespace adamix::peft
