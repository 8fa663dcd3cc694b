#include "core/train/task_model.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <map>

#include "core/error.h"
#include "core/peft/consistency.h"
#include "core/peft/routing.h"

namespace adamix::train {
namespace {

// CUDA autocast state: LibTorch 2.4 took the device as an argument (the GPU-only calls are
// deprecated since).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool cuda_autocast_enabled() { return at::autocast::is_autocast_enabled(at::kCUDA); }
void set_cuda_autocast_enabled(bool on) { at::autocast::set_autocast_enabled(at::kCUDA, on); }
at::ScalarType cuda_autocast_dtype() { return at::autocast::get_autocast_dtype(at::kCUDA); }
void set_cuda_autocast_dtype(at::ScalarType t) { at::autocast::set_autocast_dtype(at::kCUDA, t); }
#else
bool cuda_autocast_enabled() { return at::autocast::is_enabled(); }
void set_cuda_autocast_enabled(bool on) { at::autocast::set_enabled(on); }
at::ScalarType cuda_autocast_dtype() { return at::autocast::get_autocast_gpu_dtype(); }
void set_cuda_autocast_dtype(at::ScalarType t) { at::autocast::set_autocast_gpu_dtype(t); }
#endif

// Enables CUDA autocast for one scope and restores the previous state after it.
class AutocastScope {
 public:
  explicit AutocastScope(std::optional<torch::ScalarType> dtype, torch::Device device)
      : active_(dtype.has_value() && device.is_cuda()) {
    if (!active_) return;
    previous_enabled_ = cuda_autocast_enabled();
    previous_dtype_ = cuda_autocast_dtype();
    set_cuda_autocast_dtype(*dtype);
    set_cuda_autocast_enabled(true);
  }
  ~AutocastScope() {
    if (!active_) return;
    set_cuda_autocast_enabled(previous_enabled_);
    set_cuda_autocast_dtype(previous_dtype_);
    at::autocast::clear_cache();
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_;
  bool previous_enabled_ = false;
  at::ScalarType previous_dtype_ = at::kHalf;
};

bool has_pooler(const models::BackboneImpl& backbone) {
  for (const auto& item : backbone.named_parameters())
    if (item.key().rfind("pooler.", 0) == 0) return true;
  return false;
}

}  // namespace

TaskModel::TaskModel(const std::filesystem::path& model_dir, const peft::PeftOptions& method,
                     int64_t num_outputs, bool regression, uint64_t seed, torch::Device device)
    : device_(device),
      regression_(regression),
      loaded_(models::load_backbone(model_dir, device,
                                    {/*trainable=*/method.module == peft::PeftModule::Full})) {
  peft_ = peft::attach_peft(*loaded_.backbone, method, at::detail::createCPUGenerator(seed));
  head_ = models::make_head(loaded_.config, num_outputs, has_pooler(*loaded_.backbone));
  head_->reset_parameters(at::detail::createCPUGenerator(seed ^ 0x9e3779b97f4a7c15ull));
  head_->to(device);
  for (const auto& item : peft_.parameters) trainable_.emplace_back(item.key(), item.value());
  for (const auto& item : head_->named_parameters()) {
    if (item.value().requires_grad()) trainable_.emplace_back("head." + item.key(), item.value());
  }
  train(false);
}

torch::Tensor TaskModel::forward(const Batch& batch) { return forward_all(batch).second; }

std::pair<models::BackboneOutput, torch::Tensor> TaskModel::forward_all(const Batch& batch) {
  models::BackboneInput input;
  input.input_ids = batch.input_ids;
  input.attention_mask = batch.attention_mask;
  if (loaded_.config.type_vocab_size > 0) input.token_type_ids = batch.token_type_ids;
  input.return_logits = false;
  AutocastScope autocast(autocast_, device_);
  auto out = loaded_.backbone->forward(input);
  auto logits = head_->forward(out, batch.attention_mask).to(torch::kFloat32);
  out.last_hidden_state = out.last_hidden_state.to(torch::kFloat32);
  return {std::move(out), std::move(logits)};
}

torch::Tensor TaskModel::predict(const Batch& batch) {
  const auto& options = peft_.options;
  const bool ensemble = routing().inference().kind == peft::InferenceMode::Kind::Ensemble;
  if (!ensemble) {
    const auto logits = forward(batch);
    return regression_ ? logits.squeeze(-1) : torch::log_softmax(logits, -1);
  }
  const auto paths = peft::run_expert_paths(routing(), options, [&] { return forward(batch); });
  if (regression_) {
    std::vector<torch::Tensor> values;
    for (const auto& p : paths) values.push_back(p.squeeze(-1));
    return peft::ensemble_mean(values);
  }
  return peft::ensemble_log_probs(paths);
}

void TaskModel::train(bool on) {
  loaded_.backbone->train(on);
  head_->train(on);
}

void TaskModel::load_trainable(const std::vector<std::pair<std::string, torch::Tensor>>& values) {
  copy_named(trainable_, values);
}

void copy_named(const std::vector<std::pair<std::string, torch::Tensor>>& trainable,
                const std::vector<std::pair<std::string, torch::Tensor>>& values) {
  std::map<std::string, torch::Tensor> saved(values.begin(), values.end());
  torch::NoGradGuard no_grad;
  for (const auto& [name, p] : trainable) {
    const auto it = saved.find(name);
    if (it == saved.end()) throw IoError("checkpoint has no parameter '" + name + "'");
    if (it->second.sizes() != p.sizes())
      throw IoError("checkpoint parameter '" + name + "' has another shape than the model's");
    p.copy_(it->second);
  }
  if (saved.size() != trainable.size())
    throw IoError("checkpoint holds parameters the model does not have");
}

Accounting TaskModel::accounting() const {
  Accounting result;
  result.peft = peft::count_parameters(*loaded_.backbone, peft_);
  for (const auto& p : head_->parameters()) result.head += p.numel();
  return result;
}

}  // namespace adamix::train
