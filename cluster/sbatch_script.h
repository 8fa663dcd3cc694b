#pragma once
// The batch script of `adamix submit`: one MPI job (`srun --mpi=pmix adamix sweep ... --resume`:
// rank 0 orchestrates, one worker rank per GPU), a warning signal before the time limit that
// makes every trial checkpoint, and a requeue of the job when it stopped early, so a sweep of
// days finishes across time limits and preemptions. Readable and commented: what an HPC user
// would write by hand, and edit.
//
//   SubmitSettings s;  s.spec = "/abs/sweep.yaml";  s.run_dir = "/abs/runs/x";  ...
//   std::string script = sbatch_script(s);
#include <filesystem>
#include <string>
#include <vector>

namespace adamix::cluster {

struct SubmitSettings {
  std::string sweep_name;
  std::filesystem::path spec;        // absolute
  std::filesystem::path run_dir;     // absolute
  std::filesystem::path work_dir;    // absolute: relative paths in the spec resolve here
  std::filesystem::path executable;  // absolute path of adamix
  int nodes = 1;
  int gpus_per_node = 0;
  int workers_per_node = 0;  // 0 = gpus_per_node, or 1 without GPUs
  int cpus_per_task = 0;     // 0 = Slurm's default
  std::string time;          // --time, e.g. 2-00:00:00; empty = the partition's default
  std::string partition, account, qos, mem;
  bool requeue = false;       // requeue itself when stopped by the time limit or preemption
  int warning_seconds = 120;  // --signal=B:USR2@N (Slurm checks limits about every 30 s)
  int grace_seconds = 60;     // for trials to checkpoint (adamix sweep --grace)
  std::vector<std::string> sbatch_args;  // extra #SBATCH lines, as given ("--constraint=a100")
  std::vector<std::string> sets;         // adamix sweep --set overrides ("base.train.epochs=1")
  std::string environment;  // lines run before the sweep: module loads, conda activate, exports
  std::string adamix_version;
};

// Workers per node after defaults.
int workers_per_node(const SubmitSettings& settings);

// ConfigError for settings Slurm would refuse in a confusing way (no workers, bad counts).
std::string sbatch_script(const SubmitSettings& settings);

}  // namespace adamix::cluster
