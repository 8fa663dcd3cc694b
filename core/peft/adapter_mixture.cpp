#include "core/peft/adapter_mixture.h"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace adamix::peft {

namespace {

// Fills a float32 CPU tensor of expert 0's shape (identical) or param's shape, copies it in.
void init_experts(torch::Tensor& param, bool identical,
                  const std::function<void(torch::Tensor&)>& fill) {
  torch::NoGradGuard no_grad;
  std::vector<int64_t> shape = param.sizes().vec();
  if (identical) shape[0] = 1;
  torch::Tensor values = torch::empty(shape, torch::kFloat);
  fill(values);
  param.copy_(values.expand(param.sizes()));
}

}  // namespace

void init_experts_normal(torch::Tensor& param, double std, bool identical,
                         at::Generator& generator) {
  init_experts(param, identical, [&](torch::Tensor& v) { v.normal_(0.0, std, generator); });
}

void init_experts_uniform(torch::Tensor& param, double bound, bool identical,
                          at::Generator& generator) {
  init_experts(param, identical, [&](torch::Tensor& v) { v.uniform_(-bound, bound, generator); });
}

ExpertLinearImpl::ExpertLinearImpl(int64_t experts, int64_t in_features, int64_t out_features,
                                   bool bias) {
  weight_ = register_parameter("weight", torch::zeros({experts, out_features, in_features}));
  if (bias) bias_ = register_parameter("bias", torch::zeros({experts, out_features}));
}

AdapterMixtureOptions adapter_options(const PeftOptions& method, int64_t hidden) {
  AdapterMixtureOptions o;
  o.hidden = hidden;
  o.bottleneck = method.size;
  o.down_experts = down_experts(method);
  o.up_experts = up_experts(method);
  o.init = method.expert_init;
  return o;
}

AdapterMixtureImpl::AdapterMixtureImpl(const AdapterMixtureOptions& options,
                                       std::shared_ptr<RoutingContext> context)
    : options_(options), context_(std::move(context)) {
  if (!context_) throw ConfigError("AdapterMixture needs a routing context");
  const auto& o = options_;
  if (o.hidden < 1 || o.bottleneck < 1 || o.down_experts < 1 || o.up_experts < 1) {
    throw ConfigError("AdapterMixture sizes must be >= 1, got hidden " + std::to_string(o.hidden) +
                      ", bottleneck " + std::to_string(o.bottleneck) + ", experts " +
                      std::to_string(o.down_experts) + "/" + std::to_string(o.up_experts));
  }
  down_ = register_module("down", ExpertLinear(o.down_experts, o.hidden, o.bottleneck));
  up_ = register_module("up", ExpertLinear(o.up_experts, o.bottleneck, o.hidden));
  if (context_->routing() == Routing::LearnedTop1) {
    const int64_t experts = std::max(o.down_experts, o.up_experts);
    gate_ = register_module(
        "gate", torch::nn::Linear(torch::nn::LinearOptions(o.hidden, experts).bias(false)));
  }
  reset_parameters();
}

void AdapterMixtureImpl::reset_parameters() {
  const bool identical = options_.init == ExpertInit::Identical;
  at::Generator& gen = context_->generator();
  init_experts_normal(down_->weight_, options_.init_std, identical, gen);
  init_experts_normal(up_->weight_, options_.init_std, identical, gen);
  torch::NoGradGuard no_grad;
  down_->bias_.zero_();
  up_->bias_.zero_();
  if (gate_) init_experts_normal(gate_->weight, 0.02, /*identical=*/false, gen);
}

int64_t AdapterMixtureImpl::merged_parameter_count() const {
  const int64_t d = options_.hidden;
  const int64_t r = options_.bottleneck;
  return d * r + r + r * d + d;
}

torch::Tensor AdapterMixtureImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = route_and_run(x);
  if (!is_training() && context_->recording()) context_->record_update(y - x, x);
  return y;
}

torch::Tensor AdapterMixtureImpl::route_and_run(const torch::Tensor& x) {
  const int64_t d = options_.hidden;
  TORCH_CHECK(x.dim() >= 1 && x.size(-1) == d, "AdapterMixture expects input [..., ", d, "], got ",
              x.sizes());
  const torch::Tensor& wd = down_->weight_;
  const torch::Tensor& bd = down_->bias_;
  const torch::Tensor& wu = up_->weight_;
  const torch::Tensor& bu = up_->bias_;
  const int64_t tokens = x.numel() / d;
  last_route_ = context_->route(options_.down_experts, options_.up_experts, is_training(), tokens,
                                x.device());
  switch (last_route_.kind) {
    case Route::Kind::Pair: {
      const int64_t i = last_route_.down;
      const int64_t j = last_route_.up;
      const torch::Tensor h = torch::gelu(torch::linear(x, wd[i], bd[i]));
      return x + torch::linear(h, wu[j], bu[j]);
    }
    case Route::Kind::Merged: {
      const std::vector<torch::Tensor>& m = merged_.get(*context_, {wd, bd, wu, bu});
      return x + torch::linear(torch::gelu(torch::linear(x, m[0], m[1])), m[2], m[3]);
    }
    case Route::Kind::PerToken: {
      const torch::Tensor flat = x.reshape({tokens, d});
      const torch::Tensor h = torch::gelu(routed_linear(flat, wd, bd, last_route_.down_index));
      return x + routed_linear(h, wu, bu, last_route_.up_index).view(x.sizes());
    }
    case Route::Kind::Halves: {
      TORCH_CHECK(x.dim() >= 2 && x.size(0) % 2 == 0,
                  "a paired consistency forward needs an even batch, got ", x.sizes());
      const torch::Tensor halves = x.reshape({2, tokens / 2, d});
      const torch::Tensor h =
          torch::gelu(halves_linear(halves, wd, bd, last_route_.down, last_route_.second_down));
      return x + halves_linear(h, wu, bu, last_route_.up, last_route_.second_up).view(x.sizes());
    }
    case Route::Kind::Gate: {
      const torch::Tensor flat = x.reshape({tokens, d});
      const GateDecision gate = switch_top1(gate_(flat));
      if (is_training()) context_->add_aux_loss(context_->load_balance() * gate.balance_loss);
      last_route_.down_index = options_.down_experts > 1 ? gate.index : torch::Tensor();
      last_route_.up_index = options_.up_experts > 1 ? gate.index : torch::Tensor();
      const torch::Tensor h = torch::gelu(routed_linear(flat, wd, bd, last_route_.down_index));
      const torch::Tensor delta = routed_linear(h, wu, bu, last_route_.up_index);
      return x + (delta * gate.probability.unsqueeze(1)).view(x.sizes());
    }
  }
  TORCH_CHECK(false, "unknown route kind");
}

}  // namespace adamix::peft
