#include "core/train/optimizer.h"

#include <cmath>
#include <map>

#include "core/error.h"
#include "core/util/text.h"

namespace adamix::train {
namespace {

// The key of a parameter's state in torch::optim::Optimizer::state(): its TensorImpl address,
// printed as a string up to LibTorch 2.0 and the pointer itself since.
#if TORCH_VERSION_MAJOR >= 2
void* state_key(const torch::Tensor& param) { return param.unsafeGetTensorImpl(); }
#else
std::string state_key(const torch::Tensor& param) {
  return c10::guts::to_string(param.unsafeGetTensorImpl());
}
#endif

}  // namespace

bool decays(const std::string& name) {
  return name.find("bias") == std::string::npos &&
         name.find("LayerNorm.weight") == std::string::npos;
}

std::unique_ptr<torch::optim::AdamW> make_adamw(const NamedTensors& params,
                                                const TrainOptions& options) {
  std::vector<torch::Tensor> with_decay, without_decay;
  for (const auto& [name, tensor] : params)
    (decays(name) ? with_decay : without_decay).push_back(tensor);
  auto defaults = torch::optim::AdamWOptions(options.lr)
                      .betas({options.adam_beta1, options.adam_beta2})
                      .eps(options.adam_eps)
                      .weight_decay(options.weight_decay);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  auto decay_options = std::make_unique<torch::optim::AdamWOptions>(defaults);
  auto plain_options = std::make_unique<torch::optim::AdamWOptions>(defaults);
  plain_options->weight_decay(0.0);
  if (!with_decay.empty()) groups.emplace_back(with_decay, std::move(decay_options));
  if (!without_decay.empty()) groups.emplace_back(without_decay, std::move(plain_options));
  if (groups.empty()) throw ConfigError("nothing to train: the model has no trainable parameters");
  if (options.optimizer == OptimizerKind::AdamWLora) {
    return std::make_unique<LoraAdamW>(std::move(groups), defaults);
  }
  return std::make_unique<torch::optim::AdamW>(std::move(groups), defaults);
}

torch::Tensor LoraAdamW::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss = {};
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
    const double lr = options.lr();
    const double beta1 = std::get<0>(options.betas());
    const double beta2 = std::get<1>(options.betas());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const torch::Tensor grad = p.grad();
      auto& slot = state_[state_key(p)];
      if (!slot) {
        auto fresh = std::make_unique<torch::optim::AdamWParamState>();
        fresh->step(0);
        fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        slot = std::move(fresh);
      }
      auto& state = static_cast<torch::optim::AdamWParamState&>(*slot);
      state.step(state.step() + 1);
      torch::Tensor& exp_avg = state.exp_avg();
      torch::Tensor& exp_avg_sq = state.exp_avg_sq();
      exp_avg.mul_(beta1).add_(grad, 1.0 - beta1);
      exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
      const torch::Tensor denom = exp_avg_sq.sqrt().add_(options.eps());
      const double t = static_cast<double>(state.step());
      const double step_size =
          lr * std::sqrt(1.0 - std::pow(beta2, t)) / (1.0 - std::pow(beta1, t));
      p.addcdiv_(exp_avg, denom, -step_size);
      if (options.weight_decay() > 0) p.add_(p, -lr * options.weight_decay());
    }
  }
  return loss;
}

void set_learning_rate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

std::vector<std::pair<std::string, AdamState>> export_adam_state(torch::optim::AdamW& optimizer,
                                                                 const NamedTensors& params) {
  std::vector<std::pair<std::string, AdamState>> result;
  auto& states = optimizer.state();
  for (const auto& [name, param] : params) {
    AdamState state;
    const auto it = states.find(state_key(param));
    if (it != states.end()) {
      const auto& adam = static_cast<const torch::optim::AdamWParamState&>(*it->second);
      state.step = adam.step();
      state.exp_avg = adam.exp_avg().detach().to(torch::kCPU).clone();
      state.exp_avg_sq = adam.exp_avg_sq().detach().to(torch::kCPU).clone();
    }
    result.emplace_back(name, std::move(state));
  }
  return result;
}

void import_adam_state(torch::optim::AdamW& optimizer, const NamedTensors& params,
                       const std::vector<std::pair<std::string, AdamState>>& state) {
  std::map<std::string, const torch::Tensor*> by_name;
  for (const auto& [name, param] : params) by_name[name] = &param;
  auto& states = optimizer.state();
  for (const auto& [name, saved] : state) {
    const auto it = by_name.find(name);
    if (it == by_name.end()) throw IoError("optimizer state for unknown parameter '" + name + "'");
    const auto& param = *it->second;
    if (saved.step == 0) {
      states.erase(state_key(param));
      continue;
    }
    if (saved.exp_avg.sizes() != param.sizes() || saved.exp_avg_sq.sizes() != param.sizes())
      throw IoError("optimizer state of '" + name + "' has shape " +
                    util::shape_text(saved.exp_avg.sizes().vec()) + " but the parameter is " +
                    util::shape_text(param.sizes().vec()));
    auto adam = std::make_unique<torch::optim::AdamWParamState>();
    adam->step(saved.step);
    adam->exp_avg(saved.exp_avg.to(param.device(), param.scalar_type()).clone());
    adam->exp_avg_sq(saved.exp_avg_sq.to(param.device(), param.scalar_type()).clone());
    states[state_key(param)] = std::move(adam);
  }
}

}  // namespace adamix::train
