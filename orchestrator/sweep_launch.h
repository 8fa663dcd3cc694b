#pragma once
// `adamix sweep SPEC` without --dry-run: under mpirun / srun rank 0 orchestrates and every
// other rank is a worker; started directly it runs `workers` in-process workers (1 = trials one
// after another). Either way each trial is an `adamix train` child process writing
// <out>/trials/<id>/, and rank 0 alone writes <out>/results.sqlite.
//
//   SweepOptions options;  options.spec = "sweep.yaml";  options.resume = true;
//   int code = run_sweep(options);  // 0 all done, 1 some failed, 143 stopped by a signal
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace adamix::orchestrator {

struct SweepOptions {
  std::filesystem::path spec;
  std::vector<std::string> sets;             // --set overrides of the spec (sweeps::load_sweep)
  std::optional<std::filesystem::path> out;  // default runs/<name>
  bool resume = false;
  bool retry_failed = false;  // with resume: failed trials get a fresh set of attempts
  int max_attempts = 2;
  int workers = 1;          // without MPI
  int threads = 0;          // per trial; 0 = the node's cores / workers on the node
  int gpus_per_worker = 0;  // 0 = leave CUDA_VISIBLE_DEVICES alone (CPU trials)
  int grace_seconds = 60;   // for trials to checkpoint after SIGTERM
  int heartbeat_timeout_seconds = 120;
  bool noop_trials = false;          // benchmark: measures the orchestrator alone
  std::string progress = "auto";     // auto | terminal | lines
  std::filesystem::path executable;  // the adamix binary for trial children
};

int run_sweep(const SweepOptions& options);

}  // namespace adamix::orchestrator
