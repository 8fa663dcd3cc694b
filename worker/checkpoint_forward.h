#pragma once
// `adamix forward --checkpoint`: a trained trial (PEFT + head from its HDF5 checkpoint) on a
// file of id lines, under any inference mode. No LibTorch in this header.
//
//   auto checkpoint = storage::read_checkpoint("runs/t/best.h5");
//   forward_checkpoint_file(options, checkpoint, trial_config.method, "ensemble");
#include <string>

#include "core/inference/forward_file.h"
#include "core/inference/generate.h"
#include "core/peft/peft_options.h"
#include "storage/checkpoint.h"

namespace adamix::worker {

// ConfigError unless model_dir/model.safetensors is the backbone `checkpoint` was trained on
// (its backbone_sha256).
void check_checkpoint_backbone(const std::filesystem::path& model_dir,
                               const storage::Checkpoint& checkpoint);

// `adamix generate --checkpoint`: a trained NLG trial (its PEFT weights on `options.model_dir`,
// which must be its backbone) generating for `options.input`, under `mode` (empty: the trial's
// inference mode; ensemble is refused: it averages distributions per token, not texts).
inference::GenerateResult generate_checkpoint_file(const inference::GenerateFileOptions& options,
                                                   const storage::Checkpoint& checkpoint,
                                                   peft::PeftOptions method,
                                                   const std::string& mode);

// `options.model_dir` is the backbone the trial was trained on: ConfigError when its
// model.safetensors differs from the checkpoint's backbone_sha256. `method` is the trial's
// (from the checkpoint's config); `mode` overrides its inference mode when not empty.
// Writes `last_hidden_state` [N,T,H] and the head's `logits` [N,C] (regression: [N,1]). In
// `ensemble` mode the logits are the log of the mean predictive distribution over every expert
// path (regression: the mean prediction) and the hidden state is the merged model's.
inference::ForwardFileResult forward_checkpoint_file(const inference::ForwardFileOptions& options,
                                                     const storage::Checkpoint& checkpoint,
                                                     peft::PeftOptions method,
                                                     const std::string& mode);

// `adamix forward --adapter`: a Hugging Face PEFT LoRA adapter folder (worker/peft_import.h) on
// `options.model_dir`. Writes `last_hidden_state`, and the head's `logits` when the adapter
// saved a classification head (modules_to_save; one output = regression, as transformers'
// num_labels = 1). ConfigError naming what does not fit (peft_type, a target module, a tensor
// of another base model).
inference::ForwardFileResult forward_adapter_file(const inference::ForwardFileOptions& options,
                                                  const std::filesystem::path& adapter_dir);

}  // namespace adamix::worker
