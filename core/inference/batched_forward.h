#pragma once
// The engine under `adamix forward`: validates a file of id lines against a model config,
// runs it in padded batches through any model, assembles the outputs and writes them.
//
//   run_forward_file(options, config, device, [&](const models::BackboneInput& in) {
//     return std::vector<NamedOutput>{{"last_hidden_state", model(in), /*per_token=*/true}};
//   });
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "core/inference/forward_file.h"
#include "core/models/backbone.h"

namespace adamix::inference {

struct NamedOutput {
  std::string name;
  torch::Tensor value;  // per token: [n, width, ...]; per sequence: [n, ...]
  bool per_token = true;
};

using BatchForward = std::function<std::vector<NamedOutput>(const models::BackboneInput&)>;

// Checks every line first (InputError naming the line), then calls `forward` once per batch
// (ids, mask and token types already on `device`) and writes every output as float32:
// per-token outputs padded to [N, T, ...] with zeros past each line's length, per-sequence
// ones stacked to [N, ...].
ForwardFileResult run_forward_file(const ForwardFileOptions& options,
                                   const models::ModelConfig& config, torch::Device device,
                                   const BatchForward& forward);

}  // namespace adamix::inference
