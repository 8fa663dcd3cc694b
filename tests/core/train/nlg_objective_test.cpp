// The NLG objective: the reference's masked, label-smoothed loss written out by hand, training
// that learns a copy task, the consistency pass, determinism and resume.
#include "core/train/nlg_objective.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/train/trainer.h"

namespace adamix::train {
namespace {

const std::filesystem::path kGpt2 =
    std::filesystem::path(ADAMIX_FIXTURES_DIR) / "generation" / "gpt2_beam";

// Copy task in ids: context c (3..6 ids < 50) + eos 299, completion = c again + eos.
std::vector<data::NlgEncoded> copy_rows(int64_t n, uint64_t seed) {
  std::vector<data::NlgEncoded> rows;
  auto g = at::detail::createCPUGenerator(seed);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = 3 + torch::randint(4, {1}, g).item<int64_t>();
    const auto ctx = torch::randint(1, 50, {len}, g);
    std::vector<int64_t> all, mask;
    for (int64_t k = 0; k < len; ++k) all.push_back(ctx[k].item<int64_t>());
    all.push_back(299);
    const size_t context_length = all.size();
    for (int64_t k = 0; k < len; ++k) all.push_back(ctx[k].item<int64_t>());
    all.push_back(299);
    data::NlgEncoded row;
    row.input_ids = all;
    for (size_t k = 0; k < all.size(); ++k) {
      row.targets.push_back(k + 1 < all.size() ? all[k + 1] : 0);
      row.loss_mask.push_back(k + 1 >= context_length && k + 1 < all.size() ? 1.0f : 0.0f);
    }
    rows.push_back(row);
  }
  return rows;
}

peft::PeftOptions adamix_lora(int64_t experts, double lambda) {
  peft::PeftOptions m;
  m.module = peft::PeftModule::Lora;
  m.size = 4;
  m.alpha = 32;
  m.lora_targets = {"query", "value"};
  m.experts = experts;
  m.share = peft::Share::Up;
  m.expert_init = peft::ExpertInit::Identical;
  m.consistency = lambda;
  m.lora_dropout = 0.1;
  return m;
}

TEST(NlgLoss, IsTheReferencesMaskedLabelSmoothedMean) {
  torch::manual_seed(3);
  const torch::Tensor logits = torch::randn({2, 3, 5}, torch::kDouble);
  NlgBatch batch{torch::zeros({2, 3}, torch::kLong), torch::tensor({{1, 2, 0}, {4, 3, 3}}),
                 torch::tensor({{0.0, 1.0, 1.0}, {1.0, 0.0, 0.0}}, torch::kDouble)};
  double sum = 0;
  const auto lp = torch::log_softmax(logits, -1);
  const int64_t targets[2][3] = {{1, 2, 0}, {4, 3, 3}};
  const double mask[2][3] = {{0, 1, 1}, {1, 0, 0}};
  for (int b = 0; b < 2; ++b) {
    for (int t = 0; t < 3; ++t) {
      const double nll = -lp[b][t][targets[b][t]].item<double>();
      const double smooth = -lp[b][t].mean().item<double>();
      sum += mask[b][t] * (0.9 * nll + 0.1 * smooth);
    }
  }
  EXPECT_NEAR(nlg_lm_loss(logits, batch, 0.1).item<double>(), sum / (3 + 1e-4), 1e-12);
  // Below the reference's 0.0001 threshold: plain CE.
  EXPECT_NEAR(nlg_lm_loss(logits, batch, 0.00005).item<double>(),
              (-lp[0][1][2] - lp[0][2][0] - lp[1][0][4]).item<double>() / (3 + 1e-4), 1e-12);
}

struct CopyRun {
  std::vector<double> losses;
  std::map<std::string, double> last_eval;
  NamedTensors params;
};

CopyRun train_copy(const peft::PeftOptions& method, int64_t steps,
                   const TrainerSnapshot* from = nullptr,
                   TrainerSnapshot* snapshot_at_end = nullptr, int64_t stop_at = -1) {
  NlgModel model(kGpt2, method, 1, torch::kCPU);
  NlgObjective objective(model, copy_rows(64, 1), copy_rows(16, 2), {8, 0.1, 1});
  TrainOptions options;
  options.epochs = 100;
  options.max_steps = steps;
  options.batch_size = 8;
  options.lr = 1e-2;
  options.warmup_steps = 2;
  options.weight_decay = 0.01;
  options.optimizer = OptimizerKind::AdamWLora;
  options.adam_eps = 1e-6;
  options.max_grad_norm = 0;
  options.eval_every = 1000;
  Trainer trainer(objective, options);
  if (from) trainer.restore(*from);
  struct Losses : TrainerObserver {
    std::vector<double> values;
    void on_step(const TrainingState&, const StepReport& r) override {
      values.push_back(r.task_loss);
    }
  } losses;
  trainer.add_observer(&losses);
  struct StopAt : TrainerObserver {  // as SIGTERM: stop after this step, with a checkpoint
    int64_t step = -1;
    const TrainingState* state = nullptr;
    bool stop_requested() override { return step >= 0 && state->step >= step; }
  } stop;
  stop.step = stop_at;
  stop.state = &trainer.state();
  trainer.add_observer(&stop);
  trainer.run();
  CopyRun run;
  run.losses = losses.values;
  if (snapshot_at_end) *snapshot_at_end = trainer.snapshot();
  run.last_eval = trainer.evaluate().metrics;
  for (const auto& [name, p] : model.trainable()) run.params.emplace_back(name, p.clone());
  return run;
}

TEST(NlgObjective, AdamixLoraLearnsTheCopyTaskDeterministically) {
  const CopyRun a = train_copy(adamix_lora(4, 100.0), 80);
  ASSERT_EQ(a.losses.size(), 80u);
  // Mean CE of the first and the last 10 steps (batches of 8 are noisy one by one).
  const double first = std::accumulate(a.losses.begin(), a.losses.begin() + 10, 0.0) / 10;
  const double last = std::accumulate(a.losses.end() - 10, a.losses.end(), 0.0) / 10;
  EXPECT_LT(last, first - 0.2) << first << " -> " << last;  // measured 5.79 -> 5.40
  EXPECT_GT(a.last_eval.at("dev/accuracy"), 0.0);
  EXPECT_NEAR(a.last_eval.at("dev/perplexity"), std::exp(a.last_eval.at("dev/loss")), 1e-9);
  const CopyRun b = train_copy(adamix_lora(4, 100.0), 80);
  EXPECT_EQ(a.losses, b.losses);  // bit for bit
}

TEST(NlgObjective, ResumingFromASnapshotEqualsTheUninterruptedRun) {
  const CopyRun whole = train_copy(adamix_lora(4, 100.0), 12);
  TrainerSnapshot half;
  train_copy(adamix_lora(4, 100.0), 12, nullptr, &half, /*stop_at=*/6);
  const CopyRun resumed = train_copy(adamix_lora(4, 100.0), 12, &half);
  ASSERT_EQ(resumed.params.size(), whole.params.size());
  for (size_t i = 0; i < whole.params.size(); ++i) {
    EXPECT_TRUE(torch::equal(resumed.params[i].second, whole.params[i].second))
        << whole.params[i].first;
  }
  EXPECT_EQ(resumed.last_eval, whole.last_eval);
}

TEST(NlgObjective, ConsistencyRunsOnlyForMixtures) {
  NlgModel single(kGpt2, adamix_lora(1, 100.0), 1, torch::kCPU);
  NlgModel mixture(kGpt2, adamix_lora(4, 100.0), 1, torch::kCPU);
  EXPECT_EQ(mixture.trainable().size(), single.trainable().size());
  // Identical A-experts, one shared B: 4 A's [4,4,32] per third, B [1,32,4].
  for (const auto& [name, p] : mixture.trainable()) {
    if (name.find(".A") != std::string::npos) {
      EXPECT_EQ(p.size(0), 4) << name;
    } else {
      EXPECT_EQ(p.size(0), 1) << name;
    }
  }
  NlgObjective objective(mixture, copy_rows(8, 1), copy_rows(4, 2), {8, 0.1, 1});
  objective.set_training(true);
  // B starts at zero, so both passes differ only by LoRA dropout: zero update, zero KL.
  const auto step = objective.loss({0, 1, 2, 3});
  EXPECT_NEAR(step.consistency.item<double>(), 0.0, 1e-6);
  EXPECT_THROW(NlgObjective(mixture, {}, copy_rows(2, 1), {}), InputError);
}

TEST(NlgObjective, ABatchWhoseCompletionsWereAllCutOffAddsNothing) {
  NlgModel mixture(kGpt2, adamix_lora(4, 100.0), 1, torch::kCPU);
  auto rows = copy_rows(4, 1);
  for (auto& row : rows) std::fill(row.loss_mask.begin(), row.loss_mask.end(), 0.0f);  // cut
  NlgObjective objective(mixture, rows, copy_rows(4, 2), {8, 0.1, 1});
  objective.set_training(true);
  const auto step = objective.loss({0, 1, 2, 3});
  EXPECT_EQ(step.consistency.item<double>(), 0.0);
  EXPECT_EQ(step.loss.item<double>(), 0.0);
}

}  // namespace
}  // namespace adamix::train
