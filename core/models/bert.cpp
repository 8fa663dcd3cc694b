#include "core/models/bert.h"

#include <cmath>

#include "core/error.h"
#include "core/util/text.h"

namespace adamix::models {

namespace nn = torch::nn;

BertEmbeddingsImpl::BertEmbeddingsImpl(const ModelConfig& c) {
  word_embeddings_ = register_module(
      "word_embeddings",
      nn::Embedding(nn::EmbeddingOptions(c.vocab_size, c.hidden_size).padding_idx(c.pad_token_id)));
  auto position_options = nn::EmbeddingOptions(c.max_positions, c.hidden_size);
  if (c.arch == Arch::Roberta) position_options.padding_idx(c.pad_token_id);
  position_embeddings_ = register_module("position_embeddings", nn::Embedding(position_options));
  token_type_embeddings_ =
      register_module("token_type_embeddings",
                      nn::Embedding(nn::EmbeddingOptions(c.type_vocab_size, c.hidden_size)));
  layer_norm_ = register_module("LayerNorm", make_layer_norm(c));
  dropout_ = register_module("dropout", nn::Dropout(c.embedding_dropout));
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& input_ids,
                                          const torch::Tensor& token_type_ids,
                                          const torch::Tensor& position_ids) {
  // Same association as BertEmbeddings: (words + token types) + positions.
  torch::Tensor embeddings = word_embeddings_(input_ids) + token_type_embeddings_(token_type_ids);
  embeddings = embeddings + position_embeddings_(position_ids);
  return dropout_(layer_norm_(embeddings));
}

BertSelfAttentionImpl::BertSelfAttentionImpl(const ModelConfig& c)
    : num_heads_(c.num_heads), head_size_(c.head_size()) {
  query_ = register_module("query", nn::Linear(c.hidden_size, c.hidden_size));
  key_ = register_module("key", nn::Linear(c.hidden_size, c.hidden_size));
  value_ = register_module("value", nn::Linear(c.hidden_size, c.hidden_size));
  dropout_ = register_module("dropout", nn::Dropout(c.attention_dropout));
}

torch::Tensor BertSelfAttentionImpl::forward(const torch::Tensor& hidden,
                                             const torch::Tensor& mask) {
  const int64_t n = hidden.size(0);
  const int64_t t = hidden.size(1);
  // [N,T,H] → [N,heads,T,d]
  auto split_heads = [&](const torch::Tensor& x) {
    return x.view({n, t, num_heads_, head_size_}).permute({0, 2, 1, 3});
  };
  auto project = [&](nn::Linear& linear, nn::AnyModule& lora) {
    torch::Tensor y = linear(hidden);
    return lora.is_empty() ? y : y + lora.forward(hidden);
  };
  const torch::Tensor q = split_heads(project(query_, query_lora_));
  const torch::Tensor k = split_heads(project(key_, key_lora_));
  const torch::Tensor v = split_heads(project(value_, value_lora_));
  torch::Tensor scores = torch::matmul(q, k.transpose(-1, -2));  // [N,heads,T,T]
  scores = scores / std::sqrt(static_cast<double>(head_size_));
  if (mask.defined()) scores = scores + mask;
  torch::Tensor probs = dropout_(torch::softmax(scores, -1));
  torch::Tensor context = torch::matmul(probs, v).permute({0, 2, 1, 3}).contiguous();
  return context.view({n, t, num_heads_ * head_size_});
}

void BertSelfAttentionImpl::set_lora(const std::string& target, nn::AnyModule lora) {
  nn::Linear* linear = target == "query"   ? &query_
                       : target == "key"   ? &key_
                       : target == "value" ? &value_
                                           : nullptr;
  nn::AnyModule* slot = target == "query" ? &query_lora_
                        : target == "key" ? &key_lora_
                                          : &value_lora_;
  if (linear == nullptr) {
    throw ConfigError("LoRA target '" + target +
                      "' is not a BERT attention projection (expected query, key or value)");
  }
  if (!slot->is_empty()) throw ConfigError("attention." + target + " already has a LoRA");
  (*linear)->register_module("lora", lora.ptr());
  *slot = std::move(lora);
}

BertResidualOutputImpl::BertResidualOutputImpl(const ModelConfig& c, int64_t in_features) {
  dense_ = register_module("dense", nn::Linear(in_features, c.hidden_size));
  layer_norm_ = register_module("LayerNorm", make_layer_norm(c));
  dropout_ = register_module("dropout", nn::Dropout(c.hidden_dropout));
}

torch::Tensor BertResidualOutputImpl::forward(const torch::Tensor& hidden,
                                              const torch::Tensor& residual) {
  torch::Tensor h = dense_(hidden);
  if (!adapter_.is_empty()) h = adapter_.forward(h);
  h = dropout_(h);
  return layer_norm_(h + residual);
}

void BertResidualOutputImpl::set_adapter(nn::AnyModule adapter) {
  if (!adapter_.is_empty()) throw ConfigError("this output block already has an adapter");
  register_module("adapter", adapter.ptr());
  adapter_ = std::move(adapter);
}

BertAttentionImpl::BertAttentionImpl(const ModelConfig& c) {
  self_ = register_module("self", BertSelfAttention(c));
  output_ = register_module("output", BertResidualOutput(c, c.hidden_size));
}

torch::Tensor BertAttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask) {
  return output_(self_(hidden, mask), hidden);
}

BertIntermediateImpl::BertIntermediateImpl(const ModelConfig& c) : activation_(c.activation) {
  dense_ = register_module("dense", nn::Linear(c.hidden_size, c.intermediate_size));
}

torch::Tensor BertIntermediateImpl::forward(const torch::Tensor& hidden) {
  return apply_activation(activation_, dense_(hidden));
}

BertLayerImpl::BertLayerImpl(const ModelConfig& c) {
  attention_ = register_module("attention", BertAttention(c));
  intermediate_ = register_module("intermediate", BertIntermediate(c));
  output_ = register_module("output", BertResidualOutput(c, c.intermediate_size));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask) {
  const torch::Tensor attention = attention_(hidden, mask);
  return output_(intermediate_(attention), attention);
}

BertEncoderImpl::BertEncoderImpl(const ModelConfig& c) {
  layer_list_ = register_module("layer", nn::ModuleList());
  for (int64_t i = 0; i < c.num_layers; ++i) {
    layers_.emplace_back(c);
    layer_list_->push_back(layers_.back());
  }
}

torch::Tensor BertEncoderImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask) {
  torch::Tensor h = hidden;
  for (auto& layer : layers_) h = layer(h, mask);
  return h;
}

BertPoolerImpl::BertPoolerImpl(const ModelConfig& c) {
  dense_ = register_module("dense", nn::Linear(c.hidden_size, c.hidden_size));
}

torch::Tensor BertPoolerImpl::forward(const torch::Tensor& hidden) {
  return torch::tanh(dense_(hidden.select(1, 0)));
}

BertModelImpl::BertModelImpl(const ModelConfig& c, bool with_pooler) : BackboneImpl(c) {
  TORCH_CHECK(c.arch == Arch::Bert || c.arch == Arch::Roberta, "BertModel needs a bert or ",
              "roberta config, got ", arch_name(c.arch));
  embeddings_ = register_module("embeddings", BertEmbeddings(c));
  encoder_ = register_module("encoder", BertEncoder(c));
  if (with_pooler) pooler_ = register_module("pooler", BertPooler(c));
}

torch::Tensor BertModelImpl::position_ids(const torch::Tensor& input_ids) const {
  const int64_t t = input_ids.size(1);
  if (config_.arch != Arch::Roberta) {
    return torch::arange(t, input_ids.options().dtype(torch::kLong)).unsqueeze(0);  // [1,T]
  }
  // modeling_roberta.create_position_ids_from_input_ids (no past key values).
  const torch::Tensor mask = input_ids.ne(config_.pad_token_id).to(torch::kInt);
  const torch::Tensor incremental = torch::cumsum(mask, 1).type_as(mask) * mask;
  return incremental.to(torch::kLong) + config_.pad_token_id;  // [N,T]
}

BackboneOutput BertModelImpl::forward(const BackboneInput& raw) {
  const BackboneInput in = check_input(raw);
  const torch::Tensor token_types =
      in.token_type_ids.defined() ? in.token_type_ids : torch::zeros_like(in.input_ids);
  const torch::Tensor mask = extended_attention_mask(in.attention_mask);
  torch::Tensor h = embeddings_(in.input_ids, token_types, position_ids(in.input_ids));
  BackboneOutput out;
  out.last_hidden_state = encoder_(h, mask);
  if (pooler_) out.pooled = pooler_(out.last_hidden_state);
  return out;
}

void BertModelImpl::reset_parameters(at::Generator generator) {
  torch::NoGradGuard no_grad;
  for (auto& item : named_parameters()) {
    torch::Tensor& p = item.value();
    if (util::ends_with(item.key(), "LayerNorm.weight")) {
      p.fill_(1.0);
    } else if (util::ends_with(item.key(), ".bias")) {
      p.zero_();
    } else {
      p.normal_(0.0, config_.initializer_range, generator);
    }
  }
  embeddings_->word_embeddings_->weight[config_.pad_token_id].zero_();
  if (config_.arch == Arch::Roberta) {
    embeddings_->position_embeddings_->weight[config_.pad_token_id].zero_();
  }
}

}  // namespace adamix::models
