#pragma once
// Sequence classification / regression heads, computed as Hugging Face's classes do:
//  - BERT (BertForSequenceClassification): dropout → classifier on the pooler output
//    (tanh(dense(h[:,0]))). The pooler is the backbone's, frozen with it; a checkpoint without
//    one gets a fresh trainable pooler inside the head (`head.pooler.dense`), as HF would.
//  - RoBERTa (RobertaClassificationHead): dropout → dense → tanh → dropout → out_proj on <s>.
//  - GPT-2 (GPT2ForSequenceClassification): score (no bias) on each row's last real token.
// Registered under "head" in a task model, so parameters are `head.classifier.weight`, ...
//
//   auto head = make_head(config, /*num_labels=*/3);
//   torch::Tensor logits = head->forward(backbone_out, attention_mask);  // [N, C]
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>

#include "core/models/backbone.h"

namespace adamix::models {

class HeadImpl : public torch::nn::Module {
 public:
  // out: the backbone's output; attention_mask [N,T] (GPT-2 finds each row's last token).
  virtual torch::Tensor forward(const BackboneOutput& out, const torch::Tensor& attention_mask) = 0;
  // HF _init_weights: normal(0, initializer_range), zero biases; only `generator` is drawn from.
  virtual void reset_parameters(at::Generator generator) = 0;
  // The head's parameters under the Hugging Face names of the *ForSequenceClassification class
  // (e.g. "classifier.weight", "classifier.dense.weight", "score.weight").
  virtual std::map<std::string, torch::Tensor> hf_state_dict() const = 0;
  int64_t num_labels() const { return num_labels_; }

 protected:
  int64_t num_labels_ = 0;
};

// num_labels = 1 makes a regression head (STS-B). `backbone_has_pooler` is false for BERT
// checkpoints without pooler weights.
std::shared_ptr<HeadImpl> make_head(const ModelConfig& config, int64_t num_labels,
                                    bool backbone_has_pooler = true);

}  // namespace adamix::models
