#include "cluster/sbatch_script.h"

#include <sstream>

#include "core/error.h"

namespace adamix::cluster {
namespace {

// Single-quoted for bash: safe for any path.
std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

int workers_per_node(const SubmitSettings& s) {
  if (s.workers_per_node > 0) return s.workers_per_node;
  return s.gpus_per_node > 0 ? s.gpus_per_node : 1;
}

std::string sbatch_script(const SubmitSettings& s) {
  if (s.nodes < 1) throw ConfigError("--nodes must be at least 1");
  if (s.gpus_per_node < 0) throw ConfigError("--gpus-per-node cannot be negative");
  if (s.workers_per_node < 0) throw ConfigError("--workers-per-node cannot be negative");
  if (s.warning_seconds < 1) throw ConfigError("--warning must be at least 1 second");
  const int workers = workers_per_node(s);
  const int tasks = s.nodes * workers + 1;
  const int gpus_per_worker =
      s.gpus_per_node > 0 ? (s.gpus_per_node / workers > 0 ? s.gpus_per_node / workers : 1) : 0;

  std::ostringstream out;
  out << "#!/bin/bash\n"
      << "# AdaMix sweep '" << s.sweep_name << "', written by `adamix submit` (adamix "
      << s.adamix_version << ").\n"
      << "# One MPI job: rank 0 orchestrates and is the only writer of results.sqlite; ranks\n"
      << "# 1.." << tasks - 1 << " are workers (" << workers << " per node"
      << (s.gpus_per_node > 0 ? ", " + std::to_string(gpus_per_worker) + " GPU each" : "")
      << "), each running its trials as child processes.\n"
      << "# Edit freely; `sbatch " << (s.run_dir / "job.sbatch").string()
      << "` submits it again and the sweep resumes\n"
      << "# where it stopped (--resume: finished trials are skipped, the others continue from\n"
      << "# their checkpoints).\n"
      << "#SBATCH --job-name=adamix-" << s.sweep_name << "\n"
      << "#SBATCH --chdir=" << s.work_dir.string() << "\n"
      << "#SBATCH --output=" << (s.run_dir / "slurm-%j.out").string() << "\n"
      << "#SBATCH --open-mode=append\n"
      << "#SBATCH --nodes=" << s.nodes << "\n"
      << "#SBATCH --ntasks=" << tasks << "   # " << s.nodes << " x " << workers
      << " workers + the orchestrator\n"
      << "#SBATCH --overcommit   # the orchestrator shares its node; it needs no core of its own\n";
  if (s.gpus_per_node > 0) out << "#SBATCH --gpus-per-node=" << s.gpus_per_node << "\n";
  if (s.cpus_per_task > 0) out << "#SBATCH --cpus-per-task=" << s.cpus_per_task << "\n";
  if (!s.time.empty()) out << "#SBATCH --time=" << s.time << "\n";
  if (!s.partition.empty()) out << "#SBATCH --partition=" << s.partition << "\n";
  if (!s.account.empty()) out << "#SBATCH --account=" << s.account << "\n";
  if (!s.qos.empty()) out << "#SBATCH --qos=" << s.qos << "\n";
  if (!s.mem.empty()) out << "#SBATCH --mem=" << s.mem << "\n";
  out << "# SIGUSR2 to this script " << s.warning_seconds
      << " s before the time limit (USR1 can be taken by NCCL):\n"
      << "#SBATCH --signal=B:USR2@" << s.warning_seconds << "\n"
      << (s.requeue ? "#SBATCH --requeue   # preempted or stopped early: back in the queue\n"
                    : "#SBATCH --no-requeue\n");
  for (const auto& arg : s.sbatch_args) out << "#SBATCH " << arg << "\n";
  out << "\nset -u\n";
  if (!s.environment.empty()) {
    out << "\n# --- environment (adamix submit --env-file) ---\n" << s.environment;
    if (s.environment.back() != '\n') out << "\n";
    out << "# --- end of environment ---\n";
  }
  out << "\nadamix=" << quote(s.executable.string()) << "\n"
      << "spec=" << quote(s.spec.string()) << "\n"
      << "run=" << quote(s.run_dir.string()) << "\n"
      << "requeue=" << (s.requeue ? 1 : 0) << "\n"
      << "echo \"adamix submit: job ${SLURM_JOB_ID} (restart ${SLURM_RESTART_COUNT:-0}) on "
         "$(hostname) at $(date -u +%FT%TZ)\"\n"
      << "\n"
      << "# The time limit nears (SIGUSR2) or the job is cancelled / preempted (SIGTERM): srun\n"
      << "# passes SIGUSR2 to every rank, running trials checkpoint within --grace and the sweep\n"
      << "# exits 143.\n"
      << "# Only the time-limit warning requeues: a cancelled job stays cancelled (a preempting\n"
      << "# partition with PreemptMode=REQUEUE requeues by itself).\n"
      << "reason=\n"
      << "stop() { reason=$1; echo \"adamix submit: $1: stopping the sweep at its checkpoints\"; "
         "kill -USR2 \"$srun_pid\" 2>/dev/null; }\n"
      << "trap 'stop time-limit' USR2\n"
      << "trap 'stop SIGTERM' TERM\n"
      << "\n"
      << "srun --mpi=pmix --kill-on-bad-exit=0 \"$adamix\" sweep \"$spec\" --run \"$run\" "
         "--resume \\\n"
      << "  --progress lines --grace " << s.grace_seconds;
  if (gpus_per_worker > 0) out << " --gpus-per-worker " << gpus_per_worker;
  for (const auto& set : s.sets) out << " \\\n  --set " << quote(set);
  out << " &\n"
      << "srun_pid=$!\n"
      << "# A trap interrupts `wait`; wait again until srun has really ended.\n"
      << "while true; do\n"
      << "  wait \"$srun_pid\"; status=$?\n"
      << "  kill -0 \"$srun_pid\" 2>/dev/null || break\n"
      << "done\n"
      << "\n"
      << "if [ \"$status\" -eq 143 ] && [ \"$reason\" = time-limit ] && [ \"$requeue\" -eq 1 ]; "
         "then\n"
      << "  echo \"adamix submit: requeueing job ${SLURM_JOB_ID}; it resumes from the "
         "checkpoints\"\n"
      << "  scontrol requeue \"$SLURM_JOB_ID\"\n"
      << "fi\n"
      << "exit \"$status\"\n";
  return out.str();
}

}  // namespace adamix::cluster
