// Round trips and the write path of the HDF5 checkpoint.
#include "storage/checkpoint.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "core/error.h"
#include "tests/storage/checkpoint_helpers.h"

namespace adamix::storage {
namespace {

namespace fs = std::filesystem;
using test_util::read_error;
using test_util::sample_checkpoint;

class CheckpointTest : public test_util::ScratchDirTest {};

TEST_F(CheckpointTest, RoundTripsEverySection) {
  const auto original = sample_checkpoint();
  write_checkpoint(dir_ / "checkpoint.h5", original);
  EXPECT_EQ(entries(), std::vector<std::string>{"checkpoint.h5"});  // no temporary left
  const auto loaded = read_checkpoint(dir_ / "checkpoint.h5");
  test_util::expect_same(original, loaded);
  EXPECT_EQ(loaded.params[2].second.shape, std::vector<int64_t>{});  // rank 0 stays rank 0
  EXPECT_EQ(loaded.params[3].second.shape, (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(attribute_int(loaded.meta, "step"), 1200);
  EXPECT_EQ(attribute_string(loaded.meta, "trial_id"), "t-0001");
  EXPECT_EQ(attribute_double(loaded.metrics, "best_score"), 0.8125);
  EXPECT_EQ(attribute_double(loaded.metrics, "best_step"), 1000.0);
  EXPECT_THROW(attribute_int(loaded.meta, "trial_id"), IoError);
  EXPECT_THROW(attribute_string(loaded.meta, "missing"), IoError);
}

TEST_F(CheckpointTest, EmptyCheckpointRoundTrips) {
  write_checkpoint(dir_ / "empty.h5", Checkpoint{});
  test_util::expect_same(Checkpoint{}, read_checkpoint(dir_ / "empty.h5"));
}

TEST_F(CheckpointTest, StringsKeepEveryByte) {
  Checkpoint c;
  std::string big_config;
  for (int i = 0; i < 5000; ++i) big_config += "key_" + std::to_string(i) + ": value\n";
  ASSERT_GT(big_config.size(), 64u * 1024);  // beyond HDF5's compact attribute limit
  c.meta["config"] = big_config;
  c.meta["zeros"] = std::string("a\0b\0\0", 5);
  c.meta["trailing_spaces"] = std::string("x  ");
  for (int i = 0; i < 40; ++i) c.metrics["m" + std::to_string(i)] = static_cast<double>(i) / 3;
  write_checkpoint(dir_ / "c.h5", c);
  test_util::expect_same(c, read_checkpoint(dir_ / "c.h5"));
}

TEST_F(CheckpointTest, ManyDottedParamsKeepTheirOrder) {
  Checkpoint c;
  std::mt19937 random(3);
  // Created in an order that is neither sorted nor reverse sorted.
  for (int layer = 23; layer >= 0; --layer) {
    for (const char* part : {"down.weight", "up.bias", "down.bias", "up.weight"}) {
      const std::string name = "encoder.layer." + std::to_string(layer) + ".output.adapter." + part;
      FloatArray a{{2, 3}, {}};
      for (int i = 0; i < 6; ++i) a.data.push_back(std::uniform_real_distribution<float>()(random));
      c.params.emplace_back(name, a);
      if (layer % 2 == 0) c.moments.emplace_back(name, AdamMoments{a, a});
    }
  }
  write_checkpoint(dir_ / "c.h5", c);
  test_util::expect_same(c, read_checkpoint(dir_ / "c.h5"));
}

TEST_F(CheckpointTest, MillionFloatsRoundTripBitExactly) {
  Checkpoint c;
  FloatArray big{{1000, 1000}, std::vector<float>(1000000)};
  std::mt19937 random(5);
  for (auto& x : big.data) {
    const uint32_t bits = static_cast<uint32_t>(random());
    std::memcpy(&x, &bits, sizeof(x));  // every bit pattern, NaNs included
  }
  c.params.emplace_back("big", big);
  c.moments.emplace_back("big", AdamMoments{big, big});
  c.rng["state"] = std::vector<uint8_t>(100000, 0);
  write_checkpoint(dir_ / "big.h5", c);
  test_util::expect_same(c, read_checkpoint(dir_ / "big.h5"));
}

TEST_F(CheckpointTest, OverwriteReplacesTheFile) {
  auto first = sample_checkpoint();
  write_checkpoint(dir_ / "c.h5", first);
  auto second = first;
  second.meta["step"] = int64_t{2400};
  second.params.pop_back();
  write_checkpoint(dir_ / "c.h5", second);
  test_util::expect_same(second, read_checkpoint(dir_ / "c.h5"));
  EXPECT_EQ(entries(), std::vector<std::string>{"c.h5"});
}

TEST_F(CheckpointTest, SameContentGivesSameBytes) {
  write_checkpoint(dir_ / "a.h5", sample_checkpoint());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // no timestamps in the file
  write_checkpoint(dir_ / "b.h5", sample_checkpoint());
  EXPECT_EQ(test_util::read_bytes(dir_ / "a.h5"), test_util::read_bytes(dir_ / "b.h5"));
}

// A bad entry late in the checkpoint fails after the temporary exists: the old file must be
// untouched and no temporary left behind.
TEST_F(CheckpointTest, FailedWriteLeavesOldFileAndNoTemporary) {
  const auto path = dir_ / "c.h5";
  const auto original = sample_checkpoint();
  write_checkpoint(path, original);
  const auto before = test_util::read_bytes(path);

  auto expect_refused = [&](const Checkpoint& bad, const std::string& needle) {
    try {
      write_checkpoint(path, bad);
      ADD_FAILURE() << "no error for " << needle;
    } catch (const IoError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path.string()), std::string::npos) << message;
      EXPECT_NE(message.find(needle), std::string::npos) << message;
    }
    EXPECT_EQ(entries(), std::vector<std::string>{"c.h5"});
    EXPECT_EQ(test_util::read_bytes(path), before);
  };
  auto bad = original;
  bad.params.back().second.data.pop_back();
  expect_refused(bad, "/params/marker");
  bad = original;
  bad.params.emplace_back("a/b", FloatArray{{}, {1}});
  expect_refused(bad, "'a/b'");
  bad = original;
  bad.params.push_back(original.params.front());
  expect_refused(bad, "appears twice");
  bad = original;
  bad.moments.emplace_back("no.such.param", AdamMoments{});
  expect_refused(bad, "unknown parameter");
  bad = original;
  bad.moments.front().second.exp_avg_sq.shape = {24};
  expect_refused(bad, "moment shape [24]");
  bad = original;
  bad.rng[""] = {1};
  expect_refused(bad, "rng name");
  bad = original;
  bad.meta["format_version"] = int64_t{1};
  expect_refused(bad, "format_version");
  bad = original;
  bad.params.front().second.shape = {-1, 24};
  expect_refused(bad, "negative dimension");
  test_util::expect_same(original, read_checkpoint(path));
}

TEST_F(CheckpointTest, WriteIntoMissingDirectoryIsIoError) {
  const auto path = dir_ / "missing" / "c.h5";
  try {
    write_checkpoint(path, sample_checkpoint());
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_checkpoint(dir_, sample_checkpoint()), IoError);
}

TEST_F(CheckpointTest, MissingAndNonHdf5FilesAreIoErrors) {
  const auto missing = dir_ / "missing.h5";
  auto message = read_error(missing);
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
  EXPECT_NE(message.find("no such file"), std::string::npos) << message;

  const auto text = dir_ / "text.h5";
  test_util::write_bytes(text, "this is not HDF5\n" + std::string(4096, 'x'));
  message = read_error(text);
  EXPECT_NE(message.find(text.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not an HDF5 file"), std::string::npos) << message;

  const auto empty = dir_ / "empty.h5";
  test_util::write_bytes(empty, "");
  EXPECT_NE(read_error(empty).find(empty.string()), std::string::npos);
  EXPECT_NE(read_error(dir_).find("directory"), std::string::npos);
}

TEST_F(CheckpointTest, OtherFormatVersionIsRefused) {
  auto c = sample_checkpoint();
  c.format_version = 2;
  write_checkpoint(dir_ / "v2.h5", c);
  const auto message = read_error(dir_ / "v2.h5");
  EXPECT_NE(message.find((dir_ / "v2.h5").string()), std::string::npos) << message;
  EXPECT_NE(message.find("format_version is 2"), std::string::npos) << message;
}

TEST_F(CheckpointTest, DescribeListsEverything) {
  write_checkpoint(dir_ / "c.h5", sample_checkpoint());
  const auto text = describe_checkpoint(dir_ / "c.h5");
  for (const char* needle :
       {"format 1", "checksums ok", "trial_id", "t-0001", "    method: {module: adapter",
        "encoder.layer.0.output.adapter.down.weight", "[4, 2, 3]", "head.empty", "[0, 3]",
        "moments of 2 of 6 parameters", "torch_cpu   7 bytes", "best_score", "0.8125",
        "6 parameter tensors", "lr"}) {
    EXPECT_NE(text.find(needle), std::string::npos) << needle << " missing in\n" << text;
  }
  EXPECT_THROW(describe_checkpoint(dir_ / "missing.h5"), IoError);
}

// The API takes one process-wide lock, so concurrent callers are safe.
TEST_F(CheckpointTest, ConcurrentCallsAreSerialised) {
  const auto original = sample_checkpoint();
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const auto path = dir_ / ("t" + std::to_string(t) + ".h5");
      for (int i = 0; i < 10; ++i) {
        write_checkpoint(path, original);
        if (!test_util::same(original, read_checkpoint(path))) return;
      }
      ok[t] = 1;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, std::vector<int>(4, 1));
}

}  // namespace
}  // namespace adamix::storage
