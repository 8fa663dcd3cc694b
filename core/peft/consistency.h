#pragma once
// AdaMix consistency regularisation and ensemble averaging (docs/method.md "Mixture", "Inference
// modes"). Trainer: loss = CE(z1, y) + lambda · consistency_loss(z1, z2), z1 and z2 the logits
// of two passes of one batch through different routes.
//
//   torch::Tensor reg = consistency_loss(z1, z2);  // z [B,C] → 0-dim
//   torch::Tensor log_p = ensemble_log_probs(run_expert_paths(*peft.context, options, forward));
#include <torch/torch.h>

#include <functional>
#include <utility>
#include <vector>

#include "core/peft/peft_model.h"
#include "core/peft/peft_options.h"

namespace adamix::peft {

// ½ [KL(softmax(z2) ‖ softmax(z1)) + KL(softmax(z1) ‖ softmax(z2))], each KL with its target
// (the first argument) detached, as the reference's F.kl_div(log_softmax(input),
// softmax(target.detach())). Logits [..., C] are flattened to [B', C] rows and the sum is
// divided by B' ("batchmean"; for [B,C] exactly F.kl_div's batchmean). Computed in float32 (or
// float64 for double inputs). 0-dim.
torch::Tensor consistency_loss(const torch::Tensor& z1, const torch::Tensor& z2);

// Whether `method` trains with the second pass: lambda > 0 on an adapter / LoRA method.
bool uses_consistency(const PeftOptions& method);

// Whether a training step runs its two consistency passes as one forward (paired_forward): the
// term is on (uses_consistency), the config asks for batched passes, and the routing is random
// or fixed. Learned-top1 keeps two passes: its gates' load-balancing term is defined per pass.
bool pairs_consistency_passes(const PeftHandle& peft, bool batched);

// Both consistency passes as one forward: `forward` must run the batch stacked twice (its rows,
// then the same rows again) while each mixture call gets the two passes' routes
// (RoutingContext::begin_paired_forward over peft's adapters and LoRA modules); returns its
// output split along dim 0 into the first pass's rows and the second's.
std::pair<torch::Tensor, torch::Tensor> paired_forward(
    const PeftHandle& peft, const std::function<torch::Tensor()>& forward);

// The regression (single-logit) variant, where the KL of a one-class softmax vanishes:
// ½ [mean((y1 - sg(y2))²) + mean((y2 - sg(y1))²)], whose value is the batch mean of the squared
// difference of the two predictions; each pass is pulled toward the other's stop-gradient like
// the KL form. Predictions of any equal shape, e.g. [B] or [B,1]. 0-dim.
torch::Tensor consistency_loss_regression(const torch::Tensor& y1, const torch::Tensor& y2);

// Classification ensemble over expert paths: log( (1/K) Σ_k softmax(z_k) ), each z_k [..., C]
// of one shape; result [..., C] (a log-probability: its exp sums to 1 over C).
torch::Tensor ensemble_log_probs(const std::vector<torch::Tensor>& path_logits);

// Regression ensemble: the mean prediction over paths, each of one shape.
torch::Tensor ensemble_mean(const std::vector<torch::Tensor>& path_predictions);

}  // namespace adamix::peft
