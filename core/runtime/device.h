#pragma once
// Parses a --device value: "cpu", "cuda" (= cuda:0) or "cuda:N".
//
//   torch::Device device = adamix::runtime::parse_device("cuda:1");
#include <torch/torch.h>

#include <string>

namespace adamix::runtime {

// Throws ConfigError for a malformed name, for CUDA when this LibTorch has no CUDA, and for an
// index past the visible GPUs.
torch::Device parse_device(const std::string& name);

}  // namespace adamix::runtime
