#pragma once
// A backbone with its PEFT method and task head: what a trial trains and evaluates.
//
//   TaskModel model(model_dir, method, /*num_outputs=*/3, /*seed=*/1, torch::kCPU);
//   torch::Tensor logits = model.forward(batch);        // [N, C]
//   torch::Tensor scores = model.predict(batch);        // eval: log-probs [N,C] / values [N]
#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/models/backbone.h"
#include "core/models/heads.h"
#include "core/peft/parameter_count.h"
#include "core/peft/peft_model.h"
#include "core/train/batch.h"

namespace adamix::train {

struct Accounting {
  peft::ParameterCount peft;  // backbone, PEFT trained, PEFT after merging
  int64_t head = 0;           // task head parameters (always trained)
};

// Copies `values` into the tensors of `trainable` by name (what load_trainable does). IoError when
// one is missing, has another shape, or `values` holds a name `trainable` does not have.
void copy_named(const std::vector<std::pair<std::string, torch::Tensor>>& trainable,
                const std::vector<std::pair<std::string, torch::Tensor>>& values);

class TaskModel {
 public:
  // num_outputs: classes, or 1 for regression. Initial PEFT values come from `seed`; the head
  // from a second stream of it, so they do not depend on each other's sizes.
  TaskModel(const std::filesystem::path& model_dir, const peft::PeftOptions& method,
            int64_t num_outputs, bool regression, uint64_t seed, torch::Device device);

  // Logits [N, C] ([N, 1] for regression) in the current mode: training routing, or the
  // inference mode (a forced path when the routing context has one).
  torch::Tensor forward(const Batch& batch);
  // The backbone's outputs and the head's logits of one pass.
  std::pair<models::BackboneOutput, torch::Tensor> forward_all(const Batch& batch);
  // Evaluation output under the inference mode: classification log-probabilities [N, C]
  // (ensemble: log of the mean distribution over every expert path); regression values [N]
  // (ensemble: the mean).
  torch::Tensor predict(const Batch& batch);

  void train(bool on);
  // Mixed precision on CUDA (METHOD/DESIGN: bf16 or fp16 autocast; CPU stays float32): every
  // forward runs under autocast to `dtype`. Weights and optimiser state stay float32.
  // fp16 has no loss scaling yet: prefer bf16.
  void set_autocast(std::optional<torch::ScalarType> dtype) { autocast_ = dtype; }
  bool regression() const { return regression_; }
  // Trained tensors by their checkpoint names: PEFT (backbone module paths) then `head.*`.
  const std::vector<std::pair<std::string, torch::Tensor>>& trainable() const { return trainable_; }
  // Copies saved values into trainable() by name. IoError when one is missing, has another
  // shape, or `values` holds a name the model does not train.
  void load_trainable(const std::vector<std::pair<std::string, torch::Tensor>>& values);
  Accounting accounting() const;
  peft::RoutingContext& routing() { return *peft_.context; }
  const peft::PeftHandle& peft() const { return peft_; }
  const models::ModelConfig& config() const { return loaded_.config; }
  models::HeadImpl& head() { return *head_; }
  models::BackboneImpl& backbone() { return *loaded_.backbone; }
  torch::Device device() const { return device_; }

 private:
  torch::Device device_;
  bool regression_;
  std::optional<torch::ScalarType> autocast_;
  models::LoadedBackbone loaded_;
  peft::PeftHandle peft_;
  std::shared_ptr<models::HeadImpl> head_;
  std::vector<std::pair<std::string, torch::Tensor>> trainable_;
};

}  // namespace adamix::train
