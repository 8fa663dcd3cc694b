#pragma once
// Shared by the storage tests: a scratch directory per test, a small but complete checkpoint,
// bit-exact comparison and raw file surgery.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "storage/checkpoint.h"

namespace adamix::storage::test_util {

class ScratchDirTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Names in dir_, without the temporaries a write leaves behind while it runs.
  std::vector<std::string> entries() const;
  std::filesystem::path dir_;
};

// Every section filled: all attribute types, dotted names, a scalar, an empty array, moments,
// rng blobs with zero bytes inside. `marker` fills /params/marker with a float pattern that
// appears nowhere else in the file, so tests can find its bytes.
Checkpoint sample_checkpoint();
constexpr float kMarkerValue = 1234.5678f;
constexpr int kMarkerCount = 64;

// Bit-exact: float data compared as bytes (NaN payloads and -0.0 included).
void expect_same(const Checkpoint& a, const Checkpoint& b);
bool same(const Checkpoint& a, const Checkpoint& b);

std::string read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, const std::string& bytes);

// The IoError message of read_checkpoint(path), or "" when it reads. Fails the test on any
// other exception.
std::string read_error(const std::filesystem::path& path);

}  // namespace adamix::storage::test_util
