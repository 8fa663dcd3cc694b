#pragma once
// `adamix export`: a trained checkpoint's PEFT and head weights as safetensors. Mixtures are
// merged (each side replaced by the mean of its experts, docs/method.md "Merging") and keep the
// docs/formats.md names with a leading expert dimension of 1; no LibTorch in this header.
//
//   export_merged(storage::read_checkpoint("best.h5"), "out/adapter.safetensors", {});
#include <filesystem>
#include <string>

#include "core/models/model_config.h"
#include "core/peft/peft_options.h"
#include "storage/checkpoint.h"

namespace adamix::worker {

struct ExportOptions {
  // Head tensors under the Hugging Face *ForSequenceClassification names (classifier.weight,
  // classifier.dense.*, classifier.out_proj.*, score.weight, bert.pooler.dense.*) instead of
  // head.*.
  bool hf_head_names = false;
};

// Writes `out` (a .safetensors file) atomically. ConfigError for a learned-top1 checkpoint
// (its gate routes per token; merging its experts would change the model).
void export_merged(const storage::Checkpoint& checkpoint, const std::filesystem::path& out,
                   const ExportOptions& options);

// What export_peft needs to know of the trial besides its checkpoint.
struct PeftExportInfo {
  peft::PeftOptions method;  // the trial's method (LoRA: size = r, alpha, targets)
  models::Arch arch = models::Arch::Bert;
  int64_t hidden_size = 0;  // the backbone's (AdapterHub's reduction factor)
  bool causal_lm = false;   // an NLG trial: PEFT task CAUSAL_LM, no head
  std::string base_model;   // adapter_config.json's base_model_name_or_path
};

// A LoRA or AdaMix-LoRA trial (merged: each side the mean of its experts) as a Hugging Face
// PEFT adapter folder, loadable by peft.PeftModel.from_pretrained on the transformers model:
// `out_dir`/adapter_config.json (LORA, r, lora_alpha, lora_dropout, target_modules,
// modules_to_save = the head) and adapter_model.safetensors under PEFT's key names
// (base_model.model.<bert|roberta|transformer>.….lora_A.weight [r, in], lora_B.weight [out, r],
// head tensors under their transformers names). GPT-2's per-third LoRAs of the fused c_attn
// become one LoRA of c_attn (fan_in_fan_out) of rank r · targets whose B is block-structured
// (each target's rows), with lora_alpha scaled alike so that alpha / r is unchanged, as loralib's
// MergedLinear. ConfigError for other methods and learned-top1 checkpoints.
void export_peft(const storage::Checkpoint& checkpoint, const PeftExportInfo& info,
                 const std::filesystem::path& out_dir);

// An adapter trial (merged as export_merged does) as an AdapterHub `adapters` folder: `out_dir`/
// adapter_config.json (a bottleneck config: mh_adapter = attention placement, output_adapter =
// FFN placement, reduction_factor = hidden / size, GELU, original_ln_after and
// residual_before_ln as Houlsby's adapter after the sublayer's output projection, scaling 1) and
// adapter.safetensors under the library's key names for the base model (BertModel /
// RobertaModel "encoder.layer.N.{attention.output,output}.adapters.<name>.adapter_down.0.*",
// GPT2Model "h.N.{attention,output}_adapters.adapters.<name>.…"), loadable by
// model.load_adapter after adapters.init(model). `name` is the adapter's name there. The head is
// not part of it. ConfigError for LoRA and other methods, learned-top1 checkpoints, and a size
// the library's reduction factor cannot give back.
void export_adapterhub(const storage::Checkpoint& checkpoint, const PeftExportInfo& info,
                       const std::string& name, const std::filesystem::path& out_dir);

// The Hugging Face name of a head tensor ("head.classifier.weight" -> "classifier.weight"), and
// back ("classifier.out_proj.bias" -> "head.out_proj.bias"; empty for a name that is no head's).
std::string hf_head_name(const std::string& name);
std::string head_name_from_hf(const std::string& hf_name);

}  // namespace adamix::worker
