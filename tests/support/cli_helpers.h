#pragma once
// Runs the built `adamix` binary as a user would and captures what it prints.
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace adamix::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `adamix ARGS` through /bin/sh (ARGS is shell text: quote paths yourself);
// `stdin_text` is fed to its standard input.
RunResult run_adamix(const std::string& args, const std::string& stdin_text = "");

struct EventRunOptions {
  std::string stdin_text;
  std::vector<std::string> env;  // extra "KEY=VALUE" entries
  // Called with each complete events line as it arrives, and the child's pid (to signal it).
  std::function<void(pid_t pid, const std::string& line)> on_event;
  double kill_after_seconds = 300;  // SIGKILL a child that is still running then
};

struct EventRunResult {
  int exit_code = -1;               // 128 + signal when a signal ended it
  int signal = 0;                   // the signal that ended it, 0 when it exited
  std::string out;                  // stdout
  std::string err;                  // stderr
  std::vector<std::string> events;  // lines written to fd 3, without newlines
};

// Runs `adamix ARGS` (argv, no shell) with a pipe as fd 3 for `--events-fd 3`, reading stdout,
// stderr and the events while feeding stdin, so no pipe can fill up and deadlock. Core dumps
// are switched off in the child.
EventRunResult run_adamix_with_events(const std::vector<std::string>& args,
                                      const EventRunOptions& options = {});

// A fresh empty directory, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Lines of `text` (without the final newline).
int count_lines(const std::string& text);

// A tiny GPT-2 (hidden 32, 2 layers) over a byte-level BPE trained on a small corpus of the
// synthetic language, in dir/gpt2, and a data-to-text task of `size` train and `dev_size` dev
// meaning representations in dir/d2t. std::runtime_error naming the command that failed.
void make_tiny_gpt2_and_data_to_text(const std::filesystem::path& dir, int size, int dev_size);

// A tiny random BERT in DIR/model (hidden 32, 2 layers, 600-word synthetic vocabulary, init
// range 0.2 so that a frozen one carries enough signal for adapters; see the pretraining issue
// for real ones) and a synthetic single-sentence task over it in DIR/task (240 train and 100
// dev examples). Fails the calling test on error.
void make_tiny_model_and_task(const std::filesystem::path& dir);

}  // namespace adamix::testing
