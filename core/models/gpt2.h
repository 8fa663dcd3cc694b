#pragma once
// GPT-2, module for module as transformers' modeling_gpt2.py (eager attention, float32).
// Registered names are GPT2Model's state-dict keys: wte.weight, h.0.attn.c_attn.weight, ...
// Linear layers are HF Conv1D: weight stored [in, out], y = x W + b. The LM head is tied to wte.
//
//   Gpt2Model gpt2(config);
//   auto out = gpt2->forward({ids, mask});  // out.logits [N,T,V]
#include <torch/torch.h>

#include <vector>

#include "core/models/backbone.h"

namespace adamix::models {

// Keys and values of one attention layer for incremental decoding: [N, heads, capacity, d].
struct LayerKv {
  torch::Tensor keys;
  torch::Tensor values;
};

// Every layer's keys and values plus how many positions each row holds.
struct Gpt2KvCache {
  std::vector<LayerKv> layers;
  torch::Tensor lengths;  // [N] int64 on the model's device
  int64_t capacity = 0;
  // Row k becomes old row rows[k] (beam search's reordering); rows [N] int64.
  void reorder(const torch::Tensor& rows);
};

// transformers.pytorch_utils.Conv1D: weight [in, out], bias [out].
class Conv1DImpl : public torch::nn::Module {
 public:
  Conv1DImpl(int64_t in_features, int64_t out_features);
  torch::Tensor forward(const torch::Tensor& x);  // [..., in] → [..., out]

  torch::Tensor weight_;  // "weight" [in, out]
  torch::Tensor bias_;    // "bias" [out]
};
TORCH_MODULE(Conv1D);

// Causal self-attention: c_attn (fused q, k, v thirds) → heads → c_proj. PEFT seams: set_lora
// registers a LoRA on one third of c_attn (children c_attn.lora_q / lora_k / lora_v) whose
// output is added to that third; set_adapter registers "adapter" that runs after c_proj, before
// dropout and the residual add (likewise in Gpt2Mlp after its c_proj).
class Gpt2AttentionImpl : public torch::nn::Module {
 public:
  explicit Gpt2AttentionImpl(const ModelConfig& config);
  // hidden [N,T,H], mask [N,1,1,T] additive or undefined → [N,T,H]
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask);
  // Prefill of incremental decoding: forward() over right-padded prompts that also stores this
  // layer's keys and values in cache[:, :, :T] (positions past a row's length hold padding,
  // overwritten by later steps).
  torch::Tensor forward_prefill(const torch::Tensor& hidden, LayerKv& cache);
  // One new token per row: hidden [N,1,H] at position lengths[i] (its key and value are written
  // there); attends to positions <= lengths[i] of the row → [N,1,H].
  torch::Tensor forward_step(const torch::Tensor& hidden, LayerKv& cache,
                             const torch::Tensor& lengths);
  // third: 'q' | 'k' | 'v'; `lora` maps [N,T,H] → the update of that third [N,T,H].
  // ConfigError for another third or one that already has a LoRA.
  void set_lora(char third, torch::nn::AnyModule lora);
  // The probability of the LoRA input dropout (0 by default; NLG recipes 0.1).
  void set_lora_dropout(double p);
  // `adapter` maps [N,T,H] → [N,T,H] (residual included). ConfigError if one is already set.
  void set_adapter(torch::nn::AnyModule adapter);

  int64_t num_heads_;
  int64_t head_size_;
  Conv1D c_attn_{nullptr};  // [H, 3H]: columns [0,H) query, [H,2H) key, [2H,3H) value
  Conv1D c_proj_{nullptr};
  torch::nn::Dropout attn_dropout_{nullptr};
  torch::nn::Dropout resid_dropout_{nullptr};
  torch::nn::AnyModule lora_[3];  // q, k, v thirds; empty = no LoRA
  // loralib's MergedLinear: one dropout on the input of the LoRA thirds (q and v share one
  // mask); "lora_dropout", p = 0 unless set_lora_dropout.
  torch::nn::Dropout lora_dropout_{nullptr};
  torch::nn::AnyModule adapter_;  // empty = no adapter

 private:
  // c_attn (+ LoRA updates) split into [N,heads,T,d] query, key and value.
  std::vector<torch::Tensor> project_qkv(const torch::Tensor& hidden);
  // softmax(q k^T / sqrt(d) where allowed, + mask) v, heads merged, c_proj, adapter, dropout.
  // allowed [1|N,1,T,K] bool; mask [N,1,1,K] additive or undefined.
  torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                       const torch::Tensor& allowed, const torch::Tensor& mask);
};
TORCH_MODULE(Gpt2Attention);

class Gpt2MlpImpl : public torch::nn::Module {
 public:
  explicit Gpt2MlpImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& hidden);  // [N,T,H] → [N,T,H]
  // An adapter after c_proj, before dropout; as Gpt2AttentionImpl::set_adapter.
  void set_adapter(torch::nn::AnyModule adapter);

  Activation activation_;
  Conv1D c_fc_{nullptr};
  Conv1D c_proj_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::AnyModule adapter_;  // empty = no adapter
};
TORCH_MODULE(Gpt2Mlp);

// Pre-LN block: h + attn(ln_1(h)), then h + mlp(ln_2(h)).
class Gpt2BlockImpl : public torch::nn::Module {
 public:
  explicit Gpt2BlockImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask);
  torch::Tensor forward_prefill(const torch::Tensor& hidden, LayerKv& cache);
  torch::Tensor forward_step(const torch::Tensor& hidden, LayerKv& cache,
                             const torch::Tensor& lengths);

  torch::nn::LayerNorm ln_1_{nullptr};
  Gpt2Attention attn_{nullptr};
  torch::nn::LayerNorm ln_2_{nullptr};
  Gpt2Mlp mlp_{nullptr};
};
TORCH_MODULE(Gpt2Block);

class Gpt2ModelImpl : public BackboneImpl {
 public:
  explicit Gpt2ModelImpl(const ModelConfig& config);
  BackboneOutput forward(const BackboneInput& input) override;
  void reset_parameters(at::Generator generator) override;

  // The tied LM head: hidden [N,T,H] → logits [N,T,V] = hidden wte^T.
  torch::Tensor lm_logits(const torch::Tensor& hidden);

  // Incremental decoding (the reference's `past` / `len_past`): prompts ids [N,T] right-padded,
  // lengths [N] (>= 1, <= T); makes `cache` with room for `capacity` >= T positions and returns
  // the final hidden state [N,H] at each prompt's last token. Equal to forward() there.
  torch::Tensor prefill(const torch::Tensor& ids, const torch::Tensor& lengths, int64_t capacity,
                        Gpt2KvCache& cache);
  // Appends one token per row (ids [N]) at position cache.lengths, returns its final hidden
  // state [N,H] and advances the lengths. InputError when a row's cache is full.
  torch::Tensor step(const torch::Tensor& ids, Gpt2KvCache& cache);

  torch::nn::Embedding wte_{nullptr};
  torch::nn::Embedding wpe_{nullptr};
  torch::nn::Dropout drop_{nullptr};
  torch::nn::ModuleList block_list_{nullptr};  // registered as "h"
  std::vector<Gpt2Block> blocks_;              // the same modules, typed
  torch::nn::LayerNorm ln_f_{nullptr};
};
TORCH_MODULE(Gpt2Model);

}  // namespace adamix::models
