#pragma once
// Hugging Face PEFT LoRA adapters into our models (the reverse of export_peft): a trial may
// start from one (`method.init_from`) and `adamix forward --adapter` evaluates one.
//
//   auto adapter = import_peft_lora("peft-dir", models::load_model_config("models/bert"));
//   adapter.method;   // lora, r, alpha, targets, one expert
//   adapter.params;   // "encoder.layer.0.attention.self.query.lora.A" [1, r, hidden], ...
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/models/model_config.h"
#include "core/peft/peft_adapter_config.h"
#include "core/peft/peft_options.h"

namespace adamix::worker {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct ImportedAdapter {
  std::filesystem::path dir;
  peft::PeftLoraConfig config;
  // module lora, size r, alpha, lora_targets, experts 1, routing fixed; BERT / RoBERTa targets
  // as target_modules; GPT-2: the thirds of c_attn (query, key, value) whose rows of lora_B
  // are not all zero in some layer, each a LoRA of rank r with lora_A whole and its rows of
  // lora_B (exactly PEFT's update of the fused linear).
  peft::PeftOptions method;
  NamedTensors params;  // our LoRA parameter names, a leading expert dimension of 1
  NamedTensors head;    // modules_to_save tensors under our names (head.classifier.weight, ...)
};

// Reads DIR's adapter_config.json (peft::read_peft_lora_config) and adapter_model.safetensors
// for a backbone with config `model`. ConfigError naming the tensor for a key we do not know,
// and for shapes or layers that are not the model's ("trained on another base model").
ImportedAdapter import_peft_lora(const std::filesystem::path& dir,
                                 const models::ModelConfig& model);

// Copies `adapter` into `trainable` (a trial's trainable tensors): each expert of a mixture
// gets the adapter's LoRA, the head its saved head when there is one. ConfigError when the
// trial's LoRA (rank, alpha, targets) is not the adapter's or a head tensor's shape differs.
// Returns whether a head was loaded.
bool initialise_from_adapter(const NamedTensors& trainable, const ImportedAdapter& adapter,
                             const peft::PeftOptions& trial_method);

}  // namespace adamix::worker
