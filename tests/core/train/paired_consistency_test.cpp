// Both consistency passes as one forward (train.consistency_passes: batched) against the
// two-pass path: the same routes from one seed, and without dropout the same losses and
// gradients within float rounding, for adapter and LoRA mixtures, classification and NLG.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/peft/consistency.h"
#include "core/train/classification_objective.h"
#include "core/train/nlg_objective.h"

namespace adamix::train {
namespace {

namespace fs = std::filesystem;
const fs::path kFixtures(ADAMIX_FIXTURES_DIR);

// A copy of a fixture model with every dropout probability set to 0, so that the two paths
// differ only by their routes.
fs::path without_dropout(const fs::path& model, const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("adamix_paired_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& entry : fs::directory_iterator(model))
    fs::copy(entry.path(), dir / entry.path().filename());
  nlohmann::json config = nlohmann::json::parse(std::ifstream(model / "config.json"));
  for (auto& [key, value] : config.items()) {
    if ((key.find("dropout") != std::string::npos || key.find("pdrop") != std::string::npos) &&
        value.is_number())
      value = 0.0;
  }
  std::ofstream(dir / "config.json") << config.dump(2);
  return dir;
}

// Fills the trainable tensors with small random values (LoRA's B starts at zero, which would
// make every route's output equal).
void randomize(const NamedTensors& trainable, uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto g = at::detail::createCPUGenerator(seed);
  for (const auto& [name, t] : trainable) t.copy_(torch::randn(t.sizes(), g) * 0.2);
}

data::TokenizedSplit toy_split(int64_t n, uint64_t seed) {
  data::TokenizedSplit split;
  split.name = "dev";
  auto g = at::detail::createCPUGenerator(seed);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = 4 + torch::randint(8, {1}, g).item<int64_t>();
    for (int64_t k = 0; k < len; ++k) {
      split.ids.push_back(k == 0 ? 2 : 5 + torch::randint(100, {1}, g).item<int64_t>());
      split.type_ids.push_back(0);
    }
    split.offsets.push_back(static_cast<int64_t>(split.ids.size()));
    split.labels.push_back(i % 3);
    split.scores.push_back(0.0);
  }
  return split;
}

peft::PeftOptions mixture(peft::PeftModule module, peft::Share share) {
  peft::PeftOptions m;
  m.module = module;
  m.size = 4;
  m.experts = 4;
  m.share = share;
  m.consistency = 1.0;
  if (module == peft::PeftModule::Lora) m.lora_targets = {"query", "value"};
  return m;
}

struct Step {
  double task = 0, consistency = 0, total = 0;
  NamedTensors grads;
  std::vector<int64_t> down_picks, up_picks;
  double next_draw = 0;  // the routing generator's next value: both paths drew as much
};

void expect_equal_steps(const Step& batched, const Step& two_pass) {
  EXPECT_NEAR(batched.task, two_pass.task, 1e-5);
  EXPECT_NEAR(batched.consistency, two_pass.consistency, 1e-5);
  EXPECT_NEAR(batched.total, two_pass.total, 1e-5);
  EXPECT_GT(two_pass.consistency, 1e-6);  // the routes differ: a real comparison
  EXPECT_EQ(batched.down_picks, two_pass.down_picks);
  EXPECT_EQ(batched.up_picks, two_pass.up_picks);
  EXPECT_EQ(batched.next_draw, two_pass.next_draw);
  ASSERT_EQ(batched.grads.size(), two_pass.grads.size());
  for (size_t i = 0; i < batched.grads.size(); ++i) {
    const auto& [name, g] = batched.grads[i];
    ASSERT_TRUE(g.defined()) << name;
    EXPECT_LT((g - two_pass.grads[i].second).abs().max().item<double>(), 1e-5) << name;
  }
}

template <typename Model, typename Objective>
Step take_step(Model& model, Objective& objective, const std::vector<int64_t>& rows) {
  objective.set_training(true);
  for (const auto& [name, t] : model.trainable()) t.mutable_grad() = torch::Tensor();
  const StepLoss loss = objective.loss(rows);
  loss.loss.backward();
  Step s;
  s.task = loss.task_loss.template item<double>();
  s.consistency = loss.consistency.template item<double>();
  s.total = loss.loss.template item<double>();
  for (const auto& [name, t] : model.trainable()) s.grads.emplace_back(name, t.grad().clone());
  s.down_picks = model.routing().down_picks();
  s.up_picks = model.routing().up_picks();
  s.next_draw = torch::rand({1}, model.routing().generator()).template item<double>();
  return s;
}

Step classification_step(const peft::PeftOptions& method, ConsistencyPasses passes) {
  static const fs::path dir = without_dropout(kFixtures / "models" / "bert_gelu", "bert");
  static const data::TokenizedSplit train = toy_split(12, 5);
  static const std::vector<data::TokenizedSplit> dev = {toy_split(4, 6)};
  TaskModel model(dir, method, 3, false, 7, torch::kCPU);
  randomize(model.trainable(), 9);
  TrainOptions options;
  options.batch_size = 6;
  options.consistency_passes = passes;
  MetricSpec spec;
  ClassificationObjective objective(model, train, dev, spec, options);
  return take_step(model, objective, {3, 0, 7, 11, 5, 2});
}

TEST(PairedConsistency, ClassificationEqualsTwoPassesForAdapterAndLoraMixtures) {
  for (const auto& method : {mixture(peft::PeftModule::Adapter, peft::Share::Up),
                             mixture(peft::PeftModule::Adapter, peft::Share::None),
                             mixture(peft::PeftModule::Lora, peft::Share::Down)}) {
    SCOPED_TRACE(std::string(peft::to_string(method.module)) + " share " +
                 peft::to_string(method.share));
    expect_equal_steps(classification_step(method, ConsistencyPasses::Batched),
                       classification_step(method, ConsistencyPasses::TwoPass));
  }
}

TEST(PairedConsistency, NlgEqualsTwoPasses) {
  static const fs::path dir = without_dropout(kFixtures / "generation" / "gpt2_beam", "gpt2");
  peft::PeftOptions method = mixture(peft::PeftModule::Lora, peft::Share::Up);
  method.alpha = 32;
  std::vector<data::NlgEncoded> rows;
  auto g = at::detail::createCPUGenerator(3);
  for (int64_t i = 0; i < 6; ++i) {
    data::NlgEncoded row;
    const int64_t len = 5 + i;
    for (int64_t k = 0; k < len; ++k) {
      row.input_ids.push_back(1 + torch::randint(250, {1}, g).item<int64_t>());
      row.targets.push_back(1 + torch::randint(250, {1}, g).item<int64_t>());
      row.loss_mask.push_back(k >= 2 ? 1.0f : 0.0f);
    }
    rows.push_back(row);
  }
  auto step = [&](ConsistencyPasses passes) {
    NlgModel model(dir, method, 1, torch::kCPU);
    randomize(model.trainable(), 9);
    NlgObjective objective(model, rows, rows, {4, 0.1, 1, passes});
    return take_step(model, objective, {4, 1, 5, 0});
  };
  expect_equal_steps(step(ConsistencyPasses::Batched), step(ConsistencyPasses::TwoPass));
}

TEST(PairedConsistency, TheContextRefusesAWrongModuleCount) {
  peft::PeftOptions method = mixture(peft::PeftModule::Adapter, peft::Share::Up);
  peft::RoutingContext context(method, at::detail::createCPUGenerator(1));
  context.begin_paired_forward(2);
  EXPECT_THROW(context.begin_paired_forward(2), InputError);  // already open
  context.route(4, 1, true, 8, torch::kCPU);
  EXPECT_THROW(context.end_paired_forward(), InputError);  // 1 of 2 calls made
  EXPECT_FALSE(context.paired_forward());
  context.begin_paired_forward(1);
  context.route(4, 1, true, 8, torch::kCPU);
  EXPECT_THROW(context.route(4, 1, true, 8, torch::kCPU), InputError);  // a call too many
  // A failing forward leaves no pair open behind it.
  peft::PeftHandle handle;
  handle.options = method;
  handle.context =
      std::make_shared<peft::RoutingContext>(method, at::detail::createCPUGenerator(1));
  EXPECT_THROW(peft::paired_forward(handle, []() -> torch::Tensor { throw IoError("boom"); }),
               IoError);
  EXPECT_FALSE(handle.context->paired_forward());
}

TEST(TrainOptions, ConsistencyPassesParseAndRefuseUnknownValues) {
  EXPECT_EQ(parse_consistency_passes("batched"), ConsistencyPasses::Batched);
  EXPECT_EQ(parse_consistency_passes("two-pass"), ConsistencyPasses::TwoPass);
  EXPECT_STREQ(to_string(ConsistencyPasses::TwoPass), "two-pass");
  EXPECT_THROW(parse_consistency_passes("twice"), ConfigError);
  EXPECT_EQ(TrainOptions{}.consistency_passes, ConsistencyPasses::Batched);
}

}  // namespace
}  // namespace adamix::train
