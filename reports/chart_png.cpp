// write_png: runs gnuplot (from PATH) on the script of chart_gnuplot.cpp in a scratch folder,
// then moves the checked PNG into place.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <system_error>

#include "core/error.h"
#include "reports/chart.h"
#include "reports/chart_data.h"
#include "reports/chart_gnuplot.h"

extern char** environ;

namespace adamix::reports {
namespace {

namespace fs = std::filesystem;

constexpr char kPngSignature[] = "\x89PNG\r\n\x1a\n";
constexpr std::size_t kLogTail = 2000;  // chars of gnuplot's output quoted in an error

// The first executable "gnuplot" on PATH. Empty PATH entries (the current folder) are skipped:
// a report should not run whatever gnuplot sits in the results folder.
std::optional<fs::path> find_gnuplot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / "gnuplot";
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

// A private folder under the system temp folder, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "adamix-chart-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw IoError("cannot create a scratch folder " + pattern + ": " + std::strerror(errno));
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;  // best effort: a leftover temp folder is not worth an exception
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) throw IoError("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string tail(const std::string& text) {
  return text.size() <= kLogTail ? text : "..." + text.substr(text.size() - kLogTail);
}

// Runs `gnuplot -d script` (-d: no ~/.gnuplot, so user settings cannot change the picture) with
// stdin from /dev/null and stdout + stderr into log; returns the wait status.
int run_gnuplot(const fs::path& gnuplot, const fs::path& script, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string exe = gnuplot.string(), flag = "-d", file = script.string();
  char* argv[] = {exe.data(), flag.data(), file.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw IoError("cannot run " + exe + ": " + std::strerror(spawned));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw IoError("waiting for " + exe + ": " + std::strerror(errno));
  }
  return status;
}

}  // namespace

bool write_png(const Chart& chart, const fs::path& out, int width, int height) {
  check_chart(chart, width, height);
  const std::optional<fs::path> gnuplot = find_gnuplot();
  if (!gnuplot) return false;

  const ScratchDir scratch;
  const fs::path png = scratch.path() / "chart.png";
  const fs::path script = scratch.path() / "chart.gp";
  const fs::path log = scratch.path() / "gnuplot.log";
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    write_file(gnuplot_data_file(scratch.path(), s), gnuplot_data(chart, s));
  }
  write_file(script, gnuplot_script(chart, width, height, png, scratch.path()));

  const int status = run_gnuplot(*gnuplot, script, log);
  const std::string what = "gnuplot (" + gnuplot->string() + ") for chart '" + chart.title + "'";
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status)
                                ? "exited with " + std::to_string(WEXITSTATUS(status))
                                : "was killed by signal " + std::to_string(WTERMSIG(status));
    throw IoError(what + " " + how + ":\n" + tail(read_file(log)));
  }
  const std::string bytes = read_file(png);
  if (bytes.compare(0, sizeof kPngSignature - 1, kPngSignature) != 0) {
    throw IoError(what + " wrote no PNG (" + std::to_string(bytes.size()) + " bytes):\n" +
                  tail(read_file(log)));
  }

  // Through a sibling temp file, so a reader never sees half a PNG at `out`.
  const fs::path partial = out.string() + ".partial";
  write_file(partial, bytes);
  std::error_code ec;
  fs::rename(partial, out, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(partial, ec);
    throw IoError("cannot write " + out.string() + ": " + why);
  }
  return true;
}

}  // namespace adamix::reports
