#include "worker/tensor_arrays.h"

#include <cstring>

#include "core/error.h"

namespace adamix::worker {

storage::FloatArray to_float_array(const torch::Tensor& tensor) {
  const auto cpu = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  storage::FloatArray array;
  array.shape = cpu.sizes().vec();
  array.data.resize(static_cast<size_t>(cpu.numel()));
  if (cpu.numel() > 0)
    std::memcpy(array.data.data(), cpu.data_ptr<float>(), array.data.size() * sizeof(float));
  return array;
}

torch::Tensor from_float_array(const storage::FloatArray& array) {
  auto tensor = torch::empty(array.shape, torch::kFloat32);
  if (static_cast<size_t>(tensor.numel()) != array.data.size())
    throw IoError("checkpoint array holds " + std::to_string(array.data.size()) +
                  " values but its shape needs " + std::to_string(tensor.numel()));
  if (!array.data.empty())
    std::memcpy(tensor.data_ptr<float>(), array.data.data(), array.data.size() * sizeof(float));
  return tensor;
}

}  // namespace adamix::worker
