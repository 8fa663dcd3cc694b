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
}

torch::Tensor Gpt2AttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask) {
  const int64_t n = hidden.size(0);
  const int64_t t = hidden.size(1);
  const int64_t h = num_heads_ * head_size_;
  // [N,T,H] → [N,heads,T,d]
  auto split_heads = [&](const torch::Tensor& x) {
    return x.view({n, t, num_heads_, head_size_}).permute({0, 2, 1, 3});
  };
  std::vector<torch::Tensor> qkv = c_attn_(hidden).split(h, 2);
  for (int third = 0; third < 3; ++third) {
    if (!lora_[third].is_empty()) qkv[third] = qkv[third] + lora_[third].forward(hidden);
  }
  const torch::Tensor q = split_heads(qkv[0]);
  const torch::Tensor k = split_heads(qkv[1]);
  const torch::Tensor v = split_heads(qkv[2]);

  torch::Tensor w = torch::matmul(q, k.transpose(-1, -2));  // [N,heads,T,T]
  w = w / torch::full({}, std::pow(static_cast<double>(head_size_), 0.5), w.options());
  const torch::Tensor causal =
      torch::ones({t, t}, w.options().dtype(torch::kBool)).tril().view({1, 1, t, t});
  const torch::Tensor mask_value =
      torch::full({}, std::numeric_limits<float>::lowest(), w.options());
  w = torch::where(causal, w, mask_value);
  if (mask.defined()) w = w + mask;
  w = attn_dropout_(torch::softmax(w, -1));
  torch::Tensor out = torch::matmul(w, v).permute({0, 2, 1, 3}).contiguous().view({n, t, h});
  out = c_proj_(out);
  if (!adapter_.is_empty()) out = adapter_.forward(out);
  return resid_dropout_(out);
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
