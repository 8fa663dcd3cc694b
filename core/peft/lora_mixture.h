#pragma once
// AdaMix mixture of LoRA updates (docs/method.md "Modules", "Mixture"): the wrapped linear computes
// W x + forward(x) with forward(x) = (alpha / r) · B_j A_i x, experts stacked along a leading
// dimension and picked by index. Registered as child "lora" of the wrapped linear P:
// P.lora.A [Ma,r,in], P.lora.B [Mb,out,r] and, with learned-top1 routing, P.lora.gate.weight
// [M,in]. GPT-2's fused c_attn carries one per third: c_attn.lora_q / lora_k / lora_v.
//
//   LoraMixture lora(LoraMixtureOptions{768, 768, 8, 16.0, 4, 1}, context);
//   torch::Tensor q = query(x) + lora(x);  // x [N,T,768]
#include <torch/torch.h>

#include <memory>

#include "core/peft/peft_options.h"
#include "core/peft/routing.h"

namespace adamix::peft {

struct LoraMixtureOptions {
  int64_t in_features = 768;
  int64_t out_features = 768;
  int64_t rank = 8;     // r
  double alpha = 16.0;  // scale = alpha / r
  int64_t a_experts = 4;
  int64_t b_experts = 1;
  ExpertInit init = ExpertInit::Independent;
};

// One LoRA of a `in` → `out` linear under `method` (share up → B shared, down → A shared).
LoraMixtureOptions lora_options(const PeftOptions& method, int64_t in, int64_t out);

class LoraMixtureImpl : public torch::nn::Module {
 public:
  // The gate exists iff context->routing() is learned-top1 (over max(Ma, Mb) experts).
  LoraMixtureImpl(const LoraMixtureOptions& options, std::shared_ptr<RoutingContext> context);

  // x [..., in] → the update [..., out] (without W x); the route comes from the context.
  torch::Tensor forward(const torch::Tensor& x);
  // A: Kaiming-uniform as nn.Linear / loralib (a = sqrt(5): U(-1/sqrt(in), 1/sqrt(in))),
  // drawn once and copied to every expert when init is identical; B: zeros; gate N(0, 0.02).
  void reset_parameters();

  double scale() const { return options_.alpha / static_cast<double>(options_.rank); }
  // Parameters left after merging: A and B with one expert each, no gate.
  int64_t merged_parameter_count() const;
  const Route& last_route() const { return last_route_; }

  LoraMixtureOptions options_;
  torch::Tensor a_;                  // "A" [Ma, r, in]
  torch::Tensor b_;                  // "B" [Mb, out, r]
  torch::nn::Linear gate_{nullptr};  // "gate": in → M, no bias; learned-top1 only

 private:
  torch::Tensor route_and_run(const torch::Tensor& x);

  std::shared_ptr<RoutingContext> context_;
  Route last_route_;
  MergedExperts merged_;
};
TORCH_MODULE(LoraMixture);

}  // namespace adamix::peft
