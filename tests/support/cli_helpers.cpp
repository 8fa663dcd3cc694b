#include "tests/support/cli_helpers.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace adamix::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() /
          ("adamix_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

namespace {
std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

RunResult run_adamix(const std::string& args, const std::string& stdin_text) {
  TempDir io;
  const auto in = io / "stdin", out = io / "stdout", err = io / "stderr";
  std::ofstream(in, std::ios::binary) << stdin_text;
  const std::string command = std::string("'") + ADAMIX_BINARY + "' " + args + " <'" + in.string() +
                              "' >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

int count_lines(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  if (!text.empty() && text.back() != '\n') ++lines;
  return lines;
}

}  // namespace adamix::testing

namespace adamix::testing {
EventRunResult run_adamix_with_events(const std::vector<std::string>& args,
                                      const EventRunOptions& options) {
  int in[2], out[2], err[2], events[2];
  for (int* p : {in, out, err, events})
    if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::vector<std::string> argv_text = {ADAMIX_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = options.env;  // these replace inherited ones
  const auto key = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  for (char** e = environ; *e; ++e) {
    bool replaced = false;
    for (const auto& extra : options.env) replaced = replaced || key(extra) == key(*e);
    if (!replaced) env_text.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Every pipe end is close-on-exec; the four the child keeps are moved into place. Stage
    // through fds above 10 first so that moving one cannot overwrite another.
    const int staged[4] = {
        ::fcntl(in[0], F_DUPFD_CLOEXEC, 10), ::fcntl(out[1], F_DUPFD_CLOEXEC, 10),
        ::fcntl(err[1], F_DUPFD_CLOEXEC, 10), ::fcntl(events[1], F_DUPFD_CLOEXEC, 10)};
    for (int i = 0; i < 4; ++i)
      if (staged[i] < 0 || ::dup2(staged[i], i) != i) _exit(126);
    const struct rlimit no_core = {0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::close(events[1]);

  EventRunResult result;
  std::string event_buffer;
  size_t stdin_done = 0;
  int stdin_fd = in[1];
  if (options.stdin_text.empty()) {
    ::close(stdin_fd);
    stdin_fd = -1;
  } else {
    ::fcntl(stdin_fd, F_SETFL, O_NONBLOCK);
  }
  const int readers[3] = {out[0], err[0], events[0]};
  std::string* sinks[3] = {&result.out, &result.err, &event_buffer};
  bool open[3] = {true, true, true};
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(options.kill_after_seconds);
  bool killed = false;
  while (open[0] || open[1] || open[2]) {
    std::vector<pollfd> fds;
    for (int i = 0; i < 3; ++i)
      if (open[i]) fds.push_back({readers[i], POLLIN, 0});
    if (stdin_fd >= 0) fds.push_back({stdin_fd, POLLOUT, 0});
    if (::poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR)
      throw std::runtime_error("poll failed");
    if (!killed && std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    for (const auto& p : fds) {
      if (p.fd == stdin_fd) {
        if (p.revents & (POLLOUT | POLLERR | POLLHUP)) {
          const ssize_t n = ::write(stdin_fd, options.stdin_text.data() + stdin_done,
                                    options.stdin_text.size() - stdin_done);
          if (n > 0) stdin_done += static_cast<size_t>(n);
          if (n < 0 && errno != EAGAIN && errno != EINTR) stdin_done = options.stdin_text.size();
          if (stdin_done == options.stdin_text.size()) {
            ::close(stdin_fd);
            stdin_fd = -1;
          }
        }
        continue;
      }
      if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const int i = p.fd == readers[0] ? 0 : p.fd == readers[1] ? 1 : 2;
      char buffer[65536];
      const ssize_t n = ::read(p.fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        open[i] = false;
        ::close(p.fd);
        continue;
      }
      sinks[i]->append(buffer, static_cast<size_t>(n));
      if (i != 2) continue;
      for (size_t end; (end = event_buffer.find('\n')) != std::string::npos;) {
        result.events.push_back(event_buffer.substr(0, end));
        event_buffer.erase(0, end + 1);
        if (options.on_event) options.on_event(pid, result.events.back());
      }
    }
  }
  if (!event_buffer.empty()) result.events.push_back(event_buffer);  // a torn last line
  if (stdin_fd >= 0) ::close(stdin_fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

void make_tiny_model_and_task(const fs::path& dir) {
  const auto q = [](const fs::path& p) { return "'" + p.string() + "'"; };
  auto r = run_adamix(
      "make-model --arch bert --hidden 32 --layers 2 --heads 4 --intermediate 64"
      " --vocab-size 600 --init-range 0.2 --seed 2 --out " +
      q(dir / "model"));
  if (r.exit_code != 0) throw std::runtime_error("make-model failed: " + r.err);
  r = run_adamix("make-task --model " + q(dir / "model") +
                 " --kind single --size 240 --dev-size 100 --seed 3 --out " + q(dir / "task"));
  if (r.exit_code != 0) throw std::runtime_error("make-task failed: " + r.err);
}

void make_tiny_gpt2_and_data_to_text(const fs::path& dir, int size, int dev_size) {
  const auto q = [](const fs::path& p) { return "'" + p.string() + "'"; };
  for (const std::string& args :
       {"make-task --kind corpus --tokens 20000 --vocabulary 200 --out " + q(dir / "corpus"),
        "make-tokenizer --tokenizer gpt2 --vocab-size 500 --corpus " +
            q(dir / "corpus" / "corpus.txt") + " --out " + q(dir / "tok"),
        "make-model --arch gpt2 --hidden 32 --layers 2 --heads 4 --intermediate 64 "
        "--max-positions 128 --init-range 0.2 --vocab-from " +
            q(dir / "tok") + " --out " + q(dir / "gpt2"),
        "make-task --kind data-to-text --vocabulary 200 --depth 1 --size " + std::to_string(size) +
            " --dev-size " + std::to_string(dev_size) + " --out " + q(dir / "d2t")}) {
    const auto r = run_adamix(args);
    if (r.exit_code != 0) throw std::runtime_error("adamix " + args + " failed: " + r.err);
  }
}

}  // namespace adamix::testing
