#pragma once
// One pretraining run (`adamix pretrain --config pretrain.yaml`), fully resolved: where the
// model and text come from, the LM objective, and the optimiser. Parsed from YAML in sweeps/
// (core knows no YAML), validated once.
//
//   PretrainConfig config = sweeps::load_pretrain_yaml("pretrain.yaml");
//   config.validate();
#include <filesystem>
#include <string>

#include "core/models/make_model.h"
#include "core/train/lm_task.h"
#include "core/train/train_options.h"

namespace adamix::config {

const char* to_string(train::LmTask task);             // "masked" | "causal"
train::LmTask parse_lm_task(const std::string& text);  // ConfigError naming the choices

struct PretrainConfig {
  // Continued (domain-adaptive) pretraining starts from this Hugging Face model directory;
  // empty = a new model of shape `init` with the tokenizer's vocabulary.
  std::filesystem::path model;
  models::MakeModelOptions init;  // vocab_size and special ids come from the tokenizer
  // Folder with vocab.txt or vocab.json + merges.txt; empty = `model`.
  std::filesystem::path tokenizer;
  std::filesystem::path corpus;      // plain text, one document or sentence per line
  std::filesystem::path dev_corpus;  // held-out text; empty = the first dev_percent of corpus
  double dev_percent = 5;            // as run_mlm's validation_split_percentage
  train::LmTask objective = train::LmTask::Masked;  // causal for gpt2
  double mlm_probability = 0.15;
  bool whole_word_mask = false;
  int64_t block_size = 128;
  train::TrainOptions train;  // pretraining defaults (see default_pretrain_options)
  std::string device = "cpu";

  // ConfigError naming the key for values out of range or missing inputs.
  void validate() const;
};

// TrainOptions for pretraining from scratch: AdamW lr 5e-4, weight decay 0.01, 6% warmup then
// linear decay, batch 32, 10 epochs, evaluation every epoch.
train::TrainOptions default_pretrain_options();

}  // namespace adamix::config
