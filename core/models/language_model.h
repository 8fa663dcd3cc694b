#pragma once
// A backbone with its language-model head, under the names transformers saves:
//  BERT    BertForMaskedLM     bert.*        + cls.predictions.{transform.*,bias}
//  RoBERTa RobertaForMaskedLM  roberta.*     + lm_head.{dense,layer_norm,bias}
//  GPT-2   GPT2LMHeadModel     transformer.* (lm_head tied to wte, not stored)
// Like transformers' *ForMaskedLM, the backbone has no pooler (no LM loss would train it): a
// classification trial on the saved model gets a fresh trainable pooler in its head, as HF's.
//
//   LanguageModel lm(create_backbone(config, /*with_pooler=*/false));
//   lm->reset_parameters(at::detail::createCPUGenerator(seed));
//   torch::Tensor logits = lm->forward(ids);  // [N,T,V]
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/models/backbone.h"
#include "core/models/lm_heads.h"

namespace adamix::models {

using NamedWeights = std::vector<std::pair<std::string, torch::Tensor>>;

class LanguageModelImpl : public torch::nn::Module {
 public:
  // ConfigError when `backbone` has a pooler.
  explicit LanguageModelImpl(std::shared_ptr<BackboneImpl> backbone);

  // ids [N,T], attention_mask [N,T] or undefined (all tokens) → logits [N,T,V]. With
  // `selected` ([N,T] bool, BERT/RoBERTa only) the head runs on those positions alone → [M,V]
  // in row-major order: masked LM needs logits only where tokens were masked (~15%).
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {},
                        const torch::Tensor& selected = {});
  // transformers' _init_weights for the backbone, then the head, from `generator` alone.
  void reset_parameters(at::Generator generator);
  // Every weight under its transformers name, in module order (the tensors themselves): what
  // pretraining trains and save_pretrained stores.
  NamedWeights hf_weights() const;
  // Copies weights saved by transformers or save_pretrained: the backbone's (with or without
  // the prefix; IoError on a missing or misshapen one, see load_weights) and the LM head's when
  // the file has them. Returns false when the file holds no head (it keeps its values then)
  // and for GPT-2, whose head is the tied word embeddings; IoError when it holds part of one.
  bool load_hf_weights(const std::map<std::string, torch::Tensor>& weights,
                       const std::string& source);

  BackboneImpl& backbone() { return *backbone_; }
  const ModelConfig& config() const { return backbone_->config(); }

 private:
  std::shared_ptr<BackboneImpl> backbone_;
  MlmHead head_{nullptr};  // BERT / RoBERTa only
};
TORCH_MODULE(LanguageModel);

}  // namespace adamix::models
