#include "sweeps/pretrain_yaml.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/config/pretrain_config.h"
#include "core/error.h"
#include "core/models/make_model.h"
#include "core/models/model_config.h"

namespace adamix::sweeps {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_pretrain_yaml(yaml, "pre.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

void expect_mentions(const std::string& message, std::initializer_list<std::string_view> needles) {
  EXPECT_FALSE(message.empty()) << "no ConfigError";
  for (const auto needle : needles)
    EXPECT_NE(message.find(needle), std::string::npos) << "'" << needle << "' not in: " << message;
}

const char* kFull = R"(
model: /models/bert-base
init: {arch: roberta, hidden: 64, layers: 3, heads: 8, intermediate: 256, max_positions: 96,
       activation: relu, initializer_range: 0.05, seed: 9}
tokenizer: runs/tok
corpus: runs/lang/corpus.txt
dev_corpus: runs/lang/dev.txt
objective: masked
mlm_probability: 0.2
whole_word_mask: true
block_size: 64
train: {epochs: 3, batch_size: 16, lr: 1.0e-4, weight_decay: 0.05, warmup_ratio: 0.1,
        warmup_steps: 7, lr_schedule: cosine, max_grad_norm: 0.5, eval_every: 40,
        checkpoint_every: 20, seed: 3, grad_accum: 2, label_smoothing: 0.1, max_steps: 90,
        adam_beta1: 0.8, adam_beta2: 0.98, adam_eps: 1e-6}
device: cuda:1
)";

TEST(PretrainYaml, ReadsEveryField) {
  const auto c = parse_pretrain_yaml(kFull, "pre.yaml");
  EXPECT_EQ(c.model, "/models/bert-base");
  EXPECT_EQ(c.init.arch, "roberta");
  EXPECT_EQ(c.init.hidden, 64);
  EXPECT_EQ(c.init.layers, 3);
  EXPECT_EQ(c.init.heads, 8);
  EXPECT_EQ(c.init.intermediate, 256);
  EXPECT_EQ(c.init.max_positions, 96);
  EXPECT_EQ(c.init.activation, "relu");
  EXPECT_DOUBLE_EQ(c.init.initializer_range, 0.05);
  EXPECT_EQ(c.init.seed, 9u);
  EXPECT_EQ(c.tokenizer, "runs/tok");
  EXPECT_EQ(c.corpus, "runs/lang/corpus.txt");
  EXPECT_EQ(c.dev_corpus, "runs/lang/dev.txt");
  EXPECT_EQ(c.objective, train::LmTask::Masked);
  EXPECT_DOUBLE_EQ(c.mlm_probability, 0.2);
  EXPECT_TRUE(c.whole_word_mask);
  EXPECT_EQ(c.block_size, 64);
  EXPECT_EQ(c.train.epochs, 3);
  EXPECT_EQ(c.train.batch_size, 16);
  EXPECT_DOUBLE_EQ(c.train.lr, 1e-4);
  EXPECT_EQ(c.train.lr_schedule, train::LrSchedule::Cosine);
  EXPECT_EQ(c.train.eval_every, 40);
  EXPECT_EQ(c.train.max_steps, 90);
  EXPECT_DOUBLE_EQ(c.train.adam_eps, 1e-6);
  EXPECT_EQ(c.device, "cuda:1");
  auto on_cpu = c;  // validate() also checks that the device exists
  on_cpu.device = "cpu";
  EXPECT_NO_THROW(on_cpu.validate());
}

TEST(PretrainYaml, FullConfigRoundTrips) {
  const auto c = parse_pretrain_yaml(kFull, "pre.yaml");
  const auto text = to_yaml(c);
  const auto again = parse_pretrain_yaml(text, "round.yaml");
  EXPECT_EQ(to_yaml(again), text);
  EXPECT_EQ(again.init.arch, "roberta");
  EXPECT_EQ(again.init.seed, 9u);
  EXPECT_DOUBLE_EQ(again.mlm_probability, 0.2);
  EXPECT_TRUE(again.whole_word_mask);
  EXPECT_EQ(again.dev_corpus, "runs/lang/dev.txt");
  EXPECT_EQ(again.train.lr_schedule, train::LrSchedule::Cosine);
  EXPECT_DOUBLE_EQ(again.train.adam_beta2, 0.98);
  EXPECT_EQ(again.device, "cuda:1");
}

TEST(PretrainYaml, DefaultsAndCausalConfigsRoundTrip) {
  for (const std::string yaml : {
           "corpus: c.txt\ntokenizer: tok\n",
           "corpus: c.txt\ntokenizer: tok\ninit: {arch: gpt2, hidden: 48, heads: 3}\n"
           "dev_percent: 12.5\nblock_size: 32\n",
       }) {
    SCOPED_TRACE(yaml);
    const auto text = to_yaml(parse_pretrain_yaml(yaml, "pre.yaml"));
    EXPECT_EQ(to_yaml(parse_pretrain_yaml(text, "round.yaml")), text);
  }
}

TEST(PretrainYaml, Defaults) {
  const auto c = parse_pretrain_yaml("corpus: c.txt\ntokenizer: tok\n", "pre.yaml");
  EXPECT_TRUE(c.model.empty());
  EXPECT_EQ(c.init.arch, "bert");
  EXPECT_EQ(c.init.hidden, 128);
  EXPECT_EQ(c.init.layers, 4);
  EXPECT_EQ(c.init.heads, 4);
  EXPECT_EQ(c.init.intermediate, 512);
  EXPECT_EQ(c.init.max_positions, 128);
  EXPECT_TRUE(c.dev_corpus.empty());
  EXPECT_DOUBLE_EQ(c.dev_percent, 5.0);
  EXPECT_EQ(c.objective, train::LmTask::Masked);
  EXPECT_DOUBLE_EQ(c.mlm_probability, 0.15);
  EXPECT_FALSE(c.whole_word_mask);
  EXPECT_EQ(c.block_size, 128);
  EXPECT_DOUBLE_EQ(c.train.lr, 5e-4);
  EXPECT_DOUBLE_EQ(c.train.weight_decay, 0.01);
  EXPECT_DOUBLE_EQ(c.train.warmup_ratio, 0.06);
  EXPECT_EQ(c.train.epochs, 10);
  EXPECT_EQ(c.train.batch_size, 32);
  EXPECT_EQ(c.train.lr_schedule, train::LrSchedule::Linear);
  EXPECT_EQ(c.device, "cpu");
  EXPECT_NO_THROW(c.validate());
  // The defaults are default_pretrain_options.
  const auto d = config::default_pretrain_options();
  EXPECT_EQ(c.train.epochs, d.epochs);
  EXPECT_DOUBLE_EQ(c.train.lr, d.lr);
}

TEST(PretrainYaml, ObjectiveDefaultsByArch) {
  EXPECT_EQ(parse_pretrain_yaml("corpus: c\ntokenizer: t\ninit: {arch: gpt2}\n", "p").objective,
            train::LmTask::Causal);
  EXPECT_EQ(parse_pretrain_yaml("corpus: c\ntokenizer: t\ninit: {arch: roberta}\n", "p").objective,
            train::LmTask::Masked);
  // An explicit objective wins (validation of the pairing happens in LmObjective).
  EXPECT_EQ(
      parse_pretrain_yaml("corpus: c\ninit: {arch: gpt2}\nobjective: masked\n", "p").objective,
      train::LmTask::Masked);
  EXPECT_EQ(parse_pretrain_yaml("corpus: c\nobjective: causal\n", "p").objective,
            train::LmTask::Causal);
  expect_mentions(error_of("corpus: c\ninit: {arch: t5}\n"), {"pre.yaml", "t5"});
}

TEST(PretrainYaml, ObjectiveOfAModelDirectoryComesFromItsConfig) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("adamix_pretrain_yaml_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  models::MakeModelOptions o;
  o.arch = "gpt2";
  o.hidden = 16;
  o.heads = 2;
  o.vocab_size = 50;
  models::save_model_config(models::make_model_config(o), dir / "config.json");
  const auto c = parse_pretrain_yaml("model: " + dir.string() + "\ncorpus: c\n", "pre.yaml");
  EXPECT_EQ(c.objective, train::LmTask::Causal);
  EXPECT_NO_THROW(c.validate());  // the model's folder holds the tokenizer
  std::filesystem::remove_all(dir);
}

TEST(PretrainYaml, ErrorsNameTheKeyAndTheLine) {
  expect_mentions(error_of("corpus: c\ntokenizer: t\nbogus: 1\n"), {"pre.yaml:3", "bogus"});
  expect_mentions(error_of("corpus: c\ninit:\n  arch: bert\n  hiden: 64\n"),
                  {"pre.yaml:4", "init.hiden"});
  expect_mentions(error_of("corpus: c\ntrain: {epochs: 2, learning_rate: 1}\n"),
                  {"pre.yaml:2", "train.learning_rate"});
  expect_mentions(error_of("corpus: c\nwhole_word_mask: maybe\n"),
                  {"pre.yaml:2", "whole_word_mask", "maybe"});
  expect_mentions(error_of("corpus: c\nobjective: denoising\n"),
                  {"pre.yaml:2", "denoising", "masked", "causal"});
  expect_mentions(error_of("corpus: c\nblock_size: large\n"), {"pre.yaml:2", "block_size"});
  expect_mentions(error_of("corpus: c\ninit: {seed: -1}\n"), {"init.seed"});
  expect_mentions(error_of("corpus: c\ntrain: {lr_schedule: step}\n"), {"lr_schedule", "step"});
  expect_mentions(error_of("corpus: [a, b]\n"), {"corpus"});
  expect_mentions(error_of(""), {"pre.yaml"});
}

TEST(PretrainYaml, CosineScheduleIsAccepted) {
  const auto c =
      parse_pretrain_yaml("corpus: c\ntokenizer: t\ntrain: {lr_schedule: cosine}\n", "pre.yaml");
  EXPECT_EQ(c.train.lr_schedule, train::LrSchedule::Cosine);
  EXPECT_NE(to_yaml(c).find("lr_schedule: cosine"), std::string::npos) << to_yaml(c);
  EXPECT_EQ(parse_pretrain_yaml("corpus: c\ntrain: {lr_schedule: linear}\n", "p").train.lr_schedule,
            train::LrSchedule::Linear);
}

TEST(PretrainConfig, ValidateNamesWhatIsMissingOrOutOfRange) {
  const auto base = parse_pretrain_yaml("corpus: c.txt\ntokenizer: tok\n", "pre.yaml");
  ASSERT_NO_THROW(base.validate());
  const auto message = [](const config::PretrainConfig& c) -> std::string {
    try {
      c.validate();
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  auto c = base;
  c.corpus.clear();
  expect_mentions(message(c), {"corpus"});
  c = base;
  c.tokenizer.clear();
  expect_mentions(message(c), {"tokenizer"});
  c.model = "models/bert";  // a model directory supplies its tokenizer
  EXPECT_NO_THROW(c.validate());
  c = base;
  c.dev_percent = 100;
  expect_mentions(message(c), {"dev_percent"});
  c.dev_corpus = "dev.txt";  // no split then
  EXPECT_NO_THROW(c.validate());
  c = base;
  c.mlm_probability = 0;
  expect_mentions(message(c), {"mlm_probability"});
  c = base;
  c.block_size = 1;
  expect_mentions(message(c), {"block_size"});
  c = base;
  c.train.lr = 0;
  expect_mentions(message(c), {"lr"});
  c = base;
  c.device = "tpu";
  EXPECT_THROW(c.validate(), ConfigError);
}

TEST(PretrainConfig, LmTaskNames) {
  EXPECT_STREQ(config::to_string(train::LmTask::Masked), "masked");
  EXPECT_STREQ(config::to_string(train::LmTask::Causal), "causal");
  EXPECT_EQ(config::parse_lm_task("causal"), train::LmTask::Causal);
  EXPECT_THROW(config::parse_lm_task("Masked"), ConfigError);
}

TEST(PretrainYaml, LoadReadsAFileAndNamesIt) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("adamix_pretrain_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out(path);
    out << "corpus: c.txt\ntokenizer: tok\nblock_size: 0x\n";
  }
  try {
    load_pretrain_yaml(path);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string() + ":3"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(PretrainYaml, SetOverridesAreTypedAndNamed) {
  const std::string text = "corpus: c.txt\ntokenizer: tok\n";
  const auto c = parse_pretrain_yaml(
      text, "p.yaml", {"block_size=64", "train.epochs=2", "init.hidden=32", "init.heads=2"});
  EXPECT_EQ(c.block_size, 64);
  EXPECT_EQ(c.train.epochs, 2);
  EXPECT_EQ(c.init.hidden, 32);
  try {
    parse_pretrain_yaml(text, "p.yaml", {"block_size=big"});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "--set block_size=big: expected an integer, got 'big'");
  }
  try {
    parse_pretrain_yaml(text, "p.yaml", {"train.lrr=1"});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--set train.lrr=1: unknown key", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace adamix::sweeps
