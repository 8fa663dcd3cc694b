#include "storage/crc32.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace adamix::storage {
namespace {

// Bit-at-a-time reference of the same CRC (zlib's).
uint32_t slow_crc32(const uint8_t* data, size_t size) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    c ^= data[i];
    for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}

TEST(Crc32Test, KnownValues) {
  // zlib.crc32(b"123456789"), zlib.crc32(b""), zlib.crc32(b"The quick brown fox ...")
  EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(crc32("", 0), 0u);
  const std::string fox = "The quick brown fox jumps over the lazy dog";
  EXPECT_EQ(crc32(fox.data(), fox.size()), 0x414FA339u);
}

TEST(Crc32Test, MatchesReferenceAtEveryLengthAndOffset) {
  std::mt19937 random(1);
  std::vector<uint8_t> bytes(300);
  for (auto& b : bytes) b = static_cast<uint8_t>(random());
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t size = 0; size + offset <= bytes.size(); size += 7) {
      ASSERT_EQ(crc32(bytes.data() + offset, size), slow_crc32(bytes.data() + offset, size))
          << offset << " " << size;
    }
  }
}

TEST(Crc32Test, ContinuesAcrossCalls) {
  const std::string text = "encoder.layer.3.output.adapter.down.weight";
  for (size_t split = 0; split <= text.size(); ++split) {
    EXPECT_EQ(crc32(text.data() + split, text.size() - split, crc32(text.data(), split)),
              crc32(text.data(), text.size()));
  }
}

}  // namespace
}  // namespace adamix::storage
