#pragma once
// The common interface of the pretrained backbones (BERT, RoBERTa, GPT-2). Parameter names
// equal the Hugging Face state-dict keys of the bare model (BertModel, RobertaModel, GPT2Model).
//
//   auto loaded = adamix::models::load_backbone("models/bert-tiny", torch::kCPU);
//   auto out = loaded.backbone->forward({ids, mask});  // out.last_hidden_state [N,T,H]
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/models/model_config.h"

namespace adamix::models {

struct BackboneInput {
  torch::Tensor input_ids;       // [N,T] integer ids, right-padded
  torch::Tensor attention_mask;  // [N,T] 1 = token, 0 = padding; undefined = all ones
  torch::Tensor token_type_ids;  // [N,T] segment ids; undefined = zeros
  bool return_logits = true;     // GPT-2: also compute the tied LM head's [N,T,V] logits
};

struct BackboneOutput {
  torch::Tensor last_hidden_state;  // [N,T,H] float32
  torch::Tensor logits;             // GPT-2 [N,T,V] when asked; undefined otherwise
  torch::Tensor pooled;             // BERT/RoBERTa [N,H] tanh pooler, when the model has one
};

class BackboneImpl : public torch::nn::Module {
 public:
  explicit BackboneImpl(ModelConfig config) : config_(std::move(config)) {}

  // Checks the input (InputError on bad ids, lengths or shapes) and runs the model.
  virtual BackboneOutput forward(const BackboneInput& input) = 0;
  // Hugging Face `_init_weights`: normal(0, initializer_range) weights, zero biases, LayerNorm
  // 1/0, zero padding rows. Draws from `generator` only, so a seed fixes every value.
  virtual void reset_parameters(at::Generator generator) = 0;

  const ModelConfig& config() const { return config_; }

 protected:
  // InputError unless ids are [N,T] integers in [0, vocab), 1 <= T <= max_sequence_length(),
  // and the mask / token types are [N,T] (token types in [0, type_vocab_size)). Returns the
  // input on the module's device: int64 ids and token types, float32 mask.
  BackboneInput check_input(const BackboneInput& input) const;

  ModelConfig config_;
};

// hidden_act / activation_function, computed as transformers does (gelu_new: tanh formula).
torch::Tensor apply_activation(Activation act, const torch::Tensor& x);

// The [N,1,1,T] additive mask (1 - mask) * finfo(float32).min; undefined mask → undefined.
torch::Tensor extended_attention_mask(const torch::Tensor& attention_mask);

// nn::LayerNorm over the hidden size with the config's epsilon (BERT, RoBERTa and GPT-2 alike).
inline torch::nn::LayerNorm make_layer_norm(const ModelConfig& config) {
  return torch::nn::LayerNorm(
      torch::nn::LayerNormOptions({config.hidden_size}).eps(config.layer_norm_eps));
}

// A backbone with throwaway initial values (no weights loaded; the global random generator is
// left as it was). `with_pooler` adds BERT/RoBERTa's pooler; ignored for GPT-2.
std::shared_ptr<BackboneImpl> create_backbone(const ModelConfig& config, bool with_pooler = true);

struct LoadOptions {
  bool trainable = false;  // full fine-tuning: leave requires_grad on for every weight
};

struct LoadedBackbone {
  ModelConfig config;
  std::shared_ptr<BackboneImpl> backbone;  // on the requested device, eval() mode
};

// Reads model_dir/config.json and model.safetensors (F32/F16/BF16 → float32). Accepts keys
// with or without the bert./roberta./transformer. prefix and ignores heads and buffers
// (cls.*, lm_head.*, position_ids, GPT-2 attn.bias). Any missing, unexpected or wrongly shaped
// weight → one IoError naming every such key with both shapes.
LoadedBackbone load_backbone(const std::filesystem::path& model_dir, torch::Device device,
                             const LoadOptions& options = {});

// Copies `weights` (Hugging Face names, any prefix) into `backbone`; the check above.
// `source` names the file in errors.
void load_weights(BackboneImpl& backbone, const std::map<std::string, torch::Tensor>& weights,
                  const std::string& source);

}  // namespace adamix::models
