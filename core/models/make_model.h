#pragma once
// Tiny random backbones in Hugging Face layout, for tests and `adamix make-model`.
//
//   adamix::models::MakeModelOptions options;
//   options.arch = "gpt2";
//   adamix::models::make_model(options, "models/gpt2-tiny");  // config.json + model.safetensors
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/models/model_config.h"

namespace adamix::models {

struct MakeModelOptions {
  std::string arch = "bert";  // bert | roberta | gpt2
  int64_t hidden = 64;
  int64_t layers = 2;
  int64_t heads = 4;           // must divide hidden
  int64_t intermediate = 128;  // feed-forward width; 0 = 4 * hidden
  int64_t vocab_size = 1000;
  int64_t max_positions = 128;   // longest sequence (RoBERTa's table gets pad + 1 more rows)
  int64_t type_vocab_size = -1;  // -1 = 2 for BERT, 1 for RoBERTa (GPT-2 has none)
  std::string activation;        // gelu | gelu_new | relu; empty = gelu (BERT), gelu_new (GPT-2)
  double initializer_range = 0.02;
  int64_t pad_token_id = -1;  // -1 = the family's usual id: BERT 0, RoBERTa 1, GPT-2 none
  int64_t bos_token_id = -1;  // -1 = RoBERTa 0, GPT-2 vocab_size - 1, BERT none
  int64_t eos_token_id = -1;  // -1 = RoBERTa 2, GPT-2 vocab_size - 1, BERT none
  uint64_t seed = 0;
};

// The config make_model writes. Throws ConfigError naming the bad option.
ModelConfig make_model_config(const MakeModelOptions& options);

// Writes out_dir/config.json and out_dir/model.safetensors (each via a temporary name and a
// rename), weights initialised as transformers' _init_weights from `seed` alone: the same
// options give the same bytes. Returns the config written.
ModelConfig make_model(const MakeModelOptions& options, const std::filesystem::path& out_dir);

}  // namespace adamix::models
