#pragma once
// For the sweep integration tests: a tiny model and task made by the real `adamix`, sweeps
// run under real mpirun (or as one process), process trees killed with SIGKILL, and database
// rows read back for row-by-row comparison.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/cli_helpers.h"

namespace adamix::testing {

// `mpirun -np RANKS adamix ARGS` (as root it needs --allow-run-as-root --oversubscribe);
// `env` is "NAME=value" exported to every rank, or "".
RunResult run_mpi_sweep(int ranks, const std::string& args, const std::string& env = "");
std::string mpirun_command(int ranks, const std::string& args, const std::string& env = "");

// Starts COMMAND (through `sh -c exec ...`, so the pid is COMMAND's) in its own session.
pid_t start_background(const std::string& command, const std::filesystem::path& log);
// SIGKILL to the process and every descendant (children first found, then killed together).
void kill_tree(pid_t root);
int wait_exit_code(pid_t pid);  // 128 + signal when killed

// Every metric row as "trial step split name value(%.17g)", sorted.
std::vector<std::string> metric_rows(const std::filesystem::path& database);
// The trial ids that `adamix sweep SPEC --dry-run` lists, in order.
std::vector<std::string> trial_ids(const std::filesystem::path& spec);

}  // namespace adamix::testing
