#include "core/peft/lora_mixture.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/peft/adapter_mixture.h"  // init_experts_*

namespace adamix::peft {

LoraMixtureOptions lora_options(const PeftOptions& method, int64_t in, int64_t out) {
  LoraMixtureOptions o;
  o.in_features = in;
  o.out_features = out;
  o.rank = method.size;
  o.alpha = method.alpha;
  o.a_experts = down_experts(method);
  o.b_experts = up_experts(method);
  o.init = method.expert_init;
  return o;
}

LoraMixtureImpl::LoraMixtureImpl(const LoraMixtureOptions& options,
                                 std::shared_ptr<RoutingContext> context)
    : options_(options), context_(std::move(context)) {
  if (!context_) throw ConfigError("LoraMixture needs a routing context");
  const auto& o = options_;
  if (o.in_features < 1 || o.out_features < 1 || o.rank < 1 || o.a_experts < 1 || o.b_experts < 1 ||
      !(o.alpha > 0)) {
    throw ConfigError("LoraMixture sizes must be >= 1 and alpha > 0, got in " +
                      std::to_string(o.in_features) + ", out " + std::to_string(o.out_features) +
                      ", rank " + std::to_string(o.rank) + ", experts " +
                      std::to_string(o.a_experts) + "/" + std::to_string(o.b_experts) + ", alpha " +
                      std::to_string(o.alpha));
  }
  a_ = register_parameter("A", torch::zeros({o.a_experts, o.rank, o.in_features}));
  b_ = register_parameter("B", torch::zeros({o.b_experts, o.out_features, o.rank}));
  if (context_->routing() == Routing::LearnedTop1) {
    const int64_t experts = std::max(o.a_experts, o.b_experts);
    gate_ = register_module(
        "gate", torch::nn::Linear(torch::nn::LinearOptions(o.in_features, experts).bias(false)));
  }
  reset_parameters();
}

void LoraMixtureImpl::reset_parameters() {
  at::Generator& gen = context_->generator();
  // kaiming_uniform_(a=sqrt(5)): gain sqrt(2 / (1 + 5)), bound gain · sqrt(3 / fan_in).
  const double bound = 1.0 / std::sqrt(static_cast<double>(options_.in_features));
  init_experts_uniform(a_, bound, options_.init == ExpertInit::Identical, gen);
  torch::NoGradGuard no_grad;
  b_.zero_();
  if (gate_) init_experts_normal(gate_->weight, 0.02, /*identical=*/false, gen);
}

int64_t LoraMixtureImpl::merged_parameter_count() const {
  return options_.rank * (options_.in_features + options_.out_features);
}

torch::Tensor LoraMixtureImpl::forward(const torch::Tensor& x) {
  torch::Tensor update = route_and_run(x);
  if (!is_training() && context_->recording()) context_->record_update(update, x);
  return update;
}

torch::Tensor LoraMixtureImpl::route_and_run(const torch::Tensor& x) {
  const int64_t in = options_.in_features;
  TORCH_CHECK(x.dim() >= 1 && x.size(-1) == in, "LoraMixture expects input [..., ", in, "], got ",
              x.sizes());
  std::vector<int64_t> out_shape = x.sizes().vec();
  out_shape.back() = options_.out_features;
  const int64_t tokens = x.numel() / in;
  last_route_ =
      context_->route(options_.a_experts, options_.b_experts, is_training(), tokens, x.device());
  const torch::Tensor none;
  switch (last_route_.kind) {
    case Route::Kind::Pair:
      return scale() * torch::linear(torch::linear(x, a_[last_route_.down]), b_[last_route_.up]);
    case Route::Kind::Merged: {
      const std::vector<torch::Tensor>& m = merged_.get(*context_, {a_, b_});
      return scale() * torch::linear(torch::linear(x, m[0]), m[1]);
    }
    case Route::Kind::PerToken: {
      const torch::Tensor flat = x.reshape({tokens, in});
      const torch::Tensor h = routed_linear(flat, a_, none, last_route_.down_index);
      return scale() * routed_linear(h, b_, none, last_route_.up_index).view(out_shape);
    }
    case Route::Kind::Halves: {
      TORCH_CHECK(x.dim() >= 2 && x.size(0) % 2 == 0,
                  "a paired consistency forward needs an even batch, got ", x.sizes());
      const torch::Tensor halves = x.reshape({2, tokens / 2, in});
      const torch::Tensor h =
          halves_linear(halves, a_, none, last_route_.down, last_route_.second_down);
      return scale() *
             halves_linear(h, b_, none, last_route_.up, last_route_.second_up).view(out_shape);
    }
    case Route::Kind::Gate: {
      const torch::Tensor flat = x.reshape({tokens, in});
      const GateDecision gate = switch_top1(gate_(flat));
      if (is_training()) context_->add_aux_loss(context_->load_balance() * gate.balance_loss);
      last_route_.down_index = options_.a_experts > 1 ? gate.index : torch::Tensor();
      last_route_.up_index = options_.b_experts > 1 ? gate.index : torch::Tensor();
      const torch::Tensor h = routed_linear(flat, a_, none, last_route_.down_index);
      const torch::Tensor delta = routed_linear(h, b_, none, last_route_.up_index);
      return scale() * (delta * gate.probability.unsqueeze(1)).view(out_shape);
    }
  }
  TORCH_CHECK(false, "unknown route kind");
}

}  // namespace adamix::peft
