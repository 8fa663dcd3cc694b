#pragma once
// Tensors <-> the plain arrays of the torch-free checkpoint store.
//
//   storage::FloatArray a = to_float_array(tensor);
//   tensor.copy_(from_float_array(a));
#include <torch/torch.h>

#include <vector>

#include "storage/checkpoint.h"

namespace adamix::worker {

// Copies to CPU float32, row-major. Bit-exact for float32 tensors.
storage::FloatArray to_float_array(const torch::Tensor& tensor);
// A CPU float32 tensor owning a copy of the array.
torch::Tensor from_float_array(const storage::FloatArray& array);

}  // namespace adamix::worker
