#pragma once
// A Hugging Face backbone's config.json (BERT, RoBERTa, GPT-2), parsed once into typed fields.
// Field names follow BERT's spelling; GPT-2's keys (n_embd, n_layer, ...) map onto them.
//
//   auto config = adamix::models::load_model_config("models/bert-tiny");  // dir or file
//   save_model_config(config, "out/config.json");
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace adamix::models {

enum class Arch { Bert, Roberta, Gpt2 };
enum class Activation { Gelu, GeluNew, Relu };

const char* arch_name(Arch arch);                      // "bert", "roberta", "gpt2"
Arch parse_arch(const std::string& name);              // throws ConfigError naming the value
const char* activation_name(Activation act);           // "gelu", "gelu_new", "relu"
Activation parse_activation(const std::string& name);  // throws ConfigError

struct ModelConfig {
  Arch arch = Arch::Bert;
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;        // GPT-2: n_embd
  int64_t num_layers = 0;         // num_hidden_layers / n_layer
  int64_t num_heads = 0;          // num_attention_heads / n_head
  int64_t intermediate_size = 0;  // GPT-2: n_inner, 4 * n_embd when null
  int64_t max_positions = 0;  // rows of the position table (max_position_embeddings / n_positions)
  int64_t type_vocab_size = 0;  // BERT 2, RoBERTa 1, GPT-2 0 (no token-type table)
  Activation activation = Activation::Gelu;
  double layer_norm_eps = 1e-12;
  int64_t pad_token_id = 0;   // BERT 0, RoBERTa 1 (also the position padding_idx); GPT-2 -1
  int64_t bos_token_id = -1;  // -1 = absent
  int64_t eos_token_id = -1;
  double hidden_dropout = 0.1;     // hidden_dropout_prob / resid_pdrop
  double attention_dropout = 0.1;  // attention_probs_dropout_prob / attn_pdrop
  double embedding_dropout = 0.1;  // BERT: hidden_dropout_prob; GPT-2: embd_pdrop
  double initializer_range = 0.02;

  int64_t head_size() const { return hidden_size / num_heads; }
  // Longest input sequence the position table allows (RoBERTa: max_positions - pad - 1).
  int64_t max_sequence_length() const;
  // Throws ConfigError for inconsistent sizes (hidden % heads, non-positive sizes, ...).
  void validate(const std::string& source) const;
};

// Parses a config.json object; `source` (usually the file path) is named in every error.
ModelConfig parse_model_config(const nlohmann::json& json, const std::string& source);
// Reads `path` (a config.json, or a model directory holding one). Throws IoError / ConfigError.
ModelConfig load_model_config(const std::filesystem::path& path);
// A config.json that transformers accepts (model_type, architectures, transformers_version).
nlohmann::json to_json(const ModelConfig& config);
// Writes to_json(config) to a temporary name beside `path` and renames it into place.
void save_model_config(const ModelConfig& config, const std::filesystem::path& path);

}  // namespace adamix::models
