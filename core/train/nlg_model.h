#pragma once
// GPT-2 with its PEFT method and the tied LM head: what an NLG trial trains and generates with
// (docs/nlg.md "Training"). Only the PEFT parameters train; the backbone stays frozen.
//
//   NlgModel model("gpt2-medium", method, /*seed=*/1, torch::kCPU);
//   torch::Tensor logits = model.logits(ids);  // [B,T,V]
#include <torch/torch.h>

#include <filesystem>

#include "core/models/backbone.h"
#include "core/models/gpt2.h"
#include "core/peft/parameter_count.h"
#include "core/peft/peft_model.h"
#include "core/train/optimizer.h"

namespace adamix::train {

class NlgModel {
 public:
  // ConfigError when the model is not GPT-2 or the method is not LoRA / adapter / full.
  NlgModel(const std::filesystem::path& model_dir, const peft::PeftOptions& method, uint64_t seed,
           torch::Device device);

  // ids [B,T] right-padded (causal attention: real positions never see the padding) →
  // logits [B,T,V] float32, under the current mode's routing.
  torch::Tensor logits(const torch::Tensor& ids);
  void train(bool on);

  models::Gpt2ModelImpl& gpt2() { return *gpt2_; }
  const models::ModelConfig& config() const { return loaded_.config; }
  peft::RoutingContext& routing() { return *peft_.context; }
  const peft::PeftHandle& peft() const { return peft_; }
  const NamedTensors& trainable() const { return trainable_; }
  void load_trainable(const NamedTensors& values);
  peft::ParameterCount accounting() const;
  torch::Device device() const { return device_; }

 private:
  torch::Device device_;
  models::LoadedBackbone loaded_;
  std::shared_ptr<models::Gpt2ModelImpl> gpt2_;
  peft::PeftHandle peft_;
  NamedTensors trainable_;
};

}  // namespace adamix::train
