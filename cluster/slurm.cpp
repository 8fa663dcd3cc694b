#include "cluster/slurm.h"

#include "cluster/command.h"
#include "core/error.h"

namespace adamix::cluster {
namespace {

std::string first_line(const std::string& text) {
  const auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  const auto end = text.find_first_of("\r\n", start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::string submit_batch(const std::filesystem::path& script, const std::string& after_job) {
  if (!find_program("sbatch"))
    throw ConfigError(
        "sbatch not found: adamix submit needs Slurm's client commands on PATH (add --dry-run "
        "to only write and print the script)");
  std::vector<std::string> argv{"sbatch", "--parsable"};
  if (!after_job.empty()) argv.push_back("--dependency=afterany:" + after_job);
  argv.push_back(script.string());
  const auto result = run_command(argv);
  if (result.exit_code != 0) {
    auto reason = first_line(result.err);
    if (reason.empty()) reason = "exit code " + std::to_string(result.exit_code);
    throw ConfigError("sbatch refused the job: " + reason);
  }
  // --parsable prints "ID" or "ID;CLUSTER".
  auto id = first_line(result.out);
  id = id.substr(0, id.find(';'));
  if (id.empty()) throw Error("sbatch printed no job id");
  return id;
}

std::string job_state(const std::string& job_id) {
  if (find_program("squeue")) {
    const auto queued = run_command({"squeue", "-h", "-j", job_id, "-o", "%T"});
    const auto state = first_line(queued.out);
    if (queued.exit_code == 0 && !state.empty()) return state;
  }
  if (find_program("scontrol")) {  // finished jobs, for MinJobAge after their end
    const auto shown = run_command({"scontrol", "show", "job", "-o", job_id});
    const auto at = shown.out.find("JobState=");
    if (shown.exit_code == 0 && at != std::string::npos) {
      const auto start = at + 9;
      return shown.out.substr(start, shown.out.find_first_of(" \n", start) - start);
    }
  }
  if (find_program("sacct")) {
    const auto past = run_command({"sacct", "-n", "-X", "-P", "-j", job_id, "-o", "State"});
    const auto state = first_line(past.out);
    if (past.exit_code == 0 && !state.empty()) return state;
  }
  return "";
}

}  // namespace adamix::cluster
