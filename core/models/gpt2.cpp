#include "core/models/gpt2.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/util/text.h"

namespace adamix::models {

namespace nn = torch::nn;

Conv1DImpl::Conv1DImpl(int64_t in_features, int64_t out_features) {
  weight_ =
      register_parameter("weight", torch::empty({in_features, out_features}).normal_(0, 0.02));
  bias_ = register_parameter("bias", torch::zeros({out_features}));
}

torch::Tensor Conv1DImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.size(-1) == weight_.size(0), "Conv1D expects last dimension ", weight_.size(0),
              ", got input of shape ", x.sizes());
  std::vector<int64_t> out_shape(x.sizes().begin(), x.sizes().end());
  out_shape.back() = weight_.size(1);
  return torch::addmm(bias_, x.reshape({-1, x.size(-1)}), weight_).view(out_shape);
}

Gpt2AttentionImpl::Gpt2AttentionImpl(const ModelConfig& c)
    : num_heads_(c.num_heads), head_size_(c.head_size()) {
  c_attn_ = register_module("c_attn", Conv1D(c.hidden_size, 3 * c.hidden_size));
  c_proj_ = register_module("c_proj", Conv1D(c.hidden_size, c.hidden_size));
  attn_dropout_ = register_module("attn_dropout", nn::Dropout(c.attention_dropout));
  resid_dropout_ = register_module("resid_dropout", nn::Dropout(c.hidden_dropout));
  lora_dropout_ = register_module("lora_dropout", nn::Dropout(0.0));
}

std::vector<torch::Tensor> Gpt2AttentionImpl::project_qkv(const torch::Tensor& hidden) {
  const int64_t n = hidden.size(0);
  const int64_t t = hidden.size(1);
  const int64_t h = num_heads_ * head_size_;
  std::vector<torch::Tensor> qkv = c_attn_(hidden).split(h, 2);
  bool any_lora = false;
  for (const auto& lora : lora_) any_lora = any_lora || !lora.is_empty();
  if (any_lora) {
    const torch::Tensor lora_input = lora_dropout_(hidden);
    for (int third = 0; third < 3; ++third) {
      if (!lora_[third].is_empty()) qkv[third] = qkv[third] + lora_[third].forward(lora_input);
    }
  }
  // [N,T,H] → [N,heads,T,d]
  for (auto& x : qkv) x = x.view({n, t, num_heads_, head_size_}).permute({0, 2, 1, 3});
  return qkv;
}

torch::Tensor Gpt2AttentionImpl::attend(const torch::Tensor& q, const torch::Tensor& k,
                                        const torch::Tensor& v, const torch::Tensor& allowed,
                                        const torch::Tensor& mask) {
  const int64_t n = q.size(0);
  const int64_t t = q.size(2);
  torch::Tensor w = torch::matmul(q, k.transpose(-1, -2));  // [N,heads,T,K]
  w = w / torch::full({}, std::pow(static_cast<double>(head_size_), 0.5), w.options());
  const torch::Tensor mask_value =
      torch::full({}, std::numeric_limits<float>::lowest(), w.options());
  w = torch::where(allowed, w, mask_value);
  if (mask.defined()) w = w + mask;
  w = attn_dropout_(torch::softmax(w, -1));
  torch::Tensor out =
      torch::matmul(w, v).permute({0, 2, 1, 3}).contiguous().view({n, t, num_heads_ * head_size_});
  out = c_proj_(out);
  if (!adapter_.is_empty()) out = adapter_.forward(out);
  return resid_dropout_(out);
}

torch::Tensor Gpt2AttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask) {
  const std::vector<torch::Tensor> qkv = project_qkv(hidden);
  const int64_t t = hidden.size(1);
  const torch::Tensor causal =
      torch::ones({t, t}, hidden.options().dtype(torch::kBool)).tril().view({1, 1, t, t});
  return attend(qkv[0], qkv[1], qkv[2], causal, mask);
}

torch::Tensor Gpt2AttentionImpl::forward_prefill(const torch::Tensor& hidden, LayerKv& cache) {
  const std::vector<torch::Tensor> qkv = project_qkv(hidden);
  const int64_t t = hidden.size(1);
  using torch::indexing::Slice;
  cache.keys.index_put_({Slice(), Slice(), Slice(0, t)}, qkv[1]);
  cache.values.index_put_({Slice(), Slice(), Slice(0, t)}, qkv[2]);
  // Right padding: a real position never sees a later one, so no padding mask is needed.
  const torch::Tensor causal =
      torch::ones({t, t}, hidden.options().dtype(torch::kBool)).tril().view({1, 1, t, t});
  return attend(qkv[0], qkv[1], qkv[2], causal, {});
}

torch::Tensor Gpt2AttentionImpl::forward_step(const torch::Tensor& hidden, LayerKv& cache,
                                              const torch::Tensor& lengths) {
  TORCH_CHECK(hidden.dim() == 3 && hidden.size(1) == 1, "forward_step expects [N,1,H], got ",
              hidden.sizes());
  const std::vector<torch::Tensor> qkv = project_qkv(hidden);
  using torch::indexing::Slice;
  const torch::Tensor rows = torch::arange(hidden.size(0), lengths.options());
  // The reference's past_key[_batch, :, len_past, :] = key: row i writes at lengths[i].
  cache.keys.index_put_({rows, Slice(), lengths}, qkv[1].squeeze(2));
  cache.values.index_put_({rows, Slice(), lengths}, qkv[2].squeeze(2));
  const int64_t visible = lengths.max().item<int64_t>() + 1;
  const torch::Tensor keys = cache.keys.slice(2, 0, visible);
  const torch::Tensor values = cache.values.slice(2, 0, visible);
  // Row i sees its positions 0..lengths[i] (the reference's len_kv = len_past + 1).
  const torch::Tensor allowed =
      (torch::arange(visible, lengths.options()).unsqueeze(0) <= lengths.unsqueeze(1))
          .view({hidden.size(0), 1, 1, visible});
  return attend(qkv[0], keys, values, allowed, {});
}

void Gpt2AttentionImpl::set_lora(char third, nn::AnyModule lora) {
  const std::string thirds = "qkv";
  const size_t index = thirds.find(third);
  if (index == std::string::npos) {
    throw ConfigError(std::string("GPT-2 c_attn has no third '") + third +
                      "' (expected q, k or v)");
  }
  if (!lora_[index].is_empty()) {
    throw ConfigError(std::string("c_attn.lora_") + third + " is already set");
  }
  c_attn_->register_module(std::string("lora_") + third, lora.ptr());
  lora_[index] = std::move(lora);
}

void Gpt2AttentionImpl::set_lora_dropout(double p) {
  if (p < 0 || p >= 1) {
    throw ConfigError("LoRA dropout must be in [0, 1), got " + std::to_string(p));
  }
  lora_dropout_->options.p(p);
}

void Gpt2AttentionImpl::set_adapter(nn::AnyModule adapter) {
  if (!adapter_.is_empty()) throw ConfigError("this attention block already has an adapter");
  register_module("adapter", adapter.ptr());
  adapter_ = std::move(adapter);
}

Gpt2MlpImpl::Gpt2MlpImpl(const ModelConfig& c) : activation_(c.activation) {
  c_fc_ = register_module("c_fc", Conv1D(c.hidden_size, c.intermediate_size));
  c_proj_ = register_module("c_proj", Conv1D(c.intermediate_size, c.hidden_size));
  dropout_ = register_module("dropout", nn::Dropout(c.hidden_dropout));
}

torch::Tensor Gpt2MlpImpl::forward(const torch::Tensor& hidden) {
  torch::Tensor out = c_proj_(apply_activation(activation_, c_fc_(hidden)));
  if (!adapter_.is_empty()) out = adapter_.forward(out);
  return dropout_(out);
}

void Gpt2MlpImpl::set_adapter(nn::AnyModule adapter) {
  if (!adapter_.is_empty()) throw ConfigError("this MLP block already has an adapter");
  register_module("adapter", adapter.ptr());
  adapter_ = std::move(adapter);
}

Gpt2BlockImpl::Gpt2BlockImpl(const ModelConfig& c) {
  ln_1_ = register_module("ln_1", make_layer_norm(c));
  attn_ = register_module("attn", Gpt2Attention(c));
  ln_2_ = register_module("ln_2", make_layer_norm(c));
  mlp_ = register_module("mlp", Gpt2Mlp(c));
}

torch::Tensor Gpt2BlockImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask) {
  torch::Tensor h = attn_(ln_1_(hidden), mask) + hidden;
  return h + mlp_(ln_2_(h));
}

torch::Tensor Gpt2BlockImpl::forward_prefill(const torch::Tensor& hidden, LayerKv& cache) {
  torch::Tensor h = attn_->forward_prefill(ln_1_(hidden), cache) + hidden;
  return h + mlp_(ln_2_(h));
}

torch::Tensor Gpt2BlockImpl::forward_step(const torch::Tensor& hidden, LayerKv& cache,
                                          const torch::Tensor& lengths) {
  torch::Tensor h = attn_->forward_step(ln_1_(hidden), cache, lengths) + hidden;
  return h + mlp_(ln_2_(h));
}

Gpt2ModelImpl::Gpt2ModelImpl(const ModelConfig& c) : BackboneImpl(c) {
  TORCH_CHECK(c.arch == Arch::Gpt2, "Gpt2Model needs a gpt2 config, got ", arch_name(c.arch));
  wte_ = register_module("wte", nn::Embedding(c.vocab_size, c.hidden_size));
  wpe_ = register_module("wpe", nn::Embedding(c.max_positions, c.hidden_size));
  drop_ = register_module("drop", nn::Dropout(c.embedding_dropout));
  block_list_ = register_module("h", nn::ModuleList());
  for (int64_t i = 0; i < c.num_layers; ++i) {
    blocks_.emplace_back(c);
    block_list_->push_back(blocks_.back());
  }
  ln_f_ = register_module("ln_f", make_layer_norm(c));
}

torch::Tensor Gpt2ModelImpl::lm_logits(const torch::Tensor& hidden) {
  return torch::linear(hidden, wte_->weight);
}

BackboneOutput Gpt2ModelImpl::forward(const BackboneInput& raw) {
  const BackboneInput in = check_input(raw);
  const int64_t t = in.input_ids.size(1);
  // Right-padded input: positions 0..T-1 for every row, as GPT2Model without past key values.
  const torch::Tensor positions =
      torch::arange(t, in.input_ids.options().dtype(torch::kLong)).unsqueeze(0);
  const torch::Tensor mask = extended_attention_mask(in.attention_mask);
  torch::Tensor h = wte_(in.input_ids) + wpe_(positions);
  if (in.token_type_ids.defined()) h = h + wte_(in.token_type_ids);
  h = drop_(h);
  for (auto& block : blocks_) h = block(h, mask);
  BackboneOutput out;
  out.last_hidden_state = ln_f_(h);
  if (in.return_logits) out.logits = lm_logits(out.last_hidden_state);
  return out;
}

torch::Tensor Gpt2ModelImpl::prefill(const torch::Tensor& raw_ids, const torch::Tensor& raw_lengths,
                                     int64_t capacity, Gpt2KvCache& cache) {
  const BackboneInput in = check_input({raw_ids, {}, {}, false});
  const torch::Tensor& ids = in.input_ids;
  const int64_t n = ids.size(0);
  const int64_t t = ids.size(1);
  const torch::Tensor lengths = raw_lengths.to(ids.device(), torch::kLong);
  if (lengths.dim() != 1 || lengths.size(0) != n) {
    throw InputError("prefill: lengths must be [" + std::to_string(n) + "]");
  }
  if (n > 0 && (lengths.min().item<int64_t>() < 1 || lengths.max().item<int64_t>() > t)) {
    throw InputError("prefill: every prompt length must be in [1, " + std::to_string(t) + "]");
  }
  if (capacity < t || capacity > config_.max_positions) {
    throw InputError("prefill: cache capacity " + std::to_string(capacity) + " must be in [" +
                     std::to_string(t) + ", " + std::to_string(config_.max_positions) + "]");
  }
  const int64_t heads = config_.num_heads;
  const auto options = wte_->weight.options();
  cache.layers.clear();
  for (size_t i = 0; i < blocks_.size(); ++i) {
    cache.layers.push_back({torch::zeros({n, heads, capacity, config_.head_size()}, options),
                            torch::zeros({n, heads, capacity, config_.head_size()}, options)});
  }
  cache.capacity = capacity;
  const torch::Tensor positions = torch::arange(t, ids.options()).unsqueeze(0);
  torch::Tensor h = drop_(wte_(ids) + wpe_(positions));
  for (size_t i = 0; i < blocks_.size(); ++i) h = blocks_[i]->forward_prefill(h, cache.layers[i]);
  h = ln_f_(h);
  cache.lengths = lengths.clone();
  // [N,T,H] → the last real position of each row [N,H]
  return h.index({torch::arange(n, ids.options()), lengths - 1});
}

torch::Tensor Gpt2ModelImpl::step(const torch::Tensor& raw_ids, Gpt2KvCache& cache) {
  const torch::Tensor ids = raw_ids.to(wte_->weight.device(), torch::kLong).view({-1, 1});
  if (!cache.lengths.defined() || ids.size(0) != cache.lengths.size(0)) {
    throw InputError("step: one id per cached row expected");
  }
  if (ids.size(0) > 0 && cache.lengths.max().item<int64_t>() >= cache.capacity) {
    throw InputError("step: the cache holds " + std::to_string(cache.capacity) +
                     " positions, all used");
  }
  torch::Tensor h = drop_(wte_(ids) + wpe_(cache.lengths.view({-1, 1})));
  for (size_t i = 0; i < blocks_.size(); ++i) {
    h = blocks_[i]->forward_step(h, cache.layers[i], cache.lengths);
  }
  cache.lengths = cache.lengths + 1;
  return ln_f_(h).squeeze(1);
}

void Gpt2KvCache::reorder(const torch::Tensor& raw_rows) {
  const torch::Tensor rows = raw_rows.to(lengths.device(), torch::kLong);
  for (auto& layer : layers) {
    layer.keys = layer.keys.index_select(0, rows);
    layer.values = layer.values.index_select(0, rows);
  }
  lengths = lengths.index_select(0, rows);
}

void Gpt2ModelImpl::reset_parameters(at::Generator generator) {
  torch::NoGradGuard no_grad;
  // GPT2PreTrainedModel._init_weights, including the scaled init of every c_proj weight.
  const double proj_std =
      config_.initializer_range / std::sqrt(2.0 * static_cast<double>(config_.num_layers));
  for (auto& item : named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor& p = item.value();
    if (util::ends_with(name, "ln_1.weight") || util::ends_with(name, "ln_2.weight") ||
        util::ends_with(name, "ln_f.weight")) {
      p.fill_(1.0);
    } else if (util::ends_with(name, ".bias")) {
      p.zero_();
    } else if (util::ends_with(name, "c_proj.weight")) {
      p.normal_(0.0, proj_std, generator);
    } else {
      p.normal_(0.0, config_.initializer_range, generator);
    }
  }
}

}  // namespace adamix::models
