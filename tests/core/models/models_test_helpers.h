#pragma once
// Shared by the core/models tests: scratch folders and fixture paths.
#include <filesystem>
#include <string>

#include "core/models/model_config.h"

namespace adamix::models::testing {

// A fresh empty folder under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// tests/fixtures/models/<name>
std::filesystem::path fixture(const std::string& name);

// Copies a fixture model folder into `dir` and returns the copy's path.
std::filesystem::path copy_fixture(const std::string& name, const std::filesystem::path& dir);

std::string read_bytes(const std::filesystem::path& path);

// A tiny config of `arch` (bert | roberta | gpt2): hidden 32, 2 layers, 4 heads, feed-forward 64,
// 64 positions, `vocab_size` entries.
ModelConfig tiny_config(const std::string& arch, int64_t vocab_size);

}  // namespace adamix::models::testing
