#pragma once
// Language-model heads and losses for pretraining, computed as transformers does:
//  - BERT (BertOnlyMLMHead): dense → hidden_act → LayerNorm → decoder (tied) + bias, with the
//    parameters cls.predictions.transform.{dense,LayerNorm}.* and cls.predictions.bias.
//  - RoBERTa (RobertaLMHead): dense → gelu → layer_norm → decoder (tied) + bias, with the
//    parameters lm_head.{dense,layer_norm}.* and lm_head.bias.
//  - GPT-2 (GPT2LMHeadModel): Gpt2ModelImpl::lm_logits already ties its head to wte.
// The decoder weight is the backbone's word-embedding table itself (not a parameter of the head),
// so a saved head has exactly the keys HF writes (HF drops the tied decoder.weight/decoder.bias).
//
//   MlmHead head(config, tied_word_embeddings(*backbone));
//   auto loss = mlm_loss(head(backbone->forward({ids, mask}).last_hidden_state), labels);
#include <torch/torch.h>

#include <map>
#include <string>

#include "core/models/backbone.h"

namespace adamix::models {

// Label value that the LM losses skip (PyTorch's and HF's ignore_index).
inline constexpr int64_t kIgnoreIndex = -100;

// The backbone's [V,H] word-embedding parameter (BERT/RoBERTa embeddings.word_embeddings.weight,
// GPT-2 wte.weight), the tensor itself, so writes and gradients reach the backbone.
torch::Tensor tied_word_embeddings(BackboneImpl& backbone);

class MlmHeadImpl : public torch::nn::Module {
 public:
  // config: a bert or roberta config (ConfigError otherwise); word_embeddings: [V,H], kept as
  // the decoder weight and not registered here.
  MlmHeadImpl(const ModelConfig& config, torch::Tensor word_embeddings);
  // hidden [N,T,H] (or [M,H]) → logits [N,T,V] (or [M,V])
  torch::Tensor forward(const torch::Tensor& hidden);
  // HF _init_weights: normal(0, initializer_range) dense weight, zero biases, LayerNorm 1/0.
  void reset_parameters(at::Generator generator);
  // The head's parameters under their HF names (= named_parameters(), e.g. "cls.predictions.bias").
  std::map<std::string, torch::Tensor> hf_state_dict() const;

  Arch arch_;
  Activation activation_;
  double range_;
  torch::Tensor word_embeddings_;  // [V,H] tied decoder weight, owned by the backbone
  torch::nn::Linear dense_{nullptr};
  torch::nn::LayerNorm layer_norm_{nullptr};
  torch::Tensor bias_;  // [V] decoder bias
};
TORCH_MODULE(MlmHead);

// BertForMaskedLM's loss: mean cross-entropy over positions whose label != -100.
// logits [N,T,V] float, labels [N,T] integer; InputError on other shapes. No labelled
// position → 0 (connected to the graph), where HF would return NaN.
torch::Tensor mlm_loss(const torch::Tensor& logits, const torch::Tensor& labels);

// GPT2LMHeadModel's loss: logits[:, :-1] predict labels[:, 1:]; labels == -100 and, when
// `attention_mask` [N,T] is given, padding positions (mask 0) are skipped. Labels are usually
// the input ids. Same shapes, errors and empty case as mlm_loss.
torch::Tensor causal_lm_loss(const torch::Tensor& logits, const torch::Tensor& labels,
                             const torch::Tensor& attention_mask = {});

}  // namespace adamix::models
