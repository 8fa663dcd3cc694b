#include <iostream>

#include "apps/commands.h"
#include "cluster/slurm.h"
#include "orchestrator/status_report.h"
#include "storage/results_store.h"

namespace adamix::cli {

// Prints the sweep's state (orchestrator/status_report.h) and, for a sweep submitted with
// `adamix submit`, its Slurm jobs with their state (squeue, or sacct once they ended); exit 1
// when an artifact is missing or corrupted or a running trial has lost its heartbeat, so
// scripts can check a run.
int run_status(const ParsedFlags& flags) {
  const std::filesystem::path run_dir = flags.get("run");
  const auto report = orchestrator::status_report(run_dir);
  std::cout << report.text;
  const storage::ResultsStore store(run_dir / "results.sqlite",
                                    storage::ResultsStore::Access::ReadOnly);
  const auto jobs = store.jobs();
  if (!jobs.empty()) std::cout << "\nslurm jobs:\n";
  for (const auto& job : jobs) {
    const auto state = cluster::job_state(job.id);
    std::cout << "  " << job.id << "  " << (state.empty() ? "(unknown to squeue/sacct)" : state)
              << "  submitted " << job.submitted << (job.note.empty() ? "" : "  " + job.note)
              << "\n";
  }
  return report.problems > 0 ? 1 : 0;
}

}  // namespace adamix::cli
