#include "core/train/expert_diagnostics.h"

#include "core/error.h"

namespace adamix::train {

torch::Tensor ExpertDiagnostics::rows(const std::vector<torch::Tensor>& parts) {
  std::vector<torch::Tensor> flat;
  for (const auto& part : parts)
    if (part.defined()) flat.push_back(part.detach().to(torch::kDouble).flatten(1));
  return torch::cat(flat, 1);
}

ExpertDiagnostics::ExpertDiagnostics(const peft::PeftHandle& peft) : context_(peft.context) {
  if (!peft::is_mixture(peft.options))
    throw InputError("expert diagnostics need a mixture with more than one expert");
  torch::NoGradGuard no_grad;
  auto add = [&](const char* name, std::vector<torch::Tensor> parts) {
    Side side{name, std::move(parts), torch::Tensor()};
    side.initial = rows(side.parts).clone();
    sides_.push_back(std::move(side));
  };
  for (const auto& adapter : peft.adapters) {
    add("down", {adapter->down_->weight_, adapter->down_->bias_});
    add("up", {adapter->up_->weight_, adapter->up_->bias_});
  }
  for (const auto& lora : peft.loras) {
    add("down", {lora->a_});
    add("up", {lora->b_});
  }
}

void ExpertDiagnostics::before_evaluation() {
  context_->take_update_ratio();  // drop calls recorded outside evaluations
  context_->set_recording(true);
}

std::map<std::string, double> ExpertDiagnostics::measure() {
  context_->set_recording(false);
  torch::NoGradGuard no_grad;
  std::map<std::string, double> out;
  // Sums over modules per (side, expert) and per side, then means.
  std::map<std::string, std::vector<double>> delta_sum;
  std::map<std::string, double> cosine_sum;
  std::map<std::string, int64_t> modules, cosine_modules;
  for (const auto& side : sides_) {
    const torch::Tensor delta = rows(side.parts) - side.initial;  // [M, P]
    const torch::Tensor norms = delta.norm(2, 1).cpu();
    auto& sums = delta_sum[side.name];
    sums.resize(static_cast<size_t>(norms.size(0)), 0.0);
    for (int64_t i = 0; i < norms.size(0); ++i)
      sums[static_cast<size_t>(i)] += norms[i].item<double>();
    ++modules[side.name];
    const int64_t m = delta.size(0);
    if (m > 1) {
      // Rows of zero length (an expert that has not moved) count as cosine 0.
      const torch::Tensor unit = delta / delta.norm(2, 1, true).clamp_min(1e-30);
      const torch::Tensor gram = unit.matmul(unit.t());
      const double off_diagonal = (gram.sum() - gram.diagonal().sum()).item<double>();
      cosine_sum[side.name] += off_diagonal / static_cast<double>(m * (m - 1));
      ++cosine_modules[side.name];
    }
  }
  for (const auto& [name, sums] : delta_sum)
    for (size_t i = 0; i < sums.size(); ++i)
      out["expert/delta_" + name + "_" + std::to_string(i)] =
          sums[i] / static_cast<double>(modules[name]);
  for (const auto& [name, sum] : cosine_sum)
    out["expert/cosine_" + name] = sum / static_cast<double>(cosine_modules[name]);
  auto picks = [&](const char* name, const std::vector<int64_t>& counts) {
    int64_t total = 0;
    for (const int64_t c : counts) total += c;
    if (total == 0) return;  // a shared side, or routing that does not draw (learned-top1)
    for (size_t i = 0; i < counts.size(); ++i)
      out[std::string("expert/picks_") + name + "_" + std::to_string(i)] =
          static_cast<double>(counts[i]) / static_cast<double>(total);
  };
  picks("down", context_->down_picks());
  picks("up", context_->up_picks());
  const auto [ratio, calls] = context_->take_update_ratio();
  if (calls > 0) out["expert/update_ratio"] = ratio;
  return out;
}

std::map<std::string, int64_t> ExpertDiagnostics::counters() const {
  std::map<std::string, int64_t> out;
  const auto& down = context_->down_picks();
  const auto& up = context_->up_picks();
  for (size_t i = 0; i < down.size(); ++i) out["expert_picks_down_" + std::to_string(i)] = down[i];
  for (size_t i = 0; i < up.size(); ++i) out["expert_picks_up_" + std::to_string(i)] = up[i];
  return out;
}

void ExpertDiagnostics::set_counters(const std::map<std::string, int64_t>& counters) {
  std::vector<int64_t> down = context_->down_picks();
  std::vector<int64_t> up = context_->up_picks();
  auto read = [&](const std::string& prefix, std::vector<int64_t>& into) {
    for (size_t i = 0; i < into.size(); ++i) {
      const auto it = counters.find(prefix + std::to_string(i));
      into[i] = it == counters.end() ? 0 : it->second;  // a checkpoint from before: from 0
    }
  };
  read("expert_picks_down_", down);
  read("expert_picks_up_", up);
  context_->set_picks(std::move(down), std::move(up));
}

}  // namespace adamix::train
