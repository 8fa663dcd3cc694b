#include "sweeps/trial_yaml.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

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
  // The reference's BertForSequenceClassification never adds the consistency term.
  EXPECT_DOUBLE_EQ(c.method.consistency, 0.0);
  EXPECT_NE(to_yaml(c).find("consistency: 0"), std::string::npos) << to_yaml(c);
  c = parse_trial_yaml(
      "recipe: bert-base-mnli\nmodel: m\ntask: {dir: d}\nmethod: {consistency: 1}\n", "t.yaml");
  EXPECT_DOUBLE_EQ(c.method.consistency, 1.0);  // the ablation stays one key away
  c = parse_trial_yaml("recipe: roberta-large-mnli\nmodel: m\ntask: {dir: d}\ntrain: {epochs: 2}\n",
                       "t.yaml");
  EXPECT_EQ(c.train.epochs, 2);
  EXPECT_EQ(c.method.size, 16);
  EXPECT_DOUBLE_EQ(c.train.lr, 3e-4);
  EXPECT_DOUBLE_EQ(c.method.consistency, 1.0);
  c = parse_trial_yaml("recipe: gpt2-medium-e2e\nmodel: m\n", "t.yaml");
  EXPECT_EQ(c.method.module, peft::PeftModule::Lora);
  EXPECT_EQ(c.method.size, 4);
  EXPECT_EQ(c.method.experts, 8);
  EXPECT_DOUBLE_EQ(c.method.consistency, 100);
  EXPECT_EQ(c.train.warmup_steps, 2000);
  EXPECT_NE(error_of("recipe: gpt5\nmodel: m\n").find("unknown recipe 'gpt5'"), std::string::npos);
}

TEST(TrialYaml, NlgSwitchesRoundTripAndStayOutOfOlderIds) {
  auto c = parse_trial_yaml(
      "recipe: gpt2-medium-webnlg\nmodel: m\ntask: {dir: d, score_test: true}\n", "t.yaml");
  EXPECT_TRUE(c.task.score_test);
  EXPECT_DOUBLE_EQ(c.method.lora_dropout, 0.1);
  EXPECT_EQ(c.train.optimizer, train::OptimizerKind::AdamWLora);
  EXPECT_DOUBLE_EQ(c.train.max_grad_norm, 0.0);
  const auto again = parse_trial_yaml(to_yaml(c), "again.yaml");
  EXPECT_EQ(to_yaml(again), to_yaml(c));
  EXPECT_TRUE(again.task.score_test);
  EXPECT_EQ(again.train.optimizer, train::OptimizerKind::AdamWLora);
  // Defaults are not written, so configs from before these keys keep their text (and ids).
  const auto glue = to_yaml(parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\n", "t.yaml"));
  EXPECT_EQ(glue.find("score_test"), std::string::npos);
  EXPECT_EQ(glue.find("lora_dropout"), std::string::npos);
  EXPECT_EQ(glue.find("optimizer"), std::string::npos);
  EXPECT_NE(
      error_of("model: m\ntask: {name: rte, dir: d, score_test: maybe}\n").find("task.score_test"),
      std::string::npos);
  c = parse_trial_yaml("model: m\ntask: {name: rte, dir: d, score_test: true}\n", "t.yaml");
  EXPECT_THROW(c.validate(), ConfigError);
  c = parse_trial_yaml("model: m\ntask: {name: e2e, dir: d, generate_every: 3}\n", "t.yaml");
  EXPECT_EQ(c.task.generate_every, 3);
  EXPECT_EQ(parse_trial_yaml(to_yaml(c), "again.yaml").task.generate_every, 3);
  EXPECT_EQ(glue.find("generate_every"), std::string::npos);
  c.task.generate_every = -1;
  EXPECT_THROW(c.task.validate(), ConfigError);
  c = parse_trial_yaml("model: m\ntask: {name: rte, dir: d, generate_every: 3}\n", "t.yaml");
  EXPECT_THROW(c.validate(), ConfigError);
}

TEST(TrialYaml, AblationSwitchesRoundTrip) {
  const auto c = parse_trial_yaml(
      "model: m\ntask: {name: rte, dir: d}\ntrain: {eval_paths: true, expert_diagnostics: on, "
      "early_stopping: {patience: 3, min_delta: 0.001, metric: dev/accuracy}}\n",
      "t.yaml");
  EXPECT_TRUE(c.train.eval_paths);
  EXPECT_EQ(c.train.expert_diagnostics, train::ExpertDiagnosticsMode::On);
  EXPECT_EQ(c.train.early_stopping.patience, 3);
  EXPECT_DOUBLE_EQ(c.train.early_stopping.min_delta, 0.001);
  EXPECT_EQ(c.train.early_stopping.metric, "dev/accuracy");
  EXPECT_NO_THROW(c.validate());
  const auto again = parse_trial_yaml(to_yaml(c), "again.yaml");
  EXPECT_EQ(to_yaml(again), to_yaml(c));
  // Defaults are not written: older trial ids stay.
  const auto plain = to_yaml(parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\n", "t.yaml"));
  for (const char* key : {"eval_paths", "expert_diagnostics", "early_stopping"})
    EXPECT_EQ(plain.find(key), std::string::npos) << key;
  EXPECT_NE(error_of("model: m\ntrain: {early_stopping: {patience: 0}}\n")
                .find("train.early_stopping.patience"),
            std::string::npos);
  EXPECT_NE(error_of("model: m\ntrain: {early_stopping: {min_delta: 1}}\n")
                .find("train.early_stopping.patience"),
            std::string::npos);
  EXPECT_NE(
      error_of("model: m\ntrain: {expert_diagnostics: maybe}\n").find("train.expert_diagnostics"),
      std::string::npos);
  for (const char* method : {"{experts: 1}", "{module: full}"}) {
    const auto bad = parse_trial_yaml(std::string("model: m\ntask: {name: rte, dir: d}\nmethod: ") +
                                          method + "\ntrain: {eval_paths: true}\n",
                                      "t.yaml");
    EXPECT_THROW(bad.validate(), ConfigError) << method;
  }
}

TEST(TrialYaml, PerformanceSwitchesRoundTrip) {
  const auto c = parse_trial_yaml(
      "model: m\ntask: {name: rte, dir: d}\n"
      "train: {consistency_passes: two-pass, group_by_length: true}\n",
      "t.yaml");
  EXPECT_EQ(c.train.consistency_passes, train::ConsistencyPasses::TwoPass);
  EXPECT_TRUE(c.train.group_by_length);
  EXPECT_EQ(to_yaml(parse_trial_yaml(to_yaml(c), "again.yaml")), to_yaml(c));
  // Defaults (batched, no grouping) are not written: older trial ids stay.
  const auto plain = to_yaml(parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\n", "t.yaml"));
  for (const char* key : {"consistency_passes", "group_by_length"})
    EXPECT_EQ(plain.find(key), std::string::npos) << key;
  EXPECT_NE(
      error_of("model: m\ntrain: {consistency_passes: twice}\n").find("train.consistency_passes"),
      std::string::npos);
  EXPECT_NE(error_of("model: m\ntrain: {group_by_length: 2}\n").find("train.group_by_length"),
            std::string::npos);
}

TEST(TrialYaml, FixedRoutingIsOneExpert) {
  try {
    parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\nmethod: {routing: fixed, experts: 4}\n",
                     "t.yaml")
        .validate();
    FAIL() << "routing fixed with 4 experts was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("method.routing"), std::string::npos) << e.what();
  }
  const auto c = parse_trial_yaml("model: m\nmethod: {routing: fixed, experts: 1}\n", "t.yaml");
  EXPECT_NO_THROW(c.method.validate());
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

TEST(TrialYaml, LrScheduleRoundTripsAndLinearIsNotWritten) {
  const std::string base = "model: m\ntask: {name: rte, dir: d}\n";
  const auto linear = parse_trial_yaml(base, "t.yaml");
  EXPECT_EQ(linear.train.lr_schedule, train::LrSchedule::Linear);
  // Absent when linear, so trial ids hashed before the key existed stay the same.
  EXPECT_EQ(to_yaml(linear).find("lr_schedule"), std::string::npos) << to_yaml(linear);
  EXPECT_EQ(to_yaml(parse_trial_yaml(base + "train: {lr_schedule: linear}\n", "t.yaml")),
            to_yaml(linear));

  const auto cosine = parse_trial_yaml(base + "train:\n  lr_schedule: cosine\n", "t.yaml");
  EXPECT_EQ(cosine.train.lr_schedule, train::LrSchedule::Cosine);
  const auto text = to_yaml(cosine);
  EXPECT_NE(text.find("  lr_schedule: cosine\n"), std::string::npos) << text;
  const auto again = parse_trial_yaml(text, "resolved.yaml");
  EXPECT_EQ(again.train.lr_schedule, train::LrSchedule::Cosine);
  EXPECT_EQ(to_yaml(again), text);
}

TEST(TrialYaml, BadLrScheduleNamesTheKeyAndLine) {
  EXPECT_EQ(error_of("model: m\ntrain:\n  epochs: 2\n  lr_schedule: step\n"),
            "t.yaml:4: train.lr_schedule: unknown value 'step' (expected one of linear, cosine)");
  EXPECT_NE(error_of("model: m\ntrain: {lr_schedule: [cosine]}\n")
                .find("t.yaml:2: train.lr_schedule: expected a single value"),
            std::string::npos);
}

TEST(TrialYaml, TrainBlockReaderAndWriterAreTheTrialOnes) {
  const auto root = YAML::Load("name: pre\ntrain:\n  lr: 1.0e-3\n  lr_schedule: cosine\n");
  train::TrainOptions options;
  options.epochs = 5;  // absent keys keep their value
  read_train_options(root["train"], "pre.yaml", options);
  EXPECT_EQ(options.epochs, 5);
  EXPECT_DOUBLE_EQ(options.lr, 1e-3);
  EXPECT_EQ(options.lr_schedule, train::LrSchedule::Cosine);

  const auto error_in = [](const std::string& text) {
    train::TrainOptions o;
    try {
      read_train_options(YAML::Load(text)["train"], "pre.yaml", o);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error_in("train:\n  lr: fast\n"),
            "pre.yaml:2: train.lr: expected a number, got 'fast'");
  EXPECT_NE(error_in("train:\n  lrr: 1\n").find("pre.yaml:2: train.lrr: unknown key"),
            std::string::npos);

  // The writer gives exactly the trial's `train:` block.
  config::TrialConfig c;
  c.model = "m";
  c.train = options;
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "train" << YAML::Value;
  write_train_options(out, c.train);
  out << YAML::EndMap;
  const std::string block = std::string(out.c_str()) + "\n";
  EXPECT_NE(to_yaml(c).find(block), std::string::npos) << block << "\n---\n" << to_yaml(c);
  train::TrainOptions back;
  read_train_options(YAML::Load(block)["train"], "block.yaml", back);
  EXPECT_EQ(back.epochs, 5);
  EXPECT_EQ(back.lr_schedule, train::LrSchedule::Cosine);
}

// --set key.path=value goes over the file's keys before they are read: typed by the schema,
// lists and mappings as YAML, unknown keys and wrong types named by the override.
TEST(TrialYaml, SetOverridesAreTypedAndCheckedAsTheFilesKeys) {
  const std::string text = "model: m\ntask: {name: rte, dir: d}\nmethod: {experts: 2}\n";
  const auto c =
      parse_trial_yaml(text, "t.yaml",
                       {"method.experts=8", "train.epochs=3", "method.placement=[query, value]",
                        "method.module=lora", "train.lr=2e-4", "device='cpu'"});
  EXPECT_EQ(c.method.experts, 8);
  EXPECT_EQ(c.train.epochs, 3);
  EXPECT_EQ(c.method.module, peft::PeftModule::Lora);
  EXPECT_EQ(c.method.lora_targets, (std::vector<std::string>{"query", "value"}));
  EXPECT_DOUBLE_EQ(c.train.lr, 2e-4);
  EXPECT_EQ(c.device, "cpu");
  // The same result as writing the keys in the file.
  EXPECT_EQ(to_yaml(parse_trial_yaml(text, "t.yaml", {"method.experts=8"})),
            to_yaml(parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\nmethod: {experts: 8}\n",
                                     "t.yaml")));
  const auto error = [&](const std::vector<std::string>& sets) {
    try {
      parse_trial_yaml(text, "t.yaml", sets);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error({"method.experts=many"}),
            "--set method.experts=many: expected an integer, got 'many'");
  EXPECT_EQ(
      error({"method.expertz=2"}).rfind("--set method.expertz=2: unknown key (expected one of", 0),
      0u)
      << error({"method.expertz=2"});
  EXPECT_EQ(error({"trian.epochs=2"}).rfind("--set trian.epochs=2: trian: unknown key", 0), 0u)
      << error({"trian.epochs=2"});
  EXPECT_EQ(error({"method.experts.count=2"}),
            "--set method.experts.count=2: method.experts: is a value, not a mapping, so "
            "method.experts.count cannot be set in it");
  EXPECT_EQ(error({"method.experts"}), "--set 'method.experts': expected key.path=value");
  EXPECT_EQ(error({"=3"}), "--set '=3': expected key.path=value");
  EXPECT_EQ(
      error({"method.placement=[query"}).rfind("--set method.placement=[query: invalid value", 0),
      0u);
  // An error elsewhere in the file keeps its own line.
  EXPECT_EQ(error({"train.epochs=2"}), "");
  try {
    parse_trial_yaml("model: m\ntask: {name: rte, dir: d}\nmethod: {experts: x}\n", "t.yaml",
                     {"train.epochs=2"});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "t.yaml:3: method.experts: expected an integer, got 'x'");
  }
}

// A task folder with a task.json names its task: task.name may be left out or be the folder's
// own name; another name is an error naming both. The resolved config (and trial id) is the
// same as with task.name: synthetic.
TEST(TrialYaml, TaskNameComesFromTheFoldersTaskJson) {
  const auto dir = std::filesystem::temp_directory_path() / "adamix_trial_yaml_task_json";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "task.json") << R"({"format": "adamix-synthetic-task", "version": 1,
      "name": "acceptability", "kind": "single", "labels": ["0", "1"], "metrics": ["mcc"],
      "main_metric": "mcc"})";
  const auto yaml = [&](const std::string& name) {
    return "model: m\ntask: {" + name + "dir: " + dir.string() + "}\n";
  };
  const auto explicit_name = to_yaml(parse_trial_yaml(yaml("name: synthetic, "), "t.yaml"));
  EXPECT_EQ(to_yaml(parse_trial_yaml(yaml(""), "t.yaml")), explicit_name);
  EXPECT_EQ(to_yaml(parse_trial_yaml(yaml("name: acceptability, "), "t.yaml")), explicit_name);
  try {
    parse_trial_yaml(yaml("name: mnli, "), "t.yaml");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("t.yaml:2: task.name: \"mnli\" conflicts with"), std::string::npos)
        << message;
    EXPECT_NE(message.find("\"acceptability\""), std::string::npos) << message;
  }
  // Without a task.json nothing is read: the name stays required.
  std::filesystem::remove(dir / "task.json");
  const auto c = parse_trial_yaml(yaml(""), "t.yaml");
  EXPECT_THROW(c.task.validate(), ConfigError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace adamix::sweeps
