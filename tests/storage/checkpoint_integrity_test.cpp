// Damaged checkpoints: flipped bytes, truncation, unfinished writes and foreign HDF5 files
// must all give an IoError naming the file, never a silently wrong checkpoint.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstring>

#include "core/error.h"
#include "storage/checkpoint.h"
#include "tests/storage/checkpoint_helpers.h"

namespace adamix::storage {
namespace {

namespace fs = std::filesystem;
using test_util::read_bytes;
using test_util::read_error;
using test_util::write_bytes;

class CheckpointIntegrityTest : public test_util::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    path_ = dir_ / "checkpoint.h5";
    write_checkpoint(path_, test_util::sample_checkpoint());
    bytes_ = read_bytes(path_);
  }

  // Where `needle` sits in the file; fails the test when it is absent or not unique.
  size_t find_unique(const std::string& needle) const {
    const auto at = bytes_.find(needle);
    EXPECT_NE(at, std::string::npos) << "pattern not in the file";
    EXPECT_EQ(bytes_.find(needle, at + 1), std::string::npos) << "pattern not unique";
    return at;
  }

  // Writes the file with byte `at` xor-ed and returns read_checkpoint's error ("" if none).
  std::string error_with_flip(size_t at, uint8_t mask = 0x01) {
    auto damaged = bytes_;
    damaged[at] = static_cast<char>(damaged[at] ^ mask);
    write_bytes(path_, damaged);
    return read_error(path_);
  }

  void expect_names_file(const std::string& message) {
    EXPECT_NE(message.find(path_.string()), std::string::npos) << message;
  }

  fs::path path_;
  std::string bytes_;
};

TEST_F(CheckpointIntegrityTest, IntactFileReads) { EXPECT_EQ(read_error(path_), ""); }

TEST_F(CheckpointIntegrityTest, FlippedParameterByteIsDetected) {
  std::string pattern;
  for (int i = 0; i < test_util::kMarkerCount; ++i) {
    pattern.append(reinterpret_cast<const char*>(&test_util::kMarkerValue), sizeof(float));
  }
  const size_t at = find_unique(pattern);
  for (size_t offset : {size_t{0}, size_t{37}, pattern.size() - 1}) {
    const auto message = error_with_flip(at + offset);
    expect_names_file(message);
    EXPECT_NE(message.find("/params/marker"), std::string::npos) << message;
    EXPECT_NE(message.find("crc32"), std::string::npos) << message;
  }
}

TEST_F(CheckpointIntegrityTest, FlippedRngByteIsDetected) {
  const size_t at = find_unique(std::string("\x00\x01\x00\x00\xff\x00\x07", 7));
  for (size_t offset = 0; offset < 7; ++offset) {
    const auto message = error_with_flip(at + offset, 0x80);
    expect_names_file(message);
    EXPECT_NE(message.find("/rng/torch_cpu"), std::string::npos) << message;
  }
}

TEST_F(CheckpointIntegrityTest, FlippedAttributeByteIsDetected) {
  for (const std::string text : {"method: {module: adapter", "models/tiny-bert", "linear"}) {
    const auto message = error_with_flip(find_unique(text) + 3);
    EXPECT_NE(message, "") << text;
    expect_names_file(message);
  }
}

TEST_F(CheckpointIntegrityTest, TruncatedFileIsDetected) {
  const size_t size = bytes_.size();
  for (size_t keep : {size_t{0}, size_t{1}, size_t{8}, size_t{47}, size_t{512}, size / 3, size / 2,
                      size - 100, size - 8, size - 1}) {
    write_bytes(path_, bytes_.substr(0, keep));
    const auto message = read_error(path_);
    EXPECT_NE(message, "") << "kept " << keep << " of " << size;
    expect_names_file(message);
  }
}

// Every single-byte change anywhere in the file either fails with IoError or leaves the
// content exactly as written (a byte HDF5 never reads, e.g. reserved space).
TEST_F(CheckpointIntegrityTest, NoFlippedByteLoadsSilentlyWrong) {
  const auto original = test_util::sample_checkpoint();
  size_t detected = 0, harmless = 0;
  for (size_t at = 0; at < bytes_.size(); ++at) {
    auto damaged = bytes_;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    fs::remove(path_);  // a fresh file: rewriting in place makes ext4 flush on every close
    write_bytes(path_, damaged);
    try {
      const auto loaded = read_checkpoint(path_);
      ASSERT_TRUE(test_util::same(original, loaded)) << "flip at byte " << at << " loaded silently";
      ++harmless;
    } catch (const IoError& e) {
      ASSERT_NE(std::string(e.what()).find(path_.string()), std::string::npos) << e.what();
      ++detected;
    }
  }
  EXPECT_GT(detected, bytes_.size() / 2) << harmless << " harmless";
}

// A write that stopped before its last step (the content checksum) is refused.
TEST_F(CheckpointIntegrityTest, UnfinishedWriteIsRefused) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  ASSERT_GE(H5Adelete(file, "adamix_content_crc32"), 0);
  ASSERT_GE(H5Fclose(file), 0);
  const auto message = read_error(path_);
  expect_names_file(message);
  EXPECT_NE(message.find("incomplete"), std::string::npos) << message;
}

TEST_F(CheckpointIntegrityTest, ForeignHdf5FileIsRefused) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const auto foreign = dir_ / "foreign.h5";
  const hid_t file = H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t group = H5Gcreate2(file, "weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(group, 0);
  H5Gclose(group);
  ASSERT_GE(H5Fclose(file), 0);
  const auto message = read_error(foreign);
  EXPECT_NE(message.find(foreign.string()), std::string::npos) << message;
  EXPECT_NE(message.find("no /meta"), std::string::npos) << message;
}

TEST_F(CheckpointIntegrityTest, ChangedAttributeIsCaughtByContentChecksum) {
  // Rewritten through HDF5 itself, so HDF5's own metadata checksums stay valid.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t group = H5Gopen2(file, "metrics", H5P_DEFAULT);
  ASSERT_GE(group, 0);
  ASSERT_GE(H5Adelete(group, "best_step"), 0);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute =
      H5Acreate2(group, "best_step", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(attribute, 0);
  const int64_t forged = 999;
  ASSERT_GE(H5Awrite(attribute, H5T_NATIVE_INT64, &forged), 0);
  H5Aclose(attribute);
  H5Sclose(space);
  H5Gclose(group);
  ASSERT_GE(H5Fclose(file), 0);
  const auto message = read_error(path_);
  expect_names_file(message);
  EXPECT_NE(message.find("content checksum"), std::string::npos) << message;
}

}  // namespace
}  // namespace adamix::storage
