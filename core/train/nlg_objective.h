#pragma once
// GPT-2 NLG fine-tuning as an Objective (docs/nlg.md "Training"), the AdaMix NLG reference's loss:
//  - CE on the completion tokens (the encoding's loss mask), label smoothing ε:
//    (1-ε)·(-log p_y) + ε·mean_v(-log p_v), summed over masked positions and divided by
//    sum(mask) + 1e-4 over the whole batch (model.py GPT2LMModel.forward);
//  - with a mixture and λ > 0, a second pass (new routes, new dropout) adds
//    λ · ½ [KL(sg(q) ‖ p) + KL(sg(p) ‖ q)] over the LM distributions at masked positions,
//    batch-mean over those positions (symmetric_KL_loss); smoothing on the first pass only.
// Evaluation (cheap, every evaluation): dev/loss (mean CE per completion token, no smoothing),
// dev/perplexity and dev/accuracy (share of completion tokens predicted right under teacher
// forcing, the main metric). Generation and the NLG metrics run on the final model (the
// reference decodes its last checkpoint): worker/nlg_trial.
//
//   NlgObjective objective(model, train_rows, dev_rows, {8, 0.1, seed});
//   Trainer trainer(objective, train_options);
#include <vector>

#include "core/data/nlg_encoding.h"
#include "core/train/nlg_model.h"
#include "core/train/objective.h"
#include "core/train/train_options.h"

namespace adamix::train {

struct NlgObjectiveOptions {
  int64_t batch_size = 8;  // evaluation batch
  double label_smoothing = 0.0;
  uint64_t seed = 1;  // evaluation routes (random-batch / random-token inference)
  ConsistencyPasses consistency_passes = ConsistencyPasses::Batched;
};

class NlgObjective : public Objective {
 public:
  // Keeps a reference to `model`. InputError when a row set is empty.
  NlgObjective(NlgModel& model, std::vector<data::NlgEncoded> train,
               std::vector<data::NlgEncoded> dev, NlgObjectiveOptions options);

  int64_t train_size() const override { return static_cast<int64_t>(train_.size()); }
  std::vector<int64_t> train_lengths() const override;
  void set_training(bool on) override { model_.train(on); }
  StepLoss loss(const std::vector<int64_t>& rows) override;
  Evaluation evaluate(int64_t index) override;
  std::string main_metric() const override { return "dev/accuracy"; }
  const NamedTensors& trainable() const override { return model_.trainable(); }
  void load_trainable(const NamedTensors& values) override { model_.load_trainable(values); }
  std::vector<std::pair<std::string, at::Generator>> generators() override;

 private:
  NlgModel& model_;
  std::vector<data::NlgEncoded> train_;
  std::vector<data::NlgEncoded> dev_;
  NlgObjectiveOptions options_;
};

// Rows `indices` of `rows` right-padded to the longest as FT_Dataset pads (ids and targets 0,
// mask 0): {input_ids [B,T], targets [B,T], mask [B,T] float}, on `device`.
struct NlgBatch {
  torch::Tensor input_ids;
  torch::Tensor targets;
  torch::Tensor mask;
};
NlgBatch make_nlg_batch(const std::vector<data::NlgEncoded>& rows,
                        const std::vector<int64_t>& indices, torch::Device device);

// The reference's masked, label-smoothed LM loss of logits [B,T,V] (see above), 0-dim.
torch::Tensor nlg_lm_loss(const torch::Tensor& logits, const NlgBatch& batch,
                          double label_smoothing);

}  // namespace adamix::train
