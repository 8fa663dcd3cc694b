#include "core/io/sha256.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "core/error.h"

namespace adamix::io {
namespace {

namespace fs = std::filesystem;

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
TEST(Sha256Test, FipsVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(sha256_hex(std::string(1, '\xbd')),
            "68325720aabd7c82f30f554b313d0570c95accbb7dc4b5aae11204c08ffe732b");
  EXPECT_EQ(sha256_hex(std::string("\xc9\x8c\x8e\x55", 4)),
            "7abc22c0ae5af26ce93dbb94433a0e0b2e119d014f8e7f65bd56c61ccccd9504");
  EXPECT_EQ(sha256_hex(std::string(55, '\0')),
            "02779466cdec163811d078815c633f21901413081449002f24aa3e80f0b88ef7");
  EXPECT_EQ(sha256_hex(std::string(56, '\0')),
            "d4817aa5497628e7c77e6b606107042bbba3130888c5f47a375e6179be789fbb");
  EXPECT_EQ(sha256_hex(std::string(57, '\0')),
            "65a16cb7861335d5ace3c60718b5052e44660726da4cd13bb745381b235a1785");
  EXPECT_EQ(sha256_hex(std::string(64, '\0')),
            "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
  EXPECT_EQ(sha256_hex(std::string(1000, '\0')),
            "541b3e9daa09b20bf85fa273e5cbd3e80185aa4ec298e765db87742b70138a53");
  EXPECT_EQ(sha256_hex(std::string(1000, 'A')),
            "c2e686823489ced2017f6059b8b239318b6364f6dcd835d0a519105a1eadd6e4");
  EXPECT_EQ(sha256_hex(std::string(1005, 'U')),
            "f4d62ddec0f3dd90ea1380fa16a5ff8dc4c54b21740650f24afc4120903552b0");
}

// Feeding the message in pieces of every size gives the one-shot digest.
TEST(Sha256Test, StreamingMatchesOneShot) {
  std::mt19937 random(7);
  std::string message(1000, '\0');
  for (auto& c : message) c = static_cast<char>(random());
  const auto expected = sha256_hex(message);
  for (size_t piece : {1, 3, 55, 56, 63, 64, 65, 127, 128, 999}) {
    Sha256 hasher;
    for (size_t at = 0; at < message.size(); at += piece)
      hasher.update(message.data() + at, std::min(piece, message.size() - at));
    EXPECT_EQ(to_hex(hasher.finish()), expected) << "piece " << piece;
  }
}

class Sha256FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("adamix_sha_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Sha256FileTest, MatchesSha256sum) {
  // Larger than the 1 MiB read block and not a multiple of 64, so block edges are crossed.
  const auto path = dir_ / "blob.bin";
  {
    std::mt19937 random(11);
    std::ofstream out(path, std::ios::binary);
    for (size_t i = 0; i < (1u << 20) * 2 + 17; ++i) out.put(static_cast<char>(random()));
  }
  const auto ours = sha256_file(path);
  FILE* pipe = ::popen(("sha256sum '" + path.string() + "' 2>/dev/null").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::array<char, 128> line{};
  const bool got = std::fgets(line.data(), line.size(), pipe) != nullptr;
  const int status = ::pclose(pipe);
  if (!got || status != 0) GTEST_SKIP() << "sha256sum is not available";
  EXPECT_EQ(ours, std::string(line.data(), 64));
}

TEST_F(Sha256FileTest, EmptyFile) {
  const auto path = dir_ / "empty";
  std::ofstream(path).close();
  EXPECT_EQ(sha256_file(path), sha256_hex(""));
}

TEST_F(Sha256FileTest, MissingFileOrDirectoryIsIoError) {
  const auto missing = dir_ / "missing.bin";
  try {
    sha256_file(missing);
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(sha256_file(dir_), IoError);
}

}  // namespace
}  // namespace adamix::io
