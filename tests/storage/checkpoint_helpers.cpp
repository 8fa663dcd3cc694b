#include "tests/storage/checkpoint_helpers.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.h"

namespace adamix::storage::test_util {

namespace fs = std::filesystem;

void ScratchDirTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = fs::temp_directory_path() / ("adamix_storage_" + std::to_string(::getpid()) + "_" +
                                      info->test_suite_name() + "_" + info->name());
  fs::remove_all(dir_);
  fs::create_directories(dir_);
}

void ScratchDirTest::TearDown() { fs::remove_all(dir_); }

std::vector<std::string> ScratchDirTest::entries() const {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

Checkpoint sample_checkpoint() {
  Checkpoint c;
  c.meta = {{"trial_id", std::string("t-0001")},
            {"step", int64_t{1200}},
            {"epoch", int64_t{3}},
            {"config", std::string("model: m\nmethod: {module: adapter, experts: 4}\n")},
            {"backbone", std::string("models/tiny-bert")},
            {"backbone_sha256", std::string(64, 'a')},
            {"library_version", std::string("0.1.0")},
            {"trainable_parameters", int64_t{1} << 40},
            {"negative", int64_t{-7}},
            {"ratio", 0.125},
            {"empty", std::string()},
            {"utf8", std::string("caf\xc3\xa9 \xe2\x9c\x93")}};
  auto ramp = [](std::vector<int64_t> shape, float start) {
    FloatArray a;
    a.shape = std::move(shape);
    size_t n = 1;
    for (auto d : a.shape) n *= static_cast<size_t>(d);
    for (size_t i = 0; i < n; ++i) a.data.push_back(start + 0.25f * static_cast<float>(i));
    return a;
  };
  c.params.emplace_back("encoder.layer.0.output.adapter.down.weight", ramp({4, 2, 3}, 1.0f));
  c.params.emplace_back("encoder.layer.0.output.adapter.down.bias", ramp({4, 2}, -3.0f));
  c.params.emplace_back("head.scale", FloatArray{{}, {0.5f}});
  c.params.emplace_back("head.empty", FloatArray{{0, 3}, {}});
  FloatArray specials{
      {6},
      {-0.0f, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
       std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::quiet_NaN(), 3.0f}};
  c.params.emplace_back("a.specials", specials);
  c.params.emplace_back("marker",
                        FloatArray{{kMarkerCount}, std::vector<float>(kMarkerCount, kMarkerValue)});
  c.moments.emplace_back("encoder.layer.0.output.adapter.down.weight",
                         AdamMoments{ramp({4, 2, 3}, 0.01f), ramp({4, 2, 3}, 0.001f)});
  c.moments.emplace_back("head.scale", AdamMoments{{{}, {0.1f}}, {{}, {0.2f}}});
  c.optimizer = {{"step", int64_t{1200}}, {"lr", 2.5e-4}, {"schedule", std::string("linear")}};
  c.rng = {{"torch_cpu", {0, 1, 0, 0, 255, 0, 7}}, {"data_order", {}}, {"cuda", {0, 0, 0}}};
  c.metrics = {{"best_score", 0.8125}, {"best_step", int64_t{1000}}};
  return c;
}

namespace {

bool same_array(const FloatArray& a, const FloatArray& b) {
  return a.shape == b.shape && a.data.size() == b.data.size() &&
         (a.data.empty() ||
          std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0);
}

}  // namespace

bool same(const Checkpoint& a, const Checkpoint& b) {
  if (a.format_version != b.format_version || a.meta != b.meta || a.optimizer != b.optimizer ||
      a.rng != b.rng || a.metrics != b.metrics || a.params.size() != b.params.size() ||
      a.moments.size() != b.moments.size())
    return false;
  for (size_t i = 0; i < a.params.size(); ++i) {
    if (a.params[i].first != b.params[i].first ||
        !same_array(a.params[i].second, b.params[i].second))
      return false;
  }
  for (size_t i = 0; i < a.moments.size(); ++i) {
    if (a.moments[i].first != b.moments[i].first ||
        !same_array(a.moments[i].second.exp_avg, b.moments[i].second.exp_avg) ||
        !same_array(a.moments[i].second.exp_avg_sq, b.moments[i].second.exp_avg_sq))
      return false;
  }
  return true;
}

void expect_same(const Checkpoint& a, const Checkpoint& b) {
  EXPECT_EQ(a.format_version, b.format_version);
  EXPECT_EQ(a.meta, b.meta);
  EXPECT_EQ(a.optimizer, b.optimizer);
  EXPECT_EQ(a.rng, b.rng);
  EXPECT_EQ(a.metrics, b.metrics);
  ASSERT_EQ(a.params.size(), b.params.size());
  for (size_t i = 0; i < a.params.size(); ++i) {
    EXPECT_EQ(a.params[i].first, b.params[i].first) << "param " << i;
    EXPECT_TRUE(same_array(a.params[i].second, b.params[i].second)) << a.params[i].first;
  }
  ASSERT_EQ(a.moments.size(), b.moments.size());
  for (size_t i = 0; i < a.moments.size(); ++i) {
    EXPECT_EQ(a.moments[i].first, b.moments[i].first);
    EXPECT_TRUE(same_array(a.moments[i].second.exp_avg, b.moments[i].second.exp_avg));
    EXPECT_TRUE(same_array(a.moments[i].second.exp_avg_sq, b.moments[i].second.exp_avg_sq));
  }
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_error(const fs::path& path) {
  try {
    read_checkpoint(path);
  } catch (const IoError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not an IoError: " << e.what();
    return e.what();
  }
  return "";
}

}  // namespace adamix::storage::test_util
