#pragma once
// AdaMix mixture of Houlsby bottleneck adapters (docs/method.md "Modules", "Mixture"):
// y = x + Up_j(GELU(Down_i(x))), experts stacked along a leading dimension and picked by index.
// Registered as child "adapter" of its host, so a host at path P holds
// P.adapter.down.weight [Md,r,d], P.adapter.down.bias [Md,r], P.adapter.up.weight [Mu,d,r],
// P.adapter.up.bias [Mu,d] and, with learned-top1 routing, P.adapter.gate.weight [M,d].
//
//   AdapterMixture adapter(AdapterMixtureOptions{768, 16, 4, 1}, context);
//   torch::Tensor y = adapter(x);  // x, y [N,T,768]
#include <torch/torch.h>

#include <memory>

#include "core/peft/peft_options.h"
#include "core/peft/routing.h"

namespace adamix::peft {

// M stacked linear experts: "weight" [M,out,in], "bias" [M,out] (or none).
class ExpertLinearImpl : public torch::nn::Module {
 public:
  ExpertLinearImpl(int64_t experts, int64_t in_features, int64_t out_features, bool bias = true);
  torch::Tensor weight_;
  torch::Tensor bias_;  // undefined without bias
};
TORCH_MODULE(ExpertLinear);

struct AdapterMixtureOptions {
  int64_t hidden = 768;     // d
  int64_t bottleneck = 16;  // r
  int64_t down_experts = 4;
  int64_t up_experts = 1;
  ExpertInit init = ExpertInit::Independent;
  double init_std = 0.02;  // weights N(0, init_std), biases zero (reference GLUE)
};

// The options of one adapter of `hidden` width under `method` (experts per side from sharing).
AdapterMixtureOptions adapter_options(const PeftOptions& method, int64_t hidden);

class AdapterMixtureImpl : public torch::nn::Module {
 public:
  // The gate exists iff context->routing() is learned-top1 (over max(Md, Mu) experts).
  AdapterMixtureImpl(const AdapterMixtureOptions& options, std::shared_ptr<RoutingContext> context);

  // x [..., d] → [..., d]; the route comes from the context (see RoutingContext::route).
  torch::Tensor forward(const torch::Tensor& x);
  // Draws from the context's generator: N(0, std) weights (one draw copied to every expert when
  // init is identical), zero biases, gate N(0, 0.02).
  void reset_parameters();

  // Parameters left after merging: each side with one expert, no gate.
  int64_t merged_parameter_count() const;
  const Route& last_route() const { return last_route_; }

  AdapterMixtureOptions options_;
  ExpertLinear down_{nullptr};       // "down": d → r
  ExpertLinear up_{nullptr};         // "up": r → d
  torch::nn::Linear gate_{nullptr};  // "gate": d → M, no bias; learned-top1 only

 private:
  torch::Tensor route_and_run(const torch::Tensor& x);

  std::shared_ptr<RoutingContext> context_;
  Route last_route_;
  MergedExperts merged_;
};
TORCH_MODULE(AdapterMixture);

// Draws `param`'s values on the CPU from `generator` (expert 0's draw copied to all experts when
// `identical`) and copies them in, whatever the parameter's device and dtype.
void init_experts_normal(torch::Tensor& param, double std, bool identical,
                         at::Generator& generator);
void init_experts_uniform(torch::Tensor& param, double bound, bool identical,
                          at::Generator& generator);

}  // namespace adamix::peft
