#include "sweeps/trial_yaml.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace adamix::sweeps {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_trial_yaml(yaml, "t.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(TrialYaml, DefaultsFollowMethodMd) {
  const auto c = parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\n", "t.yaml");
  EXPECT_EQ(c.model, "m");
  EXPECT_EQ(c.task.name, "rte");
  EXPECT_EQ(c.task.max_length, 128);
  EXPECT_EQ(c.method.module, peft::PeftModule::Adapter);
  EXPECT_EQ(c.method.size, 16);
  EXPECT_EQ(c.method.experts, 4);
  EXPECT_EQ(c.method.share, peft::Share::Up);
  EXPECT_EQ(c.method.routing, peft::Routing::Random);
  EXPECT_DOUBLE_EQ(c.method.consistency, 1.0);
  EXPECT_EQ(c.method.expert_init, peft::ExpertInit::Independent);
  EXPECT_EQ(c.method.inference.kind, peft::InferenceMode::Kind::Merged);
  EXPECT_EQ(c.train.epochs, 20);
  EXPECT_EQ(c.train.batch_size, 64);
  EXPECT_DOUBLE_EQ(c.train.lr, 3e-4);
  EXPECT_DOUBLE_EQ(c.train.weight_decay, 0.1);
  EXPECT_DOUBLE_EQ(c.train.warmup_ratio, 0.06);
  EXPECT_EQ(c.train.eval_every, 0);
  EXPECT_EQ(c.device, "cpu");
  EXPECT_EQ(c.precision, config::Precision::Fp32);
}

TEST(TrialYaml, ReadsEveryField) {
  const auto c = parse_trial_yaml(R"(
model: /models/roberta
task: {name: mnli, dir: /data/MNLI, max_length: 64}
method:
  module: lora
  size: 4
  alpha: 32
  placement: [query, key, value]
  experts: 8
  share: down
  routing: learned-top1
  consistency: 0
  expert_init: independent
  inference: fixed:0,3
  load_balance: 0.05
train: {epochs: 3, batch_size: 8, lr: 2.0e-4, weight_decay: 0.01, warmup_ratio: 0, warmup_steps: 10,
        max_grad_norm: 0.5, eval_every: 100, checkpoint_every: 50, seed: 7, grad_accum: 2,
        label_smoothing: 0.1, max_steps: 500, adam_beta1: 0.8, adam_beta2: 0.99, adam_eps: 1e-6}
device: cuda:1
precision: bf16
)",
                                  "t.yaml");
  EXPECT_EQ(c.method.module, peft::PeftModule::Lora);
  EXPECT_EQ(c.method.lora_targets, (std::vector<std::string>{"query", "key", "value"}));
  EXPECT_EQ(c.method.share, peft::Share::Down);
  EXPECT_EQ(c.method.routing, peft::Routing::LearnedTop1);
  EXPECT_EQ(c.method.inference.to_string(), "fixed:0,3");
  EXPECT_EQ(c.train.eval_every, 100);
  EXPECT_EQ(c.train.seed, 7u);
  EXPECT_DOUBLE_EQ(c.train.adam_eps, 1e-6);
  EXPECT_EQ(c.device, "cuda:1");
  EXPECT_EQ(c.precision, config::Precision::Bf16);
  EXPECT_NO_THROW(c.validate());
}

TEST(TrialYaml, LoraGetsItsOwnDefaults) {
  const auto c =
      parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\nmethod: {module: lora}\n", "t.yaml");
  EXPECT_EQ(c.method.size, 8);
  EXPECT_DOUBLE_EQ(c.method.alpha, 16);
  EXPECT_EQ(c.method.expert_init, peft::ExpertInit::Identical);
  EXPECT_EQ(c.method.lora_targets, (std::vector<std::string>{"query", "value"}));
}

TEST(TrialYaml, RecipesFillDefaultsAndKeysOverrideThem) {
  auto c = parse_trial_yaml("recipe: bert-base-mnli\nmodel: m\ntask: {dir: d}\n", "t.yaml");
  EXPECT_EQ(c.recipe, "bert-base-mnli");
  EXPECT_EQ(c.task.name, "mnli");
  EXPECT_EQ(c.method.size, 48);
  EXPECT_EQ(c.train.epochs, 40);
  EXPECT_DOUBLE_EQ(c.train.lr, 4e-4);
  c = parse_trial_yaml("recipe: roberta-large-mnli\nmodel: m\ntask: {dir: d}\ntrain: {epochs: 2}\n",
                       "t.yaml");
  EXPECT_EQ(c.train.epochs, 2);
  EXPECT_EQ(c.method.size, 16);
  EXPECT_DOUBLE_EQ(c.train.lr, 3e-4);
  c = parse_trial_yaml("recipe: gpt2-medium-e2e\nmodel: m\n", "t.yaml");
  EXPECT_EQ(c.method.module, peft::PeftModule::Lora);
  EXPECT_EQ(c.method.size, 4);
  EXPECT_EQ(c.method.experts, 8);
  EXPECT_DOUBLE_EQ(c.method.consistency, 100);
  EXPECT_EQ(c.train.warmup_steps, 2000);
  EXPECT_NE(error_of("recipe: gpt5\nmodel: m\n").find("unknown recipe 'gpt5'"), std::string::npos);
}

TEST(TrialYaml, ErrorsNameTheKeyAndLine) {
  EXPECT_EQ(error_of("model: m\nmethod:\n  experts: four\n"),
            "t.yaml:3: method.experts: expected an integer, got 'four'");
  EXPECT_EQ(error_of("model: m\ntrain:\n  lr: fast\n"),
            "t.yaml:3: train.lr: expected a number, got 'fast'");
  EXPECT_EQ(error_of("model: m\ntrain: {lr: 1e999}\n"),
            "t.yaml:2: train.lr: expected a number, got '1e999'");
  EXPECT_NE(error_of("model: m\ntrain: {lr: NaN}\n").find("expected a number"), std::string::npos);
  EXPECT_NE(
      error_of("model: m\nmethod:\n  expertz: 4\n").find("t.yaml:3: method.expertz: unknown key"),
      std::string::npos);
  EXPECT_NE(error_of("model: m\nbogus: 1\n").find("t.yaml:2: bogus: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of("model: m\nmethod: {routing: psychic}\n").find("unknown value 'psychic'"),
            std::string::npos);
  EXPECT_NE(error_of("model: m\nmethod: {inference: fixed:1}\n").find("fixed:I,J"),
            std::string::npos);
  EXPECT_NE(error_of("model: [a, b]\n").find("model: expected a single value"), std::string::npos);
  EXPECT_NE(error_of("model: m\ntrain: {eval_every: 0}\n").find("train.eval_every"),
            std::string::npos);
  EXPECT_NE(error_of("model: m\ntask: 5\n").find("task: expected a mapping"), std::string::npos);
  EXPECT_NE(error_of("model: m\n  bad: [indent\n").find("invalid YAML"), std::string::npos);
  EXPECT_NE(error_of("").find("empty trial config"), std::string::npos);
  EXPECT_NE(error_of("model: m\nprecision: fp8\n").find("t.yaml:2: precision"), std::string::npos);
}

TEST(TrialYaml, ValidateCatchesRangeErrors) {
  auto c =
      parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\nmethod: {experts: 0}\n", "t.yaml");
  EXPECT_THROW(c.validate(), ConfigError);
  c = parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\nmethod: {inference: 'fixed:4,0'}\n",
                       "t.yaml");
  EXPECT_THROW(c.validate(), ConfigError);
  c = parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\nprecision: bf16\n", "t.yaml");
  EXPECT_THROW(c.validate(), ConfigError);  // bf16 on CPU
  c = parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\ntrain: {lr: -1}\n", "t.yaml");
  EXPECT_THROW(c.validate(), ConfigError);
}

TEST(TrialYaml, ResolvedYamlRoundTripsExactly) {
  const auto c = parse_trial_yaml(R"(
recipe: roberta-large-mnli
model: /m
task: {name: mnli, dir: /d}
method: {module: lora, placement: [query, value], inference: random-token, consistency: 0.3}
train: {lr: 0.0001, eval_every: 7, seed: 3}
)",
                                  "t.yaml");
  const auto text = to_yaml(c);
  const auto again = parse_trial_yaml(text, "resolved.yaml");
  EXPECT_EQ(to_yaml(again), text);
  EXPECT_EQ(again.method.inference.to_string(), "random-token");
  EXPECT_DOUBLE_EQ(again.method.consistency, 0.3);
  EXPECT_EQ(again.train.lr, 0.0001);
  EXPECT_NE(text.find("lr: 0.0001\n"), std::string::npos) << text;
  EXPECT_NE(text.find("eval_every: 7"), std::string::npos);
}

}  // namespace
}  // namespace adamix::sweeps
