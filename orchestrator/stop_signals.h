#pragma once
// SIGTERM (Slurm's end-of-job signal, `kill`, mpirun forwarding), SIGUSR2 (Slurm's warning
// signal, docs/architecture.md) and SIGINT (Ctrl-C) ask a sweep process to stop cleanly: running
// trials checkpoint, the database is committed, nothing is lost.
namespace adamix::orchestrator {

void install_stop_handlers();
int stop_signal();  // the first stop signal received, 0 when none

}  // namespace adamix::orchestrator
