#pragma once
// A sweep's run directory (docs/architecture.md): sweep.yaml (the spec, frozen at the first run),
// results.sqlite, trials/<id>/. Held under an exclusive lock (flock on .lock) while a sweep
// runs, so two orchestrators never share one database.
//
//   RunDirectory run("runs/ablations", spec_text, /*resume=*/true);  // ConfigError if in use
#include <filesystem>
#include <string>

namespace adamix::orchestrator {

class RunDirectory {
 public:
  // Creates the folder; refuses one that already holds a sweep unless `resume`, and a spec
  // that differs from the frozen one. Warns (stderr) when the database would sit on a network
  // file system where SQLite's locking is unreliable.
  RunDirectory(std::filesystem::path dir, const std::string& spec_text, bool resume);
  ~RunDirectory();  // releases the lock
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path database() const { return dir_ / "results.sqlite"; }
  bool resumed() const { return resumed_; }

 private:
  std::filesystem::path dir_;
  int lock_fd_ = -1;
  bool resumed_ = false;
};

// "nfs", "lustre", "gpfs", "cifs", ... for a network file system, "" otherwise.
std::string network_filesystem(const std::filesystem::path& path);

}  // namespace adamix::orchestrator
