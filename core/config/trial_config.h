#pragma once
// One trial, fully resolved (docs/formats.md "Trial config"): the component options gathered in one
// place. Parsed from YAML in sweeps/ (core knows no YAML), validated once in apps/.
//
//   TrialConfig config = sweeps::parse_trial_yaml(text, "trial.yaml");
//   config.validate();
#include <filesystem>
#include <string>
#include <vector>

#include "core/data/task_options.h"
#include "core/peft/peft_options.h"
#include "core/train/train_options.h"

namespace adamix::config {

enum class Precision { Fp32, Bf16, Fp16 };
const char* to_string(Precision precision);
Precision parse_precision(const std::string& text);  // "fp32" | "bf16" | "fp16"; ConfigError

struct TrialConfig {
  std::string recipe;  // docs/method.md row that filled the defaults; empty = none
  std::filesystem::path model;
  data::TaskOptions task;
  peft::PeftOptions method;
  train::TrainOptions train;
  std::string device = "cpu";  // cpu | cuda | cuda:N
  Precision precision = Precision::Fp32;

  // Every component's validate() plus cross-field rules (fp16/bf16 need a CUDA device, ...).
  void validate() const;
};

// docs/method.md's reference rows by name ("roberta-large-mnli", "bert-base-mnli",
// "gpt2-medium-e2e", ...).
const std::vector<std::string>& recipe_names();
// Sets the row's hyperparameters on `config` (task name, method, train options); ConfigError
// for an unknown name, listing the known ones.
void apply_recipe(const std::string& name, TrialConfig& config);

}  // namespace adamix::config
