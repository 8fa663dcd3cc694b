#include "orchestrator/run_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "core/error.h"
#include "core/io/atomic_file.h"

namespace adamix::orchestrator {
namespace fs = std::filesystem;

std::string network_filesystem(const fs::path& path) {
  struct statfs info {};
  if (statfs(path.c_str(), &info) != 0) return "";
  switch (static_cast<unsigned long>(info.f_type)) {
    case 0x6969UL: return "nfs";
    case 0x0BD00BD0UL: return "lustre";
    case 0x47504653UL: return "gpfs";
    case 0xFF534D42UL: return "cifs";
    case 0xFE534D42UL: return "smb2";
    case 0x65735546UL: return "fuse";
    case 0x00C36400UL: return "ceph";
    case 0x01161970UL: return "gfs2";
    default: return "";
  }
}

RunDirectory::RunDirectory(fs::path dir, const std::string& spec_text, bool resume)
    : dir_(std::move(dir)) {
  std::error_code error;
  fs::create_directories(dir_ / "trials", error);
  if (error) throw IoError("cannot create " + (dir_ / "trials").string() + ": " + error.message());
  const auto lock_path = dir_ / ".lock";
  lock_fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0)
    throw IoError("cannot open " + lock_path.string() + ": " + std::strerror(errno));
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    close(lock_fd_);
    lock_fd_ = -1;
    throw ConfigError("another adamix sweep is running in " + dir_.string() +
                      " (it holds .lock); wait for it or stop it first");
  }
  const auto frozen = dir_ / "sweep.yaml";
  resumed_ = fs::exists(database());
  if (resumed_ && !resume)
    throw ConfigError(dir_.string() +
                      " already holds a sweep (results.sqlite); add --resume to continue it, or "
                      "choose another --out");
  if (fs::exists(frozen)) {
    if (io::read_file(frozen) != spec_text)
      throw ConfigError(
          "the spec differs from " + frozen.string() +
          ", frozen when this sweep started; run the changed spec with another --out");
  } else {
    io::write_text_atomically(frozen, spec_text);
  }
  const auto kind = network_filesystem(dir_);
  if (!kind.empty())
    std::cerr << "adamix sweep: warning: " << dir_.string() << " is on " << kind
              << ", where SQLite's file locking is unreliable; keep run directories on a local "
                 "or node-local disk if the database reports locking errors\n";
}

RunDirectory::~RunDirectory() {
  if (lock_fd_ >= 0) close(lock_fd_);  // closing drops the flock
}

}  // namespace adamix::orchestrator
