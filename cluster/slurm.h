#pragma once
// Slurm's client commands as functions: submit a batch script, ask a job's state.
//
//   std::string id = submit_batch("runs/x/job.sbatch", "");      // sbatch --parsable
//   std::string state = job_state(id);                            // "RUNNING", "" if unknown
#include <filesystem>
#include <string>

namespace adamix::cluster {

// `sbatch --parsable [--dependency=afterany:AFTER] SCRIPT`; the job id. ConfigError with a clear
// line when sbatch is not installed, or with sbatch's own reason when it refuses the job
// (unknown partition, a request no node can satisfy, ...).
std::string submit_batch(const std::filesystem::path& script, const std::string& after_job);

// squeue's state of the job (PENDING, RUNNING, ...), else scontrol's (a job that ended
// recently: COMPLETED, CANCELLED, ...), else sacct's when accounting is on; "" when neither knows it or Slurm's commands are not installed.
std::string job_state(const std::string& job_id);

}  // namespace adamix::cluster
