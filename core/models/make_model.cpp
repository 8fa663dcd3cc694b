#include "core/models/make_model.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <utility>
#include <vector>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/models/backbone.h"

namespace adamix::models {
namespace {

void require_positive(const char* option, int64_t value) {
  if (value <= 0) {
    throw ConfigError(std::string("make-model: --") + option + " must be positive, got " +
                      std::to_string(value));
  }
}

int64_t or_default(int64_t value, int64_t fallback) { return value >= 0 ? value : fallback; }

}  // namespace

ModelConfig make_model_config(const MakeModelOptions& o) {
  ModelConfig c;
  try {
    c.arch = parse_arch(o.arch);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string("make-model: --arch: ") + e.what());
  }
  require_positive("hidden", o.hidden);
  require_positive("layers", o.layers);
  require_positive("heads", o.heads);
  require_positive("vocab-size", o.vocab_size);
  require_positive("max-positions", o.max_positions);
  if (o.intermediate < 0) require_positive("intermediate", o.intermediate);
  if (o.hidden % o.heads != 0) {
    throw ConfigError("make-model: --hidden " + std::to_string(o.hidden) +
                      " is not a multiple of --heads " + std::to_string(o.heads));
  }
  if (!(o.initializer_range >= 0)) {
    throw ConfigError("make-model: initializer range must not be negative");
  }
  const bool gpt2 = c.arch == Arch::Gpt2;
  const bool roberta = c.arch == Arch::Roberta;
  c.vocab_size = o.vocab_size;
  c.hidden_size = o.hidden;
  c.num_layers = o.layers;
  c.num_heads = o.heads;
  c.intermediate_size = o.intermediate == 0 ? 4 * o.hidden : o.intermediate;
  try {
    c.activation =
        parse_activation(o.activation.empty() ? (gpt2 ? "gelu_new" : "gelu") : o.activation);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string("make-model: --activation: ") + e.what());
  }
  c.initializer_range = o.initializer_range;
  c.hidden_dropout = c.attention_dropout = c.embedding_dropout = 0.1;
  if (gpt2) {
    c.max_positions = o.max_positions;
    c.type_vocab_size = 0;
    c.layer_norm_eps = 1e-5;
    c.pad_token_id = o.pad_token_id;  // GPT-2 has none unless asked
    c.bos_token_id = or_default(o.bos_token_id, o.vocab_size - 1);
    c.eos_token_id = or_default(o.eos_token_id, o.vocab_size - 1);
  } else {
    c.layer_norm_eps = 1e-12;
    c.type_vocab_size = or_default(o.type_vocab_size, roberta ? 1 : 2);
    c.pad_token_id = or_default(o.pad_token_id, roberta ? 1 : 0);
    c.bos_token_id = or_default(o.bos_token_id, roberta ? 0 : -1);
    c.eos_token_id = or_default(o.eos_token_id, roberta ? 2 : -1);
    // RoBERTa counts positions from padding_idx + 1, so its table has pad + 1 extra rows.
    c.max_positions = roberta ? o.max_positions + c.pad_token_id + 1 : o.max_positions;
  }
  for (int64_t id : {c.pad_token_id, c.bos_token_id, c.eos_token_id}) {
    if (id >= c.vocab_size) {
      throw ConfigError("make-model: special token id " + std::to_string(id) +
                        " is outside the vocabulary of " + std::to_string(c.vocab_size));
    }
  }
  c.validate("make-model");
  return c;
}

ModelConfig make_model(const MakeModelOptions& options, const std::filesystem::path& out_dir) {
  const ModelConfig config = make_model_config(options);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw IoError(out_dir.string() + ": cannot create directory: " + ec.message());

  const std::shared_ptr<BackboneImpl> backbone = create_backbone(config, /*with_pooler=*/true);
  backbone->reset_parameters(at::detail::createCPUGenerator(options.seed));
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& item : backbone->named_parameters()) {
    tensors.emplace_back(item.key(), item.value().detach());
  }
  // transformers refuses safetensors files whose metadata lacks format = pt.
  io::save_safetensors(out_dir / "model.safetensors", tensors, {{"format", "pt"}});
  save_model_config(config, out_dir / "config.json");
  return config;
}

}  // namespace adamix::models
