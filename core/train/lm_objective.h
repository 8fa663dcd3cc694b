#pragma once
// Language-model pretraining as an Objective (objective.h), full-parameter:
//  - masked LM (BERT, RoBERTa; transformers' DataCollatorForLanguageModeling): each epoch draws
//    new masks (dynamic masking) from the "masking" generator, 15% of tokens by default, 80/10/10,
//    optionally whole words (lm_masking.h); loss = mean CE over the masked positions;
//  - causal LM (GPT-2): every position predicts the next token.
// Evaluation on the held-out blocks: dev/loss (mean CE per predicted token), dev/perplexity
// (exp of it) and dev/accuracy (share of predicted tokens right, the main metric). Dev masks are
// drawn from a fixed seed, the same at every evaluation, so the curve compares like with like.
//
//   LmObjective objective(model, train_blocks, dev_blocks, lm_options, device);
//   Trainer trainer(objective, train_options);
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/models/language_model.h"
#include "core/train/lm_task.h"
#include "core/train/objective.h"

namespace adamix::train {

struct LmObjectiveOptions {
  LmTask task = LmTask::Masked;
  double mlm_probability = 0.15;
  bool whole_word_mask = false;
  int64_t mask_token_id = -1;        // masked LM: [MASK] / <mask>
  std::vector<int64_t> special_ids;  // never masked: [CLS], [SEP], [PAD], <s>, </s>, ...
  torch::Tensor continuation;        // whole words: [V] bool from continuation_pieces
  int64_t batch_size = 32;           // evaluation batch size
  uint64_t seed = 1;                 // seeds the masking generator
};

class LmObjective : public Objective {
 public:
  // blocks: [B,T] int64 token ids (group_texts). ConfigError when a masked-LM option is
  // missing or out of range; InputError when a block set is empty or wider than the model.
  LmObjective(models::LanguageModel model, torch::Tensor train_blocks, torch::Tensor dev_blocks,
              LmObjectiveOptions options, torch::Device device);

  int64_t train_size() const override { return train_blocks_.size(0); }
  void set_training(bool on) override { model_->train(on); }
  StepLoss loss(const std::vector<int64_t>& rows) override;
  Evaluation evaluate(int64_t index) override;
  std::string main_metric() const override { return "dev/accuracy"; }
  const NamedTensors& trainable() const override { return trainable_; }
  void load_trainable(const NamedTensors& values) override;
  std::vector<std::pair<std::string, at::Generator>> generators() override;

 private:
  // Inputs and labels of `ids` ([N,T] on the CPU): masked for MLM, the ids themselves for CLM.
  std::pair<torch::Tensor, torch::Tensor> inputs_and_labels(const torch::Tensor& ids,
                                                            torch::Generator& generator) const;
  // Logits [M,V] of the M predicted positions of `ids` and their targets [M], on the device.
  std::pair<torch::Tensor, torch::Tensor> predictions(const torch::Tensor& ids,
                                                      torch::Generator& generator);

  models::LanguageModel model_;
  torch::Tensor train_blocks_;
  torch::Tensor dev_blocks_;
  LmObjectiveOptions options_;
  torch::Device device_;
  NamedTensors trainable_;
  at::Generator masking_;
};

}  // namespace adamix::train
