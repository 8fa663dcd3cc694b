#include "core/peft/routing.h"

#include <string>

#include "core/error.h"

namespace adamix::peft {

int64_t down_experts(const PeftOptions& options) {
  return options.share == Share::Down ? 1 : options.experts;
}

int64_t up_experts(const PeftOptions& options) {
  return options.share == Share::Up ? 1 : options.experts;
}

std::vector<ExpertPath> expert_paths(const PeftOptions& options) {
  std::vector<ExpertPath> paths;
  for (int64_t i = 0; i < down_experts(options); ++i) {
    for (int64_t j = 0; j < up_experts(options); ++j) paths.emplace_back(i, j);
  }
  return paths;
}

RoutingContext::RoutingContext(const PeftOptions& options, at::Generator generator)
    : routing_(options.routing),
      experts_(options.experts),
      share_(options.share),
      down_experts_(down_experts(options)),
      up_experts_(up_experts(options)),
      load_balance_(options.load_balance),
      generator_(std::move(generator)),
      down_picks_(static_cast<size_t>(options.experts), 0),
      up_picks_(static_cast<size_t>(options.experts), 0) {
  options.validate();
  if (!generator_.defined() || generator_.device().type() != torch::kCPU) {
    throw ConfigError("RoutingContext needs a CPU generator, got " +
                      std::string(generator_.defined() ? generator_.device().str() : "none"));
  }
  set_inference(options.inference);
}

void RoutingContext::set_inference(const InferenceMode& mode) {
  PeftOptions check;
  check.experts = experts_;
  check.share = share_;
  check.inference = mode;
  check.validate();  // ConfigError naming fixed:I,J out of range
  inference_ = mode;
}

void RoutingContext::set_forced_path(std::optional<ExpertPath> path) {
  if (path && (path->first < 0 || path->second < 0)) {
    throw InputError("forced expert path (" + std::to_string(path->first) + ", " +
                     std::to_string(path->second) + ") has a negative index");
  }
  forced_path_ = path;
}

int64_t RoutingContext::draw(int64_t n) {
  if (n <= 1) return 0;
  return at::randint(n, {1}, generator_, torch::kLong).item<int64_t>();
}

Route RoutingContext::route(int64_t down, int64_t up, bool training, int64_t tokens,
                            torch::Device device) {
  Route r;
  if (routing_ == Routing::LearnedTop1) {
    r.kind = Route::Kind::Gate;
    return r;
  }
  if (routing_ == Routing::Fixed) return r;  // (0, 0): the only experts it ever trained
  if (forced_path_) {
    const auto [i, j] = *forced_path_;
    if (i >= down || j >= up) {
      throw InputError("forced expert path (" + std::to_string(i) + ", " + std::to_string(j) +
                       ") is out of range for a module with " + std::to_string(down) +
                       " down and " + std::to_string(up) + " up experts");
    }
    r.down = i;
    r.up = j;
    return r;
  }
  if (training && paired_open_) {
    if (paired_next_ >= paired_routes_.size()) {
      throw InputError("a paired consistency forward made more than the " +
                       std::to_string(paired_routes_.size()) + " mixture calls it drew routes for");
    }
    const Route& paired = paired_routes_[paired_next_++];
    if (paired.down >= down || paired.up >= up || paired.second_down >= down ||
        paired.second_up >= up) {
      throw InputError("a paired consistency forward drew routes for " + std::to_string(experts_) +
                       " experts; a module with " + std::to_string(down) + " down and " +
                       std::to_string(up) + " up experts called it");
    }
    return paired;
  }
  if (training) {
    r.down = draw(down);
    r.up = draw(up);
    if (down > 1) ++down_picks_.at(static_cast<size_t>(r.down));
    if (up > 1) ++up_picks_.at(static_cast<size_t>(r.up));
    return r;
  }
  switch (inference_.kind) {
    case InferenceMode::Kind::Merged: r.kind = Route::Kind::Merged; break;
    case InferenceMode::Kind::RandomBatch:
      r.down = draw(down);
      r.up = draw(up);
      break;
    case InferenceMode::Kind::RandomToken: {
      r.kind = Route::Kind::PerToken;
      auto per_token = [&](int64_t n) {
        if (n <= 1) return torch::Tensor();
        return at::randint(n, {tokens}, generator_, torch::kLong).to(device);
      };
      r.down_index = per_token(down);
      r.up_index = per_token(up);
      break;
    }
    case InferenceMode::Kind::Fixed:
      r.down = down > 1 ? inference_.down : 0;
      r.up = up > 1 ? inference_.up : 0;
      break;
    case InferenceMode::Kind::Ensemble:
      throw InputError(
          "inference mode 'ensemble' runs one pass per expert path: force each path with "
          "RoutingContext::set_forced_path (see run_expert_paths)");
  }
  return r;
}

void RoutingContext::begin_paired_forward(int64_t modules) {
  if (paired_open_) throw InputError("a paired consistency forward is already open");
  if (modules < 0) throw InputError("a paired consistency forward over a negative module count");
  paired_routes_.assign(static_cast<size_t>(modules), Route{});
  paired_next_ = 0;
  paired_open_ = true;
  if (routing_ != Routing::Random) return;  // fixed and learned-top1 draw nothing
  const int64_t down = down_experts_, up = up_experts_;
  for (Route& r : paired_routes_) {  // the first pass's draws, in call order
    r.kind = Route::Kind::Halves;
    r.down = draw(down);
    r.up = draw(up);
  }
  for (Route& r : paired_routes_) {  // then the second pass's
    r.second_down = draw(down);
    r.second_up = draw(up);
  }
  for (Route& r : paired_routes_) {
    if (down > 1) {
      ++down_picks_.at(static_cast<size_t>(r.down));
      ++down_picks_.at(static_cast<size_t>(r.second_down));
    }
    if (up > 1) {
      ++up_picks_.at(static_cast<size_t>(r.up));
      ++up_picks_.at(static_cast<size_t>(r.second_up));
    }
    // Both copies on one path: the whole batch runs it, no per-half matmul.
    if (r.down == r.second_down && r.up == r.second_up) r.kind = Route::Kind::Pair;
  }
}

void RoutingContext::end_paired_forward() {
  if (!paired_open_) return;
  paired_open_ = false;
  const size_t used = paired_next_;
  const size_t drawn = paired_routes_.size();
  paired_routes_.clear();
  paired_next_ = 0;
  if (used != drawn && routing_ == Routing::Random) {
    throw InputError("a paired consistency forward drew routes for " + std::to_string(drawn) +
                     " mixture calls and made " + std::to_string(used));
  }
}

void RoutingContext::set_picks(std::vector<int64_t> down, std::vector<int64_t> up) {
  if (static_cast<int64_t>(down.size()) != experts_ || static_cast<int64_t>(up.size()) != experts_)
    throw InputError("expert pick counts for " + std::to_string(down.size()) + "/" +
                     std::to_string(up.size()) + " experts, the model has " +
                     std::to_string(experts_));
  down_picks_ = std::move(down);
  up_picks_ = std::move(up);
}

void RoutingContext::record_update(const torch::Tensor& update, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  // Norms in float32 (a no-op cast for fp32 activations: no copy per call), their ratio in
  // float64 as the running sum.
  const torch::Tensor ratio =
      update.detach().to(torch::kFloat).norm().to(torch::kDouble) /
      x.detach().to(torch::kFloat).norm().to(torch::kDouble).clamp_min(1e-30);
  ratio_sum_ = ratio_sum_.defined() ? ratio_sum_ + ratio : ratio;
  ++ratio_calls_;
}

std::pair<double, int64_t> RoutingContext::take_update_ratio() {
  const int64_t calls = ratio_calls_;
  const double mean = calls > 0 ? ratio_sum_.item<double>() / static_cast<double>(calls) : 0.0;
  ratio_sum_ = torch::Tensor();
  ratio_calls_ = 0;
  return {mean, calls};
}

void RoutingContext::add_aux_loss(const torch::Tensor& loss) {
  aux_loss_ = aux_loss_.defined() ? aux_loss_ + loss : loss;
}

torch::Tensor RoutingContext::take_aux_loss() {
  torch::Tensor out = aux_loss_;
  aux_loss_ = torch::Tensor();
  return out;
}

std::vector<torch::Tensor> run_expert_paths(RoutingContext& context, const PeftOptions& options,
                                            const std::function<torch::Tensor()>& forward) {
  struct ClearForcedPath {
    RoutingContext& context;
    ~ClearForcedPath() { context.set_forced_path(std::nullopt); }
  } clear{context};
  std::vector<torch::Tensor> outputs;
  for (const ExpertPath& path : expert_paths(options)) {
    context.set_forced_path(path);
    outputs.push_back(forward());
  }
  return outputs;
}

GateDecision switch_top1(const torch::Tensor& logits) {
  TORCH_CHECK(logits.dim() == 2, "switch_top1 expects [tokens, experts] logits, got ",
              logits.sizes());
  const int64_t experts = logits.size(1);
  const torch::Tensor probs = torch::softmax(logits, -1);  // [K,M]
  GateDecision d;
  d.index = probs.argmax(-1);
  d.probability = probs.gather(1, d.index.unsqueeze(1)).squeeze(1);
  const torch::Tensor dispatched =
      torch::one_hot(d.index, experts).to(probs.scalar_type()).mean(0);  // f_i, no gradient
  d.balance_loss = static_cast<double>(experts) * (dispatched * probs.mean(0)).sum();
  return d;
}

bool RoutingContext::begin_merge_cache() {
  if (merge_scope_ != 0) return false;
  merge_scope_ = ++merge_scopes_;
  return true;
}

const std::vector<torch::Tensor>& MergedExperts::get(const RoutingContext& context,
                                                     const std::vector<torch::Tensor>& stacked) {
  const uint64_t scope = torch::GradMode::is_enabled() ? 0 : context.merge_cache_scope();
  if (scope == 0 || scope != scope_) {
    means_ = expert_means(stacked);
    scope_ = scope;
  }
  return means_;
}

std::vector<torch::Tensor> expert_means(const std::vector<torch::Tensor>& stacked) {
  std::vector<torch::Tensor> out;
  for (const torch::Tensor& t : stacked) {
    out.push_back(!t.defined() ? t : t.size(0) == 1 ? t.select(0, 0) : t.mean(0));
  }
  return out;
}

torch::Tensor routed_linear(const torch::Tensor& x, const torch::Tensor& weight,
                            const torch::Tensor& bias, const torch::Tensor& index) {
  const int64_t experts = weight.size(0);
  const int64_t out = weight.size(1);
  const int64_t in = weight.size(2);
  TORCH_CHECK(x.dim() == 2 && x.size(1) == in, "routed_linear expects x [K,", in, "], got ",
              x.sizes());
  if (!index.defined() || experts == 1) {
    return torch::linear(x, weight.select(0, 0), bias.defined() ? bias.select(0, 0) : bias);
  }
  const int64_t k = x.size(0);
  TORCH_CHECK(index.dim() == 1 && index.size(0) == k, "routed_linear expects index [", k, "], got ",
              index.sizes());
  torch::Tensor y;
  if (out <= in) {
    // Every expert's output in one matmul [K, M·out], then each row keeps its expert's slice.
    const torch::Tensor all =
        torch::matmul(x, weight.reshape({experts * out, in}).t()).view({k, experts, out});
    y = all.gather(1, index.view({k, 1, 1}).expand({k, 1, out})).squeeze(1);
  } else {
    // Row k of x placed in block index[k] of a zero [K, M·in] matrix, times the experts'
    // weights stacked along `in` [M·in, out]: one matmul, each row meets only its expert.
    const torch::Tensor one_hot = torch::one_hot(index, experts).to(x.scalar_type());  // [K,M]
    const torch::Tensor block = (one_hot.unsqueeze(2) * x.unsqueeze(1)).view({k, experts * in});
    y = torch::matmul(block, weight.transpose(1, 2).reshape({experts * in, out}));
  }
  if (bias.defined()) y = y + bias.index_select(0, index);
  return y;
}

torch::Tensor halves_linear(const torch::Tensor& x, const torch::Tensor& weight,
                            const torch::Tensor& bias, int64_t first, int64_t second) {
  TORCH_CHECK(x.dim() == 3 && x.size(0) == 2 && x.size(2) == weight.size(2),
              "halves_linear expects x [2,K,", weight.size(2), "], got ", x.sizes());
  const torch::Tensor w = torch::stack({weight[first], weight[second]});  // [2,out,in]
  if (!bias.defined()) return torch::bmm(x, w.transpose(1, 2));
  const torch::Tensor b = torch::stack({bias[first], bias[second]}).unsqueeze(1);  // [2,1,out]
  return torch::baddbmm(b, x, w.transpose(1, 2));
}

}  // namespace adamix::peft
