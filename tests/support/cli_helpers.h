#pragma once
// Runs the built `adamix` binary as a user would and captures what it prints.
#include <filesystem>
#include <string>

namespace adamix::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `adamix ARGS` through /bin/sh (ARGS is shell text: quote paths yourself);
// `stdin_text` is fed to its standard input.
RunResult run_adamix(const std::string& args, const std::string& stdin_text = "");

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

}  // namespace adamix::testing
