#include "core/peft/consistency.h"

#include <cmath>

#include "core/error.h"

namespace adamix::peft {

namespace {

torch::Tensor upcast(const torch::Tensor& t) {
  return t.scalar_type() == torch::kDouble ? t : t.to(torch::kFloat);
}

void check_pair(const torch::Tensor& a, const torch::Tensor& b, const char* what) {
  TORCH_CHECK(a.defined() && b.defined(), what, ": both inputs must be defined");
  TORCH_CHECK(a.sizes() == b.sizes(), what, ": the two passes must have one shape, got ", a.sizes(),
              " and ", b.sizes());
  TORCH_CHECK(a.numel() > 0, what, ": empty input of shape ", a.sizes());
}

// Σ p (log p - log q) with p = softmax(target) detached and q = softmax(input).
torch::Tensor kl_to_detached(const torch::Tensor& target, const torch::Tensor& input) {
  const torch::Tensor log_p = torch::log_softmax(target.detach(), -1);
  return (log_p.exp() * (log_p - torch::log_softmax(input, -1))).sum();
}

void check_paths(const std::vector<torch::Tensor>& paths, const char* what) {
  if (paths.empty()) throw InputError(std::string(what) + ": no expert paths to average");
  for (const torch::Tensor& t : paths) {
    TORCH_CHECK(t.defined() && t.sizes() == paths[0].sizes(), what, ": every path must have shape ",
                paths[0].sizes(), ", got ", t.defined() ? t.sizes() : torch::IntArrayRef{});
  }
}

}  // namespace

torch::Tensor consistency_loss(const torch::Tensor& z1, const torch::Tensor& z2) {
  check_pair(z1, z2, "consistency_loss");
  TORCH_CHECK(z1.dim() >= 1, "consistency_loss expects logits [..., C], got a scalar");
  const int64_t classes = z1.size(-1);
  const torch::Tensor a = upcast(z1).reshape({-1, classes});
  const torch::Tensor b = upcast(z2).reshape({-1, classes});
  const double rows = static_cast<double>(a.size(0));
  return 0.5 * (kl_to_detached(b, a) + kl_to_detached(a, b)) / rows;
}

torch::Tensor consistency_loss_regression(const torch::Tensor& y1, const torch::Tensor& y2) {
  check_pair(y1, y2, "consistency_loss_regression");
  const torch::Tensor a = upcast(y1);
  const torch::Tensor b = upcast(y2);
  return 0.5 * ((a - b.detach()).pow(2).mean() + (b - a.detach()).pow(2).mean());
}

torch::Tensor ensemble_log_probs(const std::vector<torch::Tensor>& path_logits) {
  check_paths(path_logits, "ensemble_log_probs");
  std::vector<torch::Tensor> log_probs;
  for (const torch::Tensor& z : path_logits) log_probs.push_back(torch::log_softmax(upcast(z), -1));
  const double k = static_cast<double>(path_logits.size());
  return torch::logsumexp(torch::stack(log_probs), 0) - std::log(k);
}

torch::Tensor ensemble_mean(const std::vector<torch::Tensor>& path_predictions) {
  check_paths(path_predictions, "ensemble_mean");
  std::vector<torch::Tensor> values;
  for (const torch::Tensor& y : path_predictions) values.push_back(upcast(y));
  return torch::stack(values).mean(0);
}

bool uses_consistency(const PeftOptions& method) {
  return method.consistency > 0 &&
         (method.module == PeftModule::Adapter || method.module == PeftModule::Lora);
}

bool pairs_consistency_passes(const PeftHandle& peft, bool batched) {
  return batched && uses_consistency(peft.options) &&
         peft.context->routing() != Routing::LearnedTop1;
}

std::pair<torch::Tensor, torch::Tensor> paired_forward(
    const PeftHandle& peft, const std::function<torch::Tensor()>& forward) {
  RoutingContext& routing = *peft.context;
  const auto modules = static_cast<int64_t>(peft.adapters.size() + peft.loras.size());
  routing.begin_paired_forward(modules);
  struct CloseOnThrow {  // a forward that throws leaves no pair open
    RoutingContext& routing;
    ~CloseOnThrow() {
      if (!routing.paired_forward()) return;
      try {
        routing.end_paired_forward();
      } catch (...) {  // the forward's own exception is the one to report
      }
    }
  } guard{routing};
  const torch::Tensor out = forward();
  routing.end_paired_forward();
  TORCH_CHECK(out.dim() >= 1 && out.size(0) % 2 == 0,
              "a paired consistency forward must return both copies' rows, got ", out.sizes());
  const int64_t half = out.size(0) / 2;
  return {out.narrow(0, 0, half), out.narrow(0, half, half)};
}

}  // namespace adamix::peft
