#include "core/runtime/threads.h"

#include <torch/torch.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "core/error.h"

namespace adamix::runtime {

int configure_threads(int threads) {
  if (threads < 0) throw ConfigError("thread count must be >= 0, got " + std::to_string(threads));
  if (threads == 0) {
    if (const char* env = std::getenv("ADAMIX_THREADS"); env != nullptr && *env != '\0') {
      try {
        size_t used = 0;
        threads = std::stoi(env, &used);
        if (used != std::string(env).size() || threads < 1) throw std::invalid_argument(env);
      } catch (const std::exception&) {
        throw ConfigError(std::string("ADAMIX_THREADS must be a positive integer, got '") + env +
                          "'");
      }
    } else {
      threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
  }
  torch::set_num_threads(threads);
  return threads;
}

}  // namespace adamix::runtime
