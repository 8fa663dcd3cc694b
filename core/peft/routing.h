#pragma once
// Expert routing of the AdaMix mixtures (docs/method.md "Mixture", "Inference modes"). One
// RoutingContext is shared by every mixture module of a model: it owns the trial's random
// generator, the training routing, the inference mode, the forced path of ensemble passes and
// the learned-top1 auxiliary loss.
//
//   auto context = std::make_shared<RoutingContext>(options, at::detail::createCPUGenerator(1));
//   Route route = context->route(/*down_experts=*/4, /*up_experts=*/1, module.is_training(),
//                                tokens, x.device());
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "core/peft/peft_options.h"

namespace adamix::peft {

using ExpertPath = std::pair<int64_t, int64_t>;  // (down / A expert, up / B expert)

// Experts on each side given the sharing: the shared side has 1.
int64_t down_experts(const PeftOptions& options);
int64_t up_experts(const PeftOptions& options);

// Every (down, up) pair a mixture can run, down-major: share up → (i, 0) for i < M; share
// down → (0, j); none → all M² pairs.
std::vector<ExpertPath> expert_paths(const PeftOptions& options);

// How one forward call of one mixture module runs.
struct Route {
  enum class Kind {
    Pair,      // the whole batch through experts (down, up)
    Merged,    // each side replaced by the mean of its experts
    PerToken,  // token k through (down_index[k], up_index[k])
    Gate,      // learned-top1: the module's gate picks an expert per token
    Halves,    // a paired consistency forward: the batch's first half of rows through
               // (down, up), its second half through (second_down, second_up)
  };
  Kind kind = Kind::Pair;
  int64_t down = 0;
  int64_t up = 0;
  int64_t second_down = 0;  // Halves only
  int64_t second_up = 0;
  // PerToken: [tokens] int64 on the module's device; undefined for a side with one expert.
  // Gate: the module stores its gate's choices here after the forward call (for inspection).
  torch::Tensor down_index;
  torch::Tensor up_index;
};

class RoutingContext {
 public:
  // `generator` must be a CPU generator (indices are drawn on the host, so a seed fixes the
  // routes on any device). ConfigError otherwise, or when `options` is invalid.
  RoutingContext(const PeftOptions& options, at::Generator generator);

  Routing routing() const { return routing_; }
  int64_t experts() const { return experts_; }
  double load_balance() const { return load_balance_; }
  at::Generator& generator() { return generator_; }

  const InferenceMode& inference() const { return inference_; }
  // ConfigError when a fixed:I,J index is out of range for this model's experts.
  void set_inference(const InferenceMode& mode);

  // Ensemble passes: every random-routed module runs `path` (a shared side uses 0), in
  // training and evaluation alike, until cleared with std::nullopt.
  void set_forced_path(std::optional<ExpertPath> path);
  const std::optional<ExpertPath>& forced_path() const { return forced_path_; }

  // The route of one forward call of a module with `down` × `up` experts over `tokens` tokens.
  // Routing random: a forced path wins; training draws one uniform index per side with more
  // than one expert; evaluation follows the inference mode (ensemble without a forced path is
  // an InputError). Routing fixed: always (0, 0), in evaluation too (the other experts never
  // train, so merging or sampling them would be meaningless). Routing learned-top1: always the
  // module's gate (Kind::Gate). Those two ignore the inference mode and the forced path.
  Route route(int64_t down, int64_t up, bool training, int64_t tokens, torch::Device device);

  // Both consistency passes as one forward (train.consistency_passes: batched): the batch holds
  // two copies of the examples, rows [0, N/2) and [N/2, N). Draws the training routes of
  // `modules` mixture calls for the first copy, then for the second — the order in which the
  // two-pass path draws them, so one seed gives both paths the same routes — and hands call k
  // the pair (first[k], second[k]) as Kind::Halves. Random routing only (fixed and learned-top1
  // need no draw; their routes ignore it); a forced path still wins. InputError when a pair is
  // already open.
  void begin_paired_forward(int64_t modules);
  // Closes the pair; InputError when the forward made fewer or more mixture calls than drawn
  // (the model's module count was wrong), also reported by route() for a call too many.
  void end_paired_forward();
  bool paired_forward() const { return paired_open_; }

  // Training draws of random routing per expert, counted per module call since training began
  // (diagnostics; a checkpoint keeps them, see train/expert_diagnostics.h). Sized M per side; a
  // shared side (one expert) is never drawn and stays 0.
  const std::vector<int64_t>& down_picks() const { return down_picks_; }
  const std::vector<int64_t>& up_picks() const { return up_picks_; }
  // InputError when a vector's size is not M.
  void set_picks(std::vector<int64_t> down, std::vector<int64_t> up);

  // While on, every mixture forward call in evaluation mode adds ‖update‖ / ‖x‖ (its output
  // before the residual, over its input; Frobenius norms over the call's tokens).
  void set_recording(bool on) { recording_ = on; }
  bool recording() const { return recording_; }
  void record_update(const torch::Tensor& update, const torch::Tensor& x);
  // The mean ratio over the calls recorded since the last take and their count; resets.
  std::pair<double, int64_t> take_update_ratio();

  // Merged inference computes each module's expert means once per scope (an evaluation, a
  // decoding: no optimizer step can change the experts inside one; see MergedExperts) instead
  // of once per call. Returns false, and changes nothing, inside an open scope (an inner scope
  // shares the outer one).
  bool begin_merge_cache();
  void end_merge_cache() { merge_scope_ = 0; }
  // 0 outside a scope; inside, a number no earlier scope of this context had.
  uint64_t merge_cache_scope() const { return merge_scope_; }

  // learned-top1: each gate adds load_balance · M · Σ f_i P_i here during forward.
  void add_aux_loss(const torch::Tensor& loss);
  // The sum added since the last call (a 0-dim tensor), or an undefined tensor if none; resets.
  torch::Tensor take_aux_loss();

 private:
  int64_t draw(int64_t n);  // uniform in [0, n), one generator call; 0 without a call if n == 1

  Routing routing_;
  int64_t experts_;
  Share share_;
  int64_t down_experts_;  // per module side: 1 on the shared side (down_experts(options))
  int64_t up_experts_;
  double load_balance_;
  InferenceMode inference_;
  at::Generator generator_;
  std::optional<ExpertPath> forced_path_;
  torch::Tensor aux_loss_;
  std::vector<int64_t> down_picks_;
  std::vector<int64_t> up_picks_;
  bool paired_open_ = false;
  std::vector<Route> paired_routes_;  // the open pair's routes, in call order
  size_t paired_next_ = 0;
  uint64_t merge_scope_ = 0;
  uint64_t merge_scopes_ = 0;
  bool recording_ = false;
  torch::Tensor ratio_sum_;  // 0-dim float64 on the modules' device (no host sync per call)
  int64_t ratio_calls_ = 0;
};

// Runs `forward` once per expert path (expert_paths(options)) with that path forced, then
// clears the forced path (also on an exception). Returns the outputs in path order; feed them
// to ensemble_log_probs / ensemble_mean.
std::vector<torch::Tensor> run_expert_paths(RoutingContext& context, const PeftOptions& options,
                                            const std::function<torch::Tensor()>& forward);

// Switch-Transformer top-1 routing of [tokens, M] gate logits: expert = argmax, probability =
// its softmax value (differentiable), and the load-balancing loss M · Σ_i f_i · P_i with f_i the
// share of tokens sent to expert i and P_i the mean probability of expert i.
struct GateDecision {
  torch::Tensor index;         // [tokens] int64
  torch::Tensor probability;   // [tokens]
  torch::Tensor balance_loss;  // 0-dim, unweighted
};
GateDecision switch_top1(const torch::Tensor& logits);

// Merging (docs/method.md): the mean over the leading expert dimension of each stacked tensor
// (undefined stays undefined; one expert → that expert).
std::vector<torch::Tensor> expert_means(const std::vector<torch::Tensor>& stacked);

// One module's merged experts. Outside a merge-cache scope, and whenever gradients are on, the
// means are recomputed on every call: no cache key can see every write to the experts
// (LibTorch's optimizers update `param.data()`, which bypasses the version counter), and a stale
// merge is the reference's bug to avoid. Inside a scope with gradients off they are computed
// once: evaluation and decoding run no optimizer step.
class MergedExperts {
 public:
  const std::vector<torch::Tensor>& get(const RoutingContext& context,
                                        const std::vector<torch::Tensor>& stacked);

 private:
  uint64_t scope_ = 0;  // the scope means_ belongs to; 0 = none
  std::vector<torch::Tensor> means_;
};

// Holds a merge-cache scope open (RoutingContext::begin_merge_cache) for its lifetime.
class MergeCacheScope {
 public:
  explicit MergeCacheScope(RoutingContext& context)
      : context_(context), opened_(context.begin_merge_cache()) {}
  ~MergeCacheScope() {
    if (opened_) context_.end_merge_cache();
  }
  MergeCacheScope(const MergeCacheScope&) = delete;
  MergeCacheScope& operator=(const MergeCacheScope&) = delete;

 private:
  RoutingContext& context_;
  bool opened_;
};

// y = x W_e^T + b_e with expert e = index[k] for row k; x [K,in], weight [M,out,in], bias
// [M,out] or undefined, index [K] int64 (undefined or M == 1: expert 0) → [K,out]. No loop over
// experts: the side whose width is smaller is expanded over M (all-experts matmul then gather
// when out <= in, one-hot block matmul otherwise), costing K·M·min(in, out) extra memory.
torch::Tensor routed_linear(const torch::Tensor& x, const torch::Tensor& weight,
                            const torch::Tensor& bias, const torch::Tensor& index);

// The two row halves of a paired consistency forward through their own experts:
// y[h] = x[h] W_{e_h}^T + b_{e_h} with e_0 = first, e_1 = second; x [2,K,in], weight
// [M,out,in], bias [M,out] or undefined → [2,K,out], one batched matmul.
torch::Tensor halves_linear(const torch::Tensor& x, const torch::Tensor& weight,
                            const torch::Tensor& bias, int64_t first, int64_t second);

}  // namespace adamix::peft
