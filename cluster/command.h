#pragma once
// Runs an external command (sbatch, squeue, sacct, scontrol) without a shell and captures what
// it prints.
//
//   CommandResult r = run_command({"sbatch", "--parsable", "job.sbatch"});
#include <optional>
#include <string>
#include <vector>

namespace adamix::cluster {

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out, err;
};

// The program's path when it is on PATH.
std::optional<std::string> find_program(const std::string& name);

// argv[0] is looked up on PATH. Error when it cannot be started.
CommandResult run_command(const std::vector<std::string>& argv);

}  // namespace adamix::cluster
