#include "peft_test_helpers.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "core/models/make_model.h"

namespace adamix::peft::testing {

at::Generator generator(uint64_t seed) { return at::detail::createCPUGenerator(seed); }

std::shared_ptr<RoutingContext> make_context(const PeftOptions& options, uint64_t seed) {
  return std::make_shared<RoutingContext>(options, generator(seed));
}

models::ModelConfig tiny_config(const std::string& arch, int64_t layers) {
  models::MakeModelOptions o;
  o.arch = arch;
  o.hidden = 32;
  o.layers = layers;
  o.heads = 4;
  o.intermediate = 64;
  o.vocab_size = 100;
  o.max_positions = 32;
  return models::make_model_config(o);
}

std::shared_ptr<models::BackboneImpl> tiny_backbone(const std::string& arch, uint64_t seed,
                                                    bool dropout) {
  models::ModelConfig config = tiny_config(arch);
  if (!dropout) config.hidden_dropout = config.attention_dropout = config.embedding_dropout = 0;
  auto backbone = models::create_backbone(config);
  backbone->reset_parameters(generator(seed));
  backbone->eval();
  return backbone;
}

models::BackboneInput tiny_input(const models::ModelConfig& config, int64_t n, int64_t t,
                                 uint64_t seed) {
  models::BackboneInput in;
  in.input_ids = at::randint(3, config.vocab_size, {n, t}, generator(seed), torch::kLong);
  in.attention_mask = torch::ones({n, t}, torch::kLong);
  return in;
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

void randomize(torch::nn::Module& module, uint64_t seed, double std) {
  torch::NoGradGuard no_grad;
  at::Generator gen = generator(seed);
  for (torch::Tensor& p : module.parameters()) {
    p.copy_(torch::empty(p.sizes(), torch::kDouble).normal_(0.0, std, gen));
  }
}

torch::Tensor adapter_reference(const torch::Tensor& x, const torch::Tensor& down_w,
                                const torch::Tensor& down_b, const torch::Tensor& up_w,
                                const torch::Tensor& up_b) {
  const torch::Tensor h = torch::matmul(x, down_w.t()) + down_b;
  const torch::Tensor g = 0.5 * h * (1.0 + torch::erf(h / std::sqrt(2.0)));  // exact GELU
  return x + torch::matmul(g, up_w.t()) + up_b;
}

torch::Tensor adapter_pair(const AdapterMixtureImpl& adapter, const torch::Tensor& x, int64_t i,
                           int64_t j) {
  return adapter_reference(x, adapter.down_->weight_[i], adapter.down_->bias_[i],
                           adapter.up_->weight_[j], adapter.up_->bias_[j]);
}

torch::Tensor lora_reference(const LoraMixtureImpl& lora, const torch::Tensor& x,
                             const torch::Tensor& a, const torch::Tensor& b) {
  return lora.options_.alpha / static_cast<double>(lora.options_.rank) *
         torch::matmul(torch::matmul(x, a.t()), b.t());
}

double gradient_mismatch(const std::function<torch::Tensor()>& loss,
                         const std::vector<torch::Tensor>& inputs,
                         const std::function<void()>& before_eval, double eps) {
  auto eval = [&] {
    if (before_eval) before_eval();
    return loss();
  };
  for (const torch::Tensor& t : inputs) {
    if (t.grad().defined()) t.mutable_grad().zero_();
  }
  eval().backward();
  double worst = 0;
  for (const torch::Tensor& t : inputs) {
    const torch::Tensor analytic =
        t.grad().defined() ? t.grad().reshape({-1}) : torch::zeros({t.numel()}, t.options());
    torch::NoGradGuard no_grad;
    torch::Tensor flat = t.view({-1});
    for (int64_t k = 0; k < t.numel(); ++k) {
      const double original = flat[k].item<double>();
      flat[k].fill_(original + eps);
      const double plus = eval().item<double>();
      flat[k].fill_(original - eps);
      const double minus = eval().item<double>();
      flat[k].fill_(original);
      const double numeric = (plus - minus) / (2 * eps);
      worst = std::max(worst, std::abs(numeric - analytic[k].item<double>()));
    }
  }
  return worst;
}

}  // namespace adamix::peft::testing
