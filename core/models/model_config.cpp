#include "core/models/model_config.h"

#include <nlohmann/json.hpp>

#include <fstream>

#include "core/error.h"
#include "core/io/atomic_file.h"

namespace adamix::models {
namespace {

using nlohmann::json;

// The transformers release whose config.json layout to_json() writes.
constexpr const char* kTransformersVersion = "4.36.2";

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw ConfigError(source + ": " + what);
}

std::string shown(const json& value) { return value.dump(); }

// One config.json object with the file name, so every error names the file and the key.
class Reader {
 public:
  Reader(const json& j, std::string source) : j_(j), source_(std::move(source)) {}

  bool has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }

  const json& at(const std::string& key) const {
    if (!has(key)) fail(source_, "missing required key '" + key + "'");
    return j_.at(key);
  }
  int64_t integer(const std::string& key) const {
    const json& v = at(key);
    if (!v.is_number_integer()) {
      fail(source_, "key '" + key + "' must be an integer, got " + shown(v));
    }
    return v.get<int64_t>();
  }
  int64_t integer(const std::string& key, int64_t fallback) const {
    return has(key) ? integer(key) : fallback;
  }
  double number(const std::string& key, double fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_number()) fail(source_, "key '" + key + "' must be a number, got " + shown(v));
    return v.get<double>();
  }
  std::string string(const std::string& key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_string()) fail(source_, "key '" + key + "' must be a string, got " + shown(v));
    return v.get<std::string>();
  }
  bool boolean(const std::string& key, bool fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_boolean()) fail(source_, "key '" + key + "' must be true or false, got " + shown(v));
    return v.get<bool>();
  }
  // A key that, when present, must hold `expected`: the backbones implement only that behaviour.
  void require_bool(const std::string& key, bool expected) const {
    if (boolean(key, expected) != expected) {
      fail(source_, "key '" + key + "' = " + (expected ? "false" : "true") + " is not supported");
    }
  }
  Activation activation(const std::string& key, const std::string& fallback) const {
    const std::string name = string(key, fallback);
    try {
      return parse_activation(name);
    } catch (const ConfigError& e) {
      fail(source_, "key '" + key + "': " + e.what());
    }
  }
  double layer_norm_eps(double fallback) const {
    if (has("layer_norm_eps")) return number("layer_norm_eps", fallback);
    return number("layer_norm_epsilon", fallback);
  }
  const std::string& source() const { return source_; }

 private:
  const json& j_;
  std::string source_;
};

Arch infer_arch(const json& j, const std::string& source) {
  if (j.contains("model_type") && !j.at("model_type").is_null()) {
    const json& v = j.at("model_type");
    if (!v.is_string()) fail(source, "key 'model_type' must be a string, got " + shown(v));
    try {
      return parse_arch(v.get<std::string>());
    } catch (const ConfigError& e) {
      fail(source, std::string("key 'model_type': ") + e.what());
    }
  }
  if (!j.contains("architectures")) {
    fail(source, "missing both 'model_type' and 'architectures'; cannot tell the model family");
  }
  const json& archs = j.at("architectures");
  if (!archs.is_array() || archs.empty() || !archs.at(0).is_string()) {
    fail(source, "key 'architectures' must be a non-empty list of strings, got " + shown(archs));
  }
  const std::string name = archs.at(0).get<std::string>();
  if (name.rfind("Bert", 0) == 0) return Arch::Bert;
  if (name.rfind("Roberta", 0) == 0) return Arch::Roberta;
  if (name.rfind("GPT2", 0) == 0) return Arch::Gpt2;
  fail(source, "unsupported architecture '" + name + "' (supported: Bert*, Roberta*, GPT2*)");
}

void parse_bert(const Reader& r, ModelConfig& c) {
  const bool roberta = c.arch == Arch::Roberta;
  c.vocab_size = r.integer("vocab_size");
  c.hidden_size = r.integer("hidden_size");
  c.num_layers = r.integer("num_hidden_layers");
  c.num_heads = r.integer("num_attention_heads");
  c.intermediate_size = r.integer("intermediate_size");
  c.max_positions = r.integer("max_position_embeddings");
  c.type_vocab_size = r.integer("type_vocab_size", roberta ? 1 : 2);
  c.activation = r.activation("hidden_act", "gelu");
  c.layer_norm_eps = r.layer_norm_eps(1e-12);
  c.pad_token_id = r.integer("pad_token_id", roberta ? 1 : 0);
  c.bos_token_id = r.integer("bos_token_id", roberta ? 0 : -1);
  c.eos_token_id = r.integer("eos_token_id", roberta ? 2 : -1);
  c.hidden_dropout = r.number("hidden_dropout_prob", 0.1);
  c.embedding_dropout = c.hidden_dropout;
  c.attention_dropout = r.number("attention_probs_dropout_prob", 0.1);
  c.initializer_range = r.number("initializer_range", 0.02);
  const std::string pos = r.string("position_embedding_type", "absolute");
  if (pos != "absolute") {
    fail(r.source(),
         "key 'position_embedding_type' = \"" + pos + "\" is not supported (only \"absolute\")");
  }
  r.require_bool("is_decoder", false);
  r.require_bool("add_cross_attention", false);
}

void parse_gpt2(const Reader& r, ModelConfig& c) {
  c.vocab_size = r.integer("vocab_size");
  c.max_positions = r.integer("n_positions");
  c.hidden_size = r.integer("n_embd");
  c.num_layers = r.integer("n_layer");
  c.num_heads = r.integer("n_head");
  c.intermediate_size = r.integer("n_inner", 4 * c.hidden_size);  // null → 4 * n_embd
  c.type_vocab_size = 0;
  c.activation = r.activation("activation_function", "gelu_new");
  c.layer_norm_eps = r.layer_norm_eps(1e-5);
  c.pad_token_id = r.integer("pad_token_id", -1);
  c.bos_token_id = r.integer("bos_token_id", 50256);
  c.eos_token_id = r.integer("eos_token_id", 50256);
  c.hidden_dropout = r.number("resid_pdrop", 0.1);
  c.embedding_dropout = r.number("embd_pdrop", 0.1);
  c.attention_dropout = r.number("attn_pdrop", 0.1);
  c.initializer_range = r.number("initializer_range", 0.02);
  r.require_bool("scale_attn_weights", true);
  r.require_bool("scale_attn_by_inverse_layer_idx", false);
  r.require_bool("reorder_and_upcast_attn", false);
  r.require_bool("add_cross_attention", false);
  r.require_bool("tie_word_embeddings", true);
}

}  // namespace

const char* arch_name(Arch arch) {
  switch (arch) {
    case Arch::Bert: return "bert";
    case Arch::Roberta: return "roberta";
    case Arch::Gpt2: return "gpt2";
  }
  return "?";
}

Arch parse_arch(const std::string& name) {
  if (name == "bert") return Arch::Bert;
  if (name == "roberta") return Arch::Roberta;
  if (name == "gpt2") return Arch::Gpt2;
  throw ConfigError("unsupported model type '" + name + "' (supported: bert, roberta, gpt2)");
}

const char* activation_name(Activation act) {
  switch (act) {
    case Activation::Gelu: return "gelu";
    case Activation::GeluNew: return "gelu_new";
    case Activation::Relu: return "relu";
  }
  return "?";
}

Activation parse_activation(const std::string& name) {
  if (name == "gelu") return Activation::Gelu;
  if (name == "gelu_new") return Activation::GeluNew;
  if (name == "relu") return Activation::Relu;
  throw ConfigError("unsupported activation '" + name + "' (supported: gelu, gelu_new, relu)");
}

int64_t ModelConfig::max_sequence_length() const {
  return arch == Arch::Roberta ? max_positions - pad_token_id - 1 : max_positions;
}

void ModelConfig::validate(const std::string& source) const {
  auto positive = [&](const char* key, int64_t v) {
    if (v <= 0) fail(source, std::string(key) + " must be positive, got " + std::to_string(v));
  };
  positive("vocab_size", vocab_size);
  positive("hidden_size", hidden_size);
  positive("num_layers", num_layers);
  positive("num_heads", num_heads);
  positive("intermediate_size", intermediate_size);
  positive("max_positions", max_positions);
  if (hidden_size % num_heads != 0) {
    fail(source, "hidden_size " + std::to_string(hidden_size) + " is not a multiple of num_heads " +
                     std::to_string(num_heads));
  }
  if (!(layer_norm_eps > 0)) fail(source, "layer_norm_eps must be positive");
  for (double p : {hidden_dropout, attention_dropout, embedding_dropout}) {
    if (!(p >= 0 && p < 1)) fail(source, "dropout probabilities must lie in [0, 1)");
  }
  if (!(initializer_range >= 0)) fail(source, "initializer_range must not be negative");
  if (arch == Arch::Gpt2) return;
  positive("type_vocab_size", type_vocab_size);
  if (pad_token_id < 0 || pad_token_id >= vocab_size) {
    fail(source, "pad_token_id " + std::to_string(pad_token_id) +
                     " is outside the vocabulary [0, " + std::to_string(vocab_size) + ")");
  }
  if (max_sequence_length() <= 0) {
    fail(source, "max_position_embeddings " + std::to_string(max_positions) +
                     " leaves no positions after padding_idx " + std::to_string(pad_token_id));
  }
}

ModelConfig parse_model_config(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) fail(source, "config must be a JSON object");
  ModelConfig c;
  c.arch = infer_arch(j, source);
  const Reader r(j, source);
  if (c.arch == Arch::Gpt2) {
    parse_gpt2(r, c);
  } else {
    parse_bert(r, c);
  }
  c.validate(source);
  return c;
}

ModelConfig load_model_config(const std::filesystem::path& path) {
  std::filesystem::path file = path;
  if (std::filesystem::is_directory(file)) file /= "config.json";
  std::ifstream in(file);
  if (!in) throw IoError(file.string() + ": cannot open model config");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw ConfigError(file.string() + ": invalid JSON: " + e.what());
  }
  return parse_model_config(j, file.string());
}

nlohmann::json to_json(const ModelConfig& c) {
  json j;
  j["model_type"] = arch_name(c.arch);
  j["transformers_version"] = kTransformersVersion;
  j["torch_dtype"] = "float32";
  j["initializer_range"] = c.initializer_range;
  j["vocab_size"] = c.vocab_size;
  if (c.bos_token_id >= 0) j["bos_token_id"] = c.bos_token_id;
  if (c.eos_token_id >= 0) j["eos_token_id"] = c.eos_token_id;
  if (c.arch == Arch::Gpt2) {
    j["architectures"] = {"GPT2LMHeadModel"};
    j["n_positions"] = c.max_positions;
    j["n_ctx"] = c.max_positions;
    j["n_embd"] = c.hidden_size;
    j["n_layer"] = c.num_layers;
    j["n_head"] = c.num_heads;
    j["n_inner"] = c.intermediate_size;
    j["activation_function"] = activation_name(c.activation);
    j["layer_norm_epsilon"] = c.layer_norm_eps;
    j["resid_pdrop"] = c.hidden_dropout;
    j["embd_pdrop"] = c.embedding_dropout;
    j["attn_pdrop"] = c.attention_dropout;
    if (c.pad_token_id >= 0) j["pad_token_id"] = c.pad_token_id;
    j["scale_attn_weights"] = true;
    j["use_cache"] = true;
    return j;
  }
  j["architectures"] = {c.arch == Arch::Roberta ? "RobertaModel" : "BertModel"};
  j["hidden_size"] = c.hidden_size;
  j["num_hidden_layers"] = c.num_layers;
  j["num_attention_heads"] = c.num_heads;
  j["intermediate_size"] = c.intermediate_size;
  j["max_position_embeddings"] = c.max_positions;
  j["type_vocab_size"] = c.type_vocab_size;
  j["hidden_act"] = activation_name(c.activation);
  j["layer_norm_eps"] = c.layer_norm_eps;
  j["pad_token_id"] = c.pad_token_id;
  j["hidden_dropout_prob"] = c.hidden_dropout;
  j["attention_probs_dropout_prob"] = c.attention_dropout;
  j["position_embedding_type"] = "absolute";
  j["use_cache"] = true;
  return j;
}

void save_model_config(const ModelConfig& config, const std::filesystem::path& path) {
  io::write_text_atomically(path, to_json(config).dump(2) + "\n");
}

}  // namespace adamix::models
