// TensorBoard event files: each frame's checksums verify and the protocol buffers decode into
// the events written. (tests/python/interop_test.py reads them with TensorBoard's own reader.)
#include "storage/tensorboard_events.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"

namespace adamix::storage {
namespace {

namespace fs = std::filesystem;

struct Decoded {
  int64_t step = 0;
  std::string file_version, tag;
  int64_t session_status = 0;
  float value = 0;
};

// A reader of the protocol buffer wire format, enough for the fields the writer uses.
struct Reader {
  std::string_view bytes;
  size_t at = 0;
  bool done() const { return at >= bytes.size(); }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<unsigned char>(bytes.at(at++));
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  std::string_view take(size_t n) {
    const auto out = bytes.substr(at, n);
    at += n;
    return out;
  }
};

template <typename T>
T fixed(std::string_view b) {
  T v;
  std::memcpy(&v, b.data(), sizeof(T));
  return v;
}

Decoded decode_event(std::string_view bytes) {
  Decoded d;
  Reader r{bytes};
  while (!r.done()) {
    const uint64_t key = r.varint();
    const int field = static_cast<int>(key >> 3), wire = static_cast<int>(key & 7);
    if (wire == 1) {
      r.take(8);  // wall_time
    } else if (wire == 0) {
      d.step = static_cast<int64_t>(r.varint());
    } else if (wire == 2) {
      const std::string_view inner = r.take(r.varint());
      if (field == 3) d.file_version = inner;
      if (field == 7) {  // Event.session_log: SessionLog { SessionStatus status = 1; }
        Reader s{inner};
        s.varint();
        d.session_status = static_cast<int64_t>(s.varint());
      }
      if (field == 5) {  // Summary { Value value = 1 { tag = 1; simple_value = 2 } }
        Reader s{inner};
        s.varint();
        Reader v{s.take(s.varint())};
        while (!v.done()) {
          const uint64_t k = v.varint();
          if ((k >> 3) == 1) d.tag = v.take(v.varint());
          if ((k >> 3) == 2) d.value = fixed<float>(v.take(4));
        }
      }
    } else {
      ADD_FAILURE() << "unexpected wire type " << wire;
      break;
    }
  }
  return d;
}

std::vector<Decoded> read_events(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream all;
  all << in.rdbuf();
  const std::string bytes = all.str();
  std::vector<Decoded> events;
  size_t at = 0;
  while (at < bytes.size()) {
    const std::string_view length(bytes.data() + at, 8);
    EXPECT_EQ(fixed<uint32_t>(std::string_view(bytes.data() + at + 8, 4)), masked_crc32c(length));
    const auto n = fixed<uint64_t>(length);
    const std::string_view data(bytes.data() + at + 12, n);
    EXPECT_EQ(fixed<uint32_t>(std::string_view(bytes.data() + at + 12 + n, 4)),
              masked_crc32c(data));
    events.push_back(decode_event(data));
    at += 12 + n + 4;
  }
  EXPECT_EQ(at, bytes.size());
  return events;
}

TEST(TensorBoardEvents, Crc32cKnownValues) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);  // the CRC-32C check value
  EXPECT_EQ(crc32c(""), 0u);
  EXPECT_EQ(masked_crc32c(""), 0xA282EAD8u);  // TFRecord's mask of 0
}

TEST(TensorBoardEvents, FileStartsWithVersionAndSessionStartThenScalars) {
  const fs::path dir = fs::path(::testing::TempDir()) / "adamix_tb_test" / "run:a=1";
  fs::remove_all(dir.parent_path());
  {
    TensorBoardWriter tb(dir, 40);
    EXPECT_NE(tb.path().filename().string().find("tfevents"), std::string::npos);
    tb.scalar("train/loss", 41, 0.5);
    tb.scalar("dev/accuracy", 300, 0.875);
    tb.flush();
    const auto events = read_events(tb.path());
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].file_version, "brain.Event:2");
    EXPECT_EQ(events[1].step, 41);           // drops steps >= 41 of earlier files
    EXPECT_EQ(events[1].session_status, 1);  // SessionLog START
    EXPECT_EQ(events[2].tag, "train/loss");
    EXPECT_EQ(events[2].step, 41);
    EXPECT_EQ(events[2].value, 0.5f);
    EXPECT_EQ(events[3].tag, "dev/accuracy");
    EXPECT_EQ(events[3].step, 300);
    EXPECT_EQ(events[3].value, 0.875f);
  }
  std::vector<std::string> names;
  const TensorBoardWriter second(dir, 0);  // the same second: a file of its own, sorting later
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().string());
  ASSERT_EQ(names.size(), 2u);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names.back(), second.path().string());
  fs::remove_all(dir.parent_path());
}

TEST(TensorBoardEvents, UnwritableFolderIsAClearError) {
  EXPECT_THROW(TensorBoardWriter(fs::path("/proc/adamix_no_such_dir"), 0), IoError);
}

}  // namespace
}  // namespace adamix::storage
