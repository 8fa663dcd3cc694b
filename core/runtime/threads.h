#pragma once
// LibTorch thread set-up. LibTorch on this platform starts with one intra-op thread; a
// process calls configure_threads once at start-up.
//
//   adamix::runtime::configure_threads(0);  // 0 = all cores
namespace adamix::runtime {

// Sets LibTorch's intra-op thread count (and OpenBLAS's, when it is the BLAS) to `threads`;
// 0 means one per core. Returns the count in force.
int configure_threads(int threads);

}  // namespace adamix::runtime
