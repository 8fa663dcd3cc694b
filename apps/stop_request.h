#pragma once
// SIGTERM (Slurm's warning, `kill`) and SIGUSR2 ask a training command to finish its step,
// write a checkpoint and exit 143; the loop polls stop_requested().
namespace adamix::cli {

void install_stop_handlers();
bool stop_requested();

}  // namespace adamix::cli
