#include "tests/orchestrator/sweep_test_helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "storage/results_store.h"

namespace adamix::testing {
namespace fs = std::filesystem;

std::string mpirun_command(int ranks, const std::string& args, const std::string& env) {
  std::string command = "mpirun --allow-run-as-root --oversubscribe -np " + std::to_string(ranks);
  if (!env.empty()) command = "env " + env + " " + command + " -x " + env.substr(0, env.find('='));
  return command + " '" + ADAMIX_BINARY + "' " + args;
}

RunResult run_mpi_sweep(int ranks, const std::string& args, const std::string& env) {
  TempDir io;
  const auto out = io / "out", err = io / "err";
  const auto command =
      mpirun_command(ranks, args, env) + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream o(out), e(err);
  std::stringstream a, b;
  a << o.rdbuf();
  b << e.rdbuf();
  result.out = a.str();
  result.err = b.str();
  return result;
}

pid_t start_background(const std::string& command, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    setsid();
    const auto redirected = "exec " + command + " >'" + log.string() + "' 2>&1";
    execl("/bin/sh", "sh", "-c", redirected.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

namespace {

std::map<pid_t, std::vector<pid_t>> children_by_parent() {
  std::map<pid_t, std::vector<pid_t>> children;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto close = line.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    pid_t parent;
    rest >> state >> parent;
    children[parent].push_back(std::stoi(name));
  }
  return children;
}

}  // namespace

void kill_tree(pid_t root) {
  // Stop everything first so nobody reacts (a worker seeing its child die), then kill.
  const auto children = children_by_parent();
  std::vector<pid_t> tree{root};
  for (size_t i = 0; i < tree.size(); ++i)
    if (const auto found = children.find(tree[i]); found != children.end())
      tree.insert(tree.end(), found->second.begin(), found->second.end());
  for (pid_t pid : tree) kill(pid, SIGSTOP);
  for (pid_t pid : tree) kill(pid, SIGKILL);
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> metric_rows(const fs::path& database) {
  storage::ResultsStore store(database, storage::ResultsStore::Access::ReadOnly);
  std::vector<std::string> rows;
  for (const auto& row : store.metrics()) {
    char value[64];
    std::snprintf(value, sizeof value, "%.17g", row.value);
    rows.push_back(row.trial + " " + std::to_string(row.step) + " " + row.split + " " + row.name +
                   " " + value);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<std::string> trial_ids(const fs::path& spec) {
  const auto listed = run_adamix("sweep '" + spec.string() + "' --dry-run");
  std::vector<std::string> ids;
  std::istringstream lines(listed.out);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line))
    if (line.size() > 12 && line[12] == ' ') ids.push_back(line.substr(0, 12));
  return ids;
}

}  // namespace adamix::testing
