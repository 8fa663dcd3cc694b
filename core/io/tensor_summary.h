#pragma once
// A human-readable table of what a tensor file holds (for `adamix inspect`); no LibTorch in
// this header so apps/ stays quick to compile.
//
//   std::cout << adamix::io::describe_tensor_file("model.safetensors");
#include <filesystem>
#include <string>

namespace adamix::io {

// `path` is a .safetensors file or a model directory holding model.safetensors. Lists
// metadata, then one row per tensor (name, dtype, shape, elements) and the total element count.
std::string describe_tensor_file(const std::filesystem::path& path);

}  // namespace adamix::io
