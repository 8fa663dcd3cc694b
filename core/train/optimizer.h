#pragma once
// AdamW (decoupled weight decay, LibTorch's implementation) over named parameters, with the
// reference's no-decay rule, and its state as plain named tensors for checkpoints.
//
//   auto optimizer = make_adamw(model.trainable(), options);
//   set_learning_rate(*optimizer, schedule.lr(step));
#include <torch/torch.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/train/train_options.h"

namespace adamix::train {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// HF run_glue / the AdaMix reference: no weight decay for names containing "bias" or
// "LayerNorm.weight"; everything else decays by options.weight_decay.
bool decays(const std::string& name);

// options.optimizer picks LibTorch's AdamW or LoraAdamW (below); both keep AdamWParamState, so
// checkpoints and export/import_adam_state serve either.
std::unique_ptr<torch::optim::AdamW> make_adamw(const NamedTensors& params,
                                                const TrainOptions& options);

// microsoft/LoRA examples/NLG/src/optimizer.py AdamW (correct_bias on), which trained the AdaMix
// NLG results: v without bias correction under the square root, eps outside it, step size
// lr·sqrt(1 - b2^t) / (1 - b1^t), then p -= lr·wd·p. amsgrad is not supported.
class LoraAdamW : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;
  torch::Tensor step(LossClosure closure = nullptr) override;
};
void set_learning_rate(torch::optim::AdamW& optimizer, double lr);

// Adam's state of one parameter. step = 0 and undefined moments: never updated yet.
struct AdamState {
  int64_t step = 0;
  torch::Tensor exp_avg;
  torch::Tensor exp_avg_sq;
};

// In the order of `params`; parameters never updated get step 0.
std::vector<std::pair<std::string, AdamState>> export_adam_state(torch::optim::AdamW& optimizer,
                                                                 const NamedTensors& params);
// Puts saved state back (moments copied to each parameter's device). IoError when a name is
// unknown or a shape differs.
void import_adam_state(torch::optim::AdamW& optimizer, const NamedTensors& params,
                       const std::vector<std::pair<std::string, AdamState>>& state);

}  // namespace adamix::train
