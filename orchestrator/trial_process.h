#pragma once
// One trial as a child process (`adamix train --config - --events-fd 3 ...`), so a segfault, an
// abort, an out-of-memory kill or a NaN fails that trial only (docs/architecture.md "Distribution
// and faults"). The child reads its YAML from stdin, writes JSON-line events to fd 3 and appends
// stdout/stderr to a log file; it is killed (SIGKILL) if its parent dies (PR_SET_PDEATHSIG), so
// no orphan keeps writing into a trial folder that a resumed sweep hands to a new child.
//
//   TrialProcess child({exe, {"train", "--config", "-", ...}, yaml, "trials/x/stderr.log"});
//   while (!child.exited()) for (auto& line : child.read_events(50ms)) handle(line);
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace adamix::orchestrator {

struct TrialLaunch {
  std::filesystem::path executable;
  std::vector<std::string> arguments;  // after argv[0]
  std::string stdin_text;
  std::filesystem::path output_path;                             // stdout + stderr, appended
  std::vector<std::pair<std::string, std::string>> environment;  // set (overriding) in the child
};

struct ProcessExit {
  bool signaled = false;
  int code = 0;  // exit status, or the signal number when signaled
  // "exit code 2", "killed by signal 11 (SIGSEGV, segmentation fault)", ...
  std::string describe() const;
};

class TrialProcess {
 public:
  explicit TrialProcess(const TrialLaunch& launch);  // Error when fork/pipe/exec setup fails
  ~TrialProcess();                                   // SIGKILLs and reaps a child still running
  TrialProcess(const TrialProcess&) = delete;
  TrialProcess& operator=(const TrialProcess&) = delete;

  // Complete event lines, waiting up to `timeout` for the first; none once the pipe closed.
  std::vector<std::string> read_events(std::chrono::milliseconds timeout);
  // Non-blocking: the exit status once the child has ended and its event pipe is drained.
  std::optional<ProcessExit> poll_exit();
  void send_signal(int signal_number);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int events_fd_ = -1;
  std::string pending_;  // a partial line
  std::optional<ProcessExit> exit_;
};

std::string signal_name(int signal_number);  // "SIGSEGV"

}  // namespace adamix::orchestrator
