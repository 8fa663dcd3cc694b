#pragma once
// A Hugging Face PEFT adapter folder's adapter_config.json, for the LoRA adapters we can run
// exactly (docs/method.md's LoRA: scale alpha / r on the attention linears). Torch-free.
//
//   auto config = adamix::peft::read_peft_lora_config("runs/export/peft");
//   config.r; config.lora_alpha; config.target_modules;   // {"query", "value"} or {"c_attn"}
#include <filesystem>
#include <string>
#include <vector>

namespace adamix::peft {

struct PeftLoraConfig {
  int64_t r = 0;
  double lora_alpha = 0;
  double lora_dropout = 0;
  // BERT / RoBERTa: query, key, value; GPT-2: c_attn (its fused q, k, v linear).
  std::vector<std::string> target_modules;
  bool fused_qkv = false;                    // target_modules is {"c_attn"}
  std::vector<std::string> modules_to_save;  // the task head, when saved with the adapter
  std::string task_type;                     // SEQ_CLS, CAUSAL_LM, ... (empty when absent)
  std::string base_model;                    // base_model_name_or_path (informational)
};

// ConfigError naming the file and the key for anything we would not run as PEFT does: a
// peft_type other than LORA, a target module other than query / key / value (BERT, RoBERTa)
// or c_attn (GPT-2, fan_in_fan_out), bias other than none, use_rslora, use_dora,
// layers_to_transform, rank_pattern / alpha_pattern entries; IoError when the file is missing
// or not JSON.
PeftLoraConfig read_peft_lora_config(const std::filesystem::path& dir);

}  // namespace adamix::peft
