#include "core/runtime/threads.h"

#include <torch/torch.h>

#include <algorithm>
#include <string>
#include <thread>

#include "core/error.h"

namespace adamix::runtime {

int configure_threads(int threads) {
  if (threads < 0) throw ConfigError("thread count must be >= 0, got " + std::to_string(threads));
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  return threads;
}

}  // namespace adamix::runtime
