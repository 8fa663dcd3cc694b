#pragma once
// Writes a Hugging Face model directory (config.json + model.safetensors) that transformers'
// from_pretrained and our load_backbone both read, for a backbone with or without its
// pretraining head.
//
//   std::vector<std::pair<std::string, torch::Tensor>> weights;
//   const std::string prefix = backbone_prefix(Arch::Bert, SavedHead::LanguageModel);  // "bert."
//   for (const auto& p : backbone->named_parameters()) {
//     weights.emplace_back(prefix + p.key(), p.value());
//   }
//   for (const auto& [name, t] : head->hf_state_dict()) weights.emplace_back(name, t);
//   save_pretrained("out/bert-mlm", config, SavedHead::LanguageModel, weights);
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/models/model_config.h"

namespace adamix::models {

// The head a saved model carries, which decides config.json's "architectures" and the key
// prefix transformers expects:
//  - None: the bare backbone, unprefixed keys (BertModel, RobertaModel, GPT2Model).
//  - LanguageModel: BERT "BertForMaskedLM" (backbone keys under "bert.", head cls.predictions.*),
//    RoBERTa "RobertaForMaskedLM" ("roberta.", lm_head.*), GPT-2 "GPT2LMHeadModel"
//    ("transformer.", lm_head tied to wte and not stored, as transformers' save_pretrained
//    drops tied weights).
enum class SavedHead { None, LanguageModel };

// "BertModel", "BertForMaskedLM", "RobertaModel", "RobertaForMaskedLM", "GPT2Model",
// "GPT2LMHeadModel".
std::string architecture_name(Arch arch, SavedHead head);
// "" for None; "bert." / "roberta." / "transformer." for LanguageModel.
std::string backbone_prefix(Arch arch, SavedHead head);

// Writes dir/model.safetensors, then dir/config.json, each via a temporary name and a rename, so
// a failure leaves an older pair in `dir` readable (a failure between the two renames leaves
// the new weights beside the old config). config.json is to_json(config) with "architectures"
// set to architecture_name(config.arch, head); the weights are float32 CPU copies under exactly
// the given names, sorted by name in the file as the safetensors library does, with metadata
// format = pt. Creates `dir` when missing. Throws ConfigError, before writing anything, for an
// invalid config or a duplicate, empty, undefined or non-floating-point weight; IoError when
// the directory or a file cannot be written.
void save_pretrained(const std::filesystem::path& dir, const ModelConfig& config, SavedHead head,
                     const std::vector<std::pair<std::string, torch::Tensor>>& weights);

}  // namespace adamix::models
