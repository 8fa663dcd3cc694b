#pragma once
// Pretraining config <-> YAML (`adamix pretrain --config pretrain.yaml`). Unknown keys and
// wrong types are errors naming the dotted key and the line, as for trial configs.
//
//   model: models/bert-base          # continued pretraining; or, for a new model:
//   init: {arch: bert, hidden: 128, layers: 4, heads: 4, intermediate: 512, max_positions: 128}
//   tokenizer: runs/tok              # vocab.txt or vocab.json + merges.txt
//   corpus: runs/lang/corpus.txt     # dev_corpus: FILE, or dev_percent: 5
//   objective: masked                # masked (bert, roberta) | causal (gpt2); default by arch
//   mlm_probability: 0.15
//   whole_word_mask: false
//   block_size: 128
//   train: {epochs: 10, batch_size: 32, lr: 5e-4, lr_schedule: cosine, ...}
//   device: cpu
#include <filesystem>
#include <string>
#include <vector>

#include "core/config/pretrain_config.h"

namespace adamix::sweeps {

// `source` names the text in errors. An absent `objective` is causal for a gpt2 model (init.arch,
// or the config.json of `model`, which is then read) and masked otherwise.
// `sets`: `--set key.path=value` overrides, as parse_trial_yaml's.
config::PretrainConfig parse_pretrain_yaml(const std::string& text, const std::string& source,
                                           const std::vector<std::string>& sets = {});
config::PretrainConfig load_pretrain_yaml(const std::filesystem::path& path,
                                          const std::vector<std::string>& sets = {});

// Every field in a fixed order; parse_pretrain_yaml(to_yaml(c)) == c.
std::string to_yaml(const config::PretrainConfig& config);

}  // namespace adamix::sweeps
