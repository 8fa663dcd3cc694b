#pragma once
// `adamix export`: a trained checkpoint's PEFT and head weights as safetensors. Mixtures are
// merged (each side replaced by the mean of its experts, METHOD.md "Merging") and keep the
// DESIGN.md names with a leading expert dimension of 1; no LibTorch in this header.
//
//   export_merged(storage::read_checkpoint("best.h5"), "out/adapter.safetensors", {});
#include <filesystem>
#include <string>

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

// The Hugging Face name of a head tensor ("head.classifier.weight" -> "classifier.weight").
std::string hf_head_name(const std::string& name);

}  // namespace adamix::worker
