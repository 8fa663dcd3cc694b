#include "core/runtime/threads.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <string>
#include <thread>

#include "core/error.h"

namespace adamix::runtime {
namespace {

// Debian's LibTorch hands matrix products to OpenBLAS, whose own thread pool (one thread per
// core) torch::set_num_threads does not limit; with OpenMP's workers on top the two fight for
// the cores (measured: BERT-base forward at 2 threads 17.1 s, 12.6 s with the pools matched;
// bench/run). OpenBLAS is found at run time so that other BLAS builds need nothing.
void match_openblas_threads(int threads) {
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set(threads);
}

}  // namespace

int configure_threads(int threads) {
  if (threads < 0) throw ConfigError("thread count must be >= 0, got " + std::to_string(threads));
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  match_openblas_threads(threads);
  return threads;
}

}  // namespace adamix::runtime
