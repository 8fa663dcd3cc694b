#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "core/train/batch.h"
#include "core/train/lr_schedule.h"
#include "core/train/optimizer.h"

namespace adamix::train {
namespace {

TEST(Schedule, LinearMatchesHfLinearScheduleWithWarmup) {
  const Schedule s{1.0, 10, 100};
  EXPECT_DOUBLE_EQ(s.lr(0), 0.0);  // HF: the first optimiser step of a warmup has lr 0
  EXPECT_DOUBLE_EQ(s.lr(5), 0.5);
  EXPECT_DOUBLE_EQ(s.lr(10), 1.0);
  EXPECT_DOUBLE_EQ(s.lr(55), 0.5);
  EXPECT_DOUBLE_EQ(s.lr(100), 0.0);
  EXPECT_DOUBLE_EQ((Schedule{2.0, 0, 4}).lr(0), 2.0);
  EXPECT_EQ(s.kind, LrSchedule::Linear);
}

// Hand-computed from HF's _get_cosine_schedule_with_warmup_lr_lambda (num_cycles 0.5):
// step < warmup: step / warmup; after: max(0, 0.5 (1 + cos(pi · 2 · 0.5 · progress))) with
// progress = (step - warmup) / (total - warmup).
TEST(Schedule, CosineMatchesHfCosineScheduleWithWarmup) {
  const Schedule s{2.0, 10, 110, LrSchedule::Cosine};
  EXPECT_DOUBLE_EQ(s.lr(0), 0.0);
  EXPECT_DOUBLE_EQ(s.lr(5), 0.5 * 2.0);
  EXPECT_DOUBLE_EQ(s.lr(10), 2.0);                         // progress 0: cos 0 = 1
  EXPECT_NEAR(s.lr(35), 2.0 * 0.8535533905932737, 1e-12);  // progress 1/4: (1 + cos(pi/4)) / 2
  EXPECT_NEAR(s.lr(60), 0.5 * 2.0, 1e-12);                 // progress 1/2: cos(pi/2) = 0
  EXPECT_NEAR(s.lr(110), 0.0, 1e-12);                      // progress 1: cos(pi) = -1
  EXPECT_NEAR((Schedule{1.0, 0, 4, LrSchedule::Cosine}).lr(0), 1.0, 1e-12);
}

TEST(Schedule, KindAndNamesFromOptions) {
  TrainOptions o;
  EXPECT_EQ(make_schedule(o, 100).kind, LrSchedule::Linear);
  o.lr_schedule = LrSchedule::Cosine;
  EXPECT_EQ(make_schedule(o, 100).kind, LrSchedule::Cosine);
  EXPECT_STREQ(to_string(LrSchedule::Linear), "linear");
  EXPECT_STREQ(to_string(LrSchedule::Cosine), "cosine");
  EXPECT_EQ(parse_lr_schedule("cosine"), LrSchedule::Cosine);
  EXPECT_EQ(parse_lr_schedule("linear"), LrSchedule::Linear);
  try {
    parse_lr_schedule("step");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "train.lr_schedule: unknown value 'step' (expected one of linear, cosine)");
  }
}

TEST(Schedule, StepsAndWarmupFromOptions) {
  TrainOptions o;
  o.epochs = 3;
  o.grad_accum = 4;
  EXPECT_EQ(optimizer_steps_per_epoch(o, 10), 3);  // ceil(10 / 4): the partial group steps
  EXPECT_EQ(total_optimizer_steps(o, 10), 9);
  o.max_steps = 5;
  EXPECT_EQ(total_optimizer_steps(o, 10), 5);
  o.warmup_ratio = 0.06;
  EXPECT_EQ(make_schedule(o, 101).warmup_steps, 7);  // ceil(6.06)
  o.warmup_steps = 3;
  EXPECT_EQ(make_schedule(o, 101).warmup_steps, 3);
}

TEST(AdamW, NoDecayOnBiasesAndLayerNormWeightsAsTheReference) {
  EXPECT_FALSE(decays("encoder.layer.0.output.adapter.down.bias"));
  EXPECT_FALSE(decays("encoder.layer.0.output.LayerNorm.weight"));
  EXPECT_FALSE(decays("head.classifier.bias"));
  EXPECT_TRUE(decays("encoder.layer.0.output.adapter.down.weight"));
  EXPECT_TRUE(decays("encoder.layer.0.attention.self.query.lora.A"));
  EXPECT_TRUE(decays("h.0.ln_1.weight"));  // HF's rule names only LayerNorm.weight
}

TEST(AdamW, StateExportAndImportContinueIdentically) {
  TrainOptions o;
  o.lr = 0.1;
  auto make = [] {
    return NamedTensors{{"w", torch::arange(6, torch::kFloat32).reshape({2, 3}).requires_grad_()},
                        {"b", torch::ones({3}).requires_grad_()},
                        {"unused", torch::ones({2}).requires_grad_()}};
  };
  auto step = [](torch::optim::AdamW& opt, NamedTensors& p) {
    opt.zero_grad();
    (p[0].second.pow(2).sum() + p[1].second.sum()).backward();
    opt.step();
  };
  auto a = make();
  auto opt_a = make_adamw(a, o);
  step(*opt_a, a);
  const auto saved = export_adam_state(*opt_a, a);
  EXPECT_EQ(saved[0].second.step, 1);
  EXPECT_EQ(saved[2].second.step, 0);  // never had a gradient
  auto b = make();
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < a.size(); ++i) b[i].second.copy_(a[i].second);
  }
  auto opt_b = make_adamw(b, o);
  import_adam_state(*opt_b, b, saved);
  step(*opt_a, a);
  step(*opt_b, b);
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  auto wrong = saved;
  wrong[0].second.exp_avg = torch::zeros({3, 2});
  EXPECT_THROW(import_adam_state(*opt_b, b, wrong), IoError);
}

TEST(Batches, PaddedRowsMasksAndLabels) {
  data::TokenizedSplit split;
  split.pad_id = 7;
  for (const auto& row : std::vector<std::vector<int64_t>>{{1, 2, 3}, {4}, {5, 6}}) {
    split.ids.insert(split.ids.end(), row.begin(), row.end());
    split.type_ids.insert(split.type_ids.end(), row.size(), 1);
    split.offsets.push_back(static_cast<int64_t>(split.ids.size()));
  }
  split.labels = {0, 1, 2};
  split.scores = {0.5, 1.5, 2.5};
  const auto batch = make_batch(split, {2, 1}, /*regression=*/false, torch::kCPU);
  EXPECT_TRUE(torch::equal(batch.input_ids, torch::tensor({{5, 6}, {4, 7}})));
  EXPECT_TRUE(torch::equal(batch.attention_mask, torch::tensor({{1, 1}, {1, 0}})));
  EXPECT_TRUE(torch::equal(batch.token_type_ids, torch::tensor({{1, 1}, {1, 0}})));
  EXPECT_TRUE(torch::equal(batch.labels, torch::tensor({2, 1})));
  const auto regression = make_batch(split, {0}, /*regression=*/true, torch::kCPU);
  EXPECT_EQ(regression.labels.scalar_type(), torch::kFloat32);
  EXPECT_FLOAT_EQ(regression.labels[0].item<float>(), 0.5f);
}

TEST(Batches, EpochOrderIsASeededPermutation) {
  const auto a = epoch_order(50, 3, 0);
  EXPECT_EQ(a, epoch_order(50, 3, 0));
  EXPECT_NE(a, epoch_order(50, 3, 1));
  EXPECT_NE(a, epoch_order(50, 4, 0));
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 50; ++i) EXPECT_EQ(sorted[static_cast<size_t>(i)], i);
}

TEST(Batches, GroupByLengthSortsEachMegabatchAsHf) {
  // 40 rows, batch 2: min(40 / 8, 50) = 5 batches per megabatch, 10 rows each.
  std::vector<int64_t> lengths;
  for (int64_t i = 0; i < 40; ++i) lengths.push_back((i * 7) % 13);
  const auto order = epoch_order(40, 3, 0);
  const auto grouped = group_by_length(order, lengths, 2);
  ASSERT_EQ(grouped.size(), order.size());
  for (size_t begin = 0; begin < 40; begin += 10) {
    std::vector<int64_t> a(order.begin() + begin, order.begin() + begin + 10);
    std::vector<int64_t> b(grouped.begin() + begin, grouped.begin() + begin + 10);
    for (size_t k = 1; k < b.size(); ++k) EXPECT_GE(lengths[b[k - 1]], lengths[b[k]]);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);  // the same rows, only reordered inside their megabatch
  }
  EXPECT_EQ(grouped, group_by_length(order, lengths, 2));  // deterministic
  // A tiny set is one megabatch; equal lengths keep their order (stable, as Python's sorted).
  EXPECT_EQ(group_by_length({2, 0, 1}, {5, 9, 5}, 4), (std::vector<int64_t>{1, 2, 0}));
  EXPECT_THROW(group_by_length({0, 3}, {1, 2}, 1), InputError);
  EXPECT_EQ(longest_first({1, 3, 1, 2}), (std::vector<int64_t>{1, 3, 0, 2}));
}

}  // namespace
}  // namespace adamix::train
