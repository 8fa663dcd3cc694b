#pragma once
// BERT and RoBERTa encoders, module for module as transformers' modeling_bert.py /
// modeling_roberta.py (eager attention, float32). Registered names are the HF state-dict keys:
// embeddings.word_embeddings.weight, encoder.layer.0.attention.self.query.weight, ...
// RoBERTa differs only in its position ids (counted from padding_idx + 1 over non-pad tokens).
//
//   BertModel bert(config, /*with_pooler=*/true);
//   auto out = bert->forward({ids, mask, token_types});
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/models/backbone.h"

namespace adamix::models {

class BertEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit BertEmbeddingsImpl(const ModelConfig& config);
  // ids, token types [N,T] int64; position ids [N,T] or [1,T] → [N,T,H]
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                        const torch::Tensor& position_ids);

  torch::nn::Embedding word_embeddings_{nullptr};
  torch::nn::Embedding position_embeddings_{nullptr};
  torch::nn::Embedding token_type_embeddings_{nullptr};
  torch::nn::LayerNorm layer_norm_{nullptr};  // registered as "LayerNorm"
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(BertEmbeddings);

// Q, K, V projections and scaled dot-product attention over heads. PEFT seam: set_lora
// registers a `lora` child on query_ / key_ / value_ (→ ...self.query.lora.A); forward() adds
// its output (the update, [N,T,H]) to that projection.
class BertSelfAttentionImpl : public torch::nn::Module {
 public:
  explicit BertSelfAttentionImpl(const ModelConfig& config);
  // hidden [N,T,H], mask [N,1,1,T] additive or undefined → context [N,T,H]
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask);
  // target: "query" | "key" | "value"; `lora` maps [N,T,H] → [N,T,H]. ConfigError for another
  // target or one that already has a LoRA.
  void set_lora(const std::string& target, torch::nn::AnyModule lora);

  int64_t num_heads_;
  int64_t head_size_;
  torch::nn::Linear query_{nullptr};
  torch::nn::Linear key_{nullptr};
  torch::nn::Linear value_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::AnyModule query_lora_, key_lora_, value_lora_;  // empty = no LoRA
};
TORCH_MODULE(BertSelfAttention);

// dense → dropout → LayerNorm(· + residual): BertSelfOutput, and BertOutput after the FFN.
// PEFT seam: set_adapter registers a child "adapter" (→ ...layer.3.output.adapter.*) that runs
// on dense's output, before dropout and the residual LayerNorm.
class BertResidualOutputImpl : public torch::nn::Module {
 public:
  BertResidualOutputImpl(const ModelConfig& config, int64_t in_features);
  // hidden [N,T,in], residual [N,T,H] → [N,T,H]
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& residual);
  // `adapter` maps [N,T,H] → [N,T,H] (residual included). ConfigError if one is already set.
  void set_adapter(torch::nn::AnyModule adapter);

  torch::nn::Linear dense_{nullptr};
  torch::nn::LayerNorm layer_norm_{nullptr};  // registered as "LayerNorm"
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::AnyModule adapter_;  // empty = no adapter
};
TORCH_MODULE(BertResidualOutput);

class BertAttentionImpl : public torch::nn::Module {
 public:
  explicit BertAttentionImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask);

  BertSelfAttention self_{nullptr};     // "self"
  BertResidualOutput output_{nullptr};  // "output"
};
TORCH_MODULE(BertAttention);

class BertIntermediateImpl : public torch::nn::Module {
 public:
  explicit BertIntermediateImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& hidden);  // [N,T,H] → [N,T,I]

  Activation activation_;
  torch::nn::Linear dense_{nullptr};
};
TORCH_MODULE(BertIntermediate);

class BertLayerImpl : public torch::nn::Module {
 public:
  explicit BertLayerImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask);

  BertAttention attention_{nullptr};
  BertIntermediate intermediate_{nullptr};
  BertResidualOutput output_{nullptr};  // "output": BertOutput (dense I → H)
};
TORCH_MODULE(BertLayer);

class BertEncoderImpl : public torch::nn::Module {
 public:
  explicit BertEncoderImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask);

  torch::nn::ModuleList layer_list_{nullptr};  // registered as "layer"
  std::vector<BertLayer> layers_;              // the same modules, typed
};
TORCH_MODULE(BertEncoder);

class BertPoolerImpl : public torch::nn::Module {
 public:
  explicit BertPoolerImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& hidden);  // [N,T,H] → tanh(dense(h[:,0])) [N,H]

  torch::nn::Linear dense_{nullptr};
};
TORCH_MODULE(BertPooler);

class BertModelImpl : public BackboneImpl {
 public:
  BertModelImpl(const ModelConfig& config, bool with_pooler);
  BackboneOutput forward(const BackboneInput& input) override;
  void reset_parameters(at::Generator generator) override;

  // RoBERTa create_position_ids_from_input_ids: cumsum over non-pad tokens + padding_idx.
  torch::Tensor position_ids(const torch::Tensor& input_ids) const;

  BertEmbeddings embeddings_{nullptr};
  BertEncoder encoder_{nullptr};
  BertPooler pooler_{nullptr};  // null without a pooler
};
TORCH_MODULE(BertModel);

}  // namespace adamix::models
