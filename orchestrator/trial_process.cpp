#include "orchestrator/trial_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>

#include "core/error.h"

extern char** environ;

namespace adamix::orchestrator {
namespace {

constexpr int kEventsFd = 3;  // the child's fd for events, as `--events-fd 3` tells it

std::string system_error(const std::string& what) { return what + ": " + std::strerror(errno); }

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw Error(system_error("cannot create a pipe"));
    read = fds[0];
    write = fds[1];
  }
};

std::vector<std::string> child_environment(const TrialLaunch& launch) {
  std::map<std::string, std::string> overrides(launch.environment.begin(),
                                               launch.environment.end());
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const auto name = text.substr(0, text.find('='));
    if (!overrides.count(name)) entries.push_back(text);
  }
  for (const auto& [name, value] : overrides) entries.push_back(name + "=" + value);
  return entries;
}

// Between fork and exec only async-signal-safe calls: everything is prepared beforehand.
[[noreturn]] void exec_child(const char* exe, char* const* argv, char* const* envp, int stdin_fd,
                             int events_fd, int output_fd, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
  // Its own process group: a Ctrl-C at the terminal reaches the sweep, which stops trials
  // cleanly (SIGTERM, checkpoint) instead of every trial dying mid-step.
  setpgid(0, 0);
  if (dup2(stdin_fd, 0) < 0 || dup2(output_fd, 1) < 0 || dup2(output_fd, 2) < 0 ||
      dup2(events_fd, kEventsFd) < 0)
    _exit(127);
  close_range(kEventsFd + 1, ~0U, 0);  // MPI's sockets and every other inherited descriptor
  // Default dispositions: the worker may ignore SIGPIPE or catch SIGTERM; the trial must not.
  signal(SIGPIPE, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(exe, argv, envp);
  _exit(127);
}

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the child died early; its exit status tells why
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::string signal_name(int signal_number) {
  switch (signal_number) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGINT: return "SIGINT";
    case SIGPIPE: return "SIGPIPE";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return "signal " + std::to_string(signal_number);
  }
}

std::string ProcessExit::describe() const {
  if (!signaled) return "exit code " + std::to_string(code);
  std::string text = "killed by signal " + std::to_string(code) + " (" + signal_name(code);
  if (code == SIGKILL) text += ": out of memory, or killed from outside";
  if (code == SIGSEGV) text += ": segmentation fault";
  if (code == SIGABRT) text += ": aborted";
  return text + ")";
}

TrialProcess::TrialProcess(const TrialLaunch& launch) {
  const int output_fd =
      open(launch.output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (output_fd < 0) throw IoError(system_error("cannot open " + launch.output_path.string()));
  Pipe input, events;

  std::vector<std::string> args{launch.executable.string()};
  args.insert(args.end(), launch.arguments.begin(), launch.arguments.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  auto env = child_environment(launch);
  std::vector<char*> envp;
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);

  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    for (int fd : {output_fd, input.read, input.write, events.read, events.write}) close(fd);
    throw Error(system_error("cannot start a trial process"));
  }
  if (pid_ == 0)
    exec_child(argv[0], argv.data(), envp.data(), input.read, events.write, output_fd, parent);

  close(output_fd);
  close(input.read);
  close(events.write);
  events_fd_ = events.read;
  const auto old = std::signal(SIGPIPE, SIG_IGN);  // a child that died early must not kill us
  write_all(input.write, launch.stdin_text);
  std::signal(SIGPIPE, old);
  close(input.write);
}

TrialProcess::~TrialProcess() {
  if (events_fd_ >= 0) close(events_fd_);
  if (pid_ > 0 && !exit_) {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

std::vector<std::string> TrialProcess::read_events(std::chrono::milliseconds timeout) {
  std::vector<std::string> lines;
  if (events_fd_ < 0) return lines;
  pollfd fd{events_fd_, POLLIN, 0};
  int wait_ms = static_cast<int>(timeout.count());
  while (true) {
    const int ready = poll(&fd, 1, wait_ms);
    if (ready < 0 && errno == EINTR) break;
    if (ready <= 0) break;
    char buffer[65536];
    const ssize_t n = read(events_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // EOF: the child exited (or closed fd 3)
      close(events_fd_);
      events_fd_ = -1;
      break;
    }
    pending_.append(buffer, static_cast<size_t>(n));
    wait_ms = 0;  // drain what is there, then return
  }
  size_t start = 0;
  for (size_t end; (end = pending_.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(pending_.substr(start, end - start));
  pending_.erase(0, start);
  return lines;
}

std::optional<ProcessExit> TrialProcess::poll_exit() {
  if (exit_) return exit_;
  if (events_fd_ >= 0) return std::nullopt;  // events still to drain
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == 0 || (done < 0 && errno == EINTR)) return std::nullopt;
  if (done < 0) throw Error(system_error("waitpid"));
  ProcessExit result;
  result.signaled = WIFSIGNALED(status);
  result.code = result.signaled ? WTERMSIG(status) : WEXITSTATUS(status);
  exit_ = result;
  return exit_;
}

void TrialProcess::send_signal(int signal_number) {
  if (pid_ > 0 && !exit_) kill(pid_, signal_number);
}

}  // namespace adamix::orchestrator
