#include "core/runtime/device.h"

#include "core/error.h"

namespace adamix::runtime {

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  int64_t index = 0;
  if (name.rfind("cuda:", 0) == 0) {
    const auto digits = name.substr(5);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
        digits.size() > 4)
      throw ConfigError("bad device '" + name + "': expected cpu, cuda or cuda:N");
    index = std::stoll(digits);
  } else if (name != "cuda") {
    throw ConfigError("bad device '" + name + "': expected cpu, cuda or cuda:N");
  }
  if (!torch::cuda::is_available())
    throw ConfigError("device '" + name +
                      "' requested but no CUDA device is available to this LibTorch build");
  const auto count = static_cast<int64_t>(torch::cuda::device_count());
  if (index >= count)
    throw ConfigError("device '" + name + "' requested but only " + std::to_string(count) +
                      " CUDA device(s) are visible");
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

}  // namespace adamix::runtime
