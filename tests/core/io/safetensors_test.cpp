#include "core/io/safetensors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "core/error.h"
#include "core/io/atomic_file.h"

namespace adamix::io {
namespace {

namespace fs = std::filesystem;

class SafetensorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("adamix_st_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file with the given raw JSON header and `data_bytes` zero bytes of data.
  fs::path write_raw(const std::string& header, size_t data_bytes,
                     const std::string& name = "raw.safetensors") {
    auto path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i, n >>= 8) out.put(static_cast<char>(n & 0xff));
    out << header << std::string(data_bytes, '\0');
    return path;
  }

  // The error message of opening `path`, or "" when it opens.
  static std::string open_error(const fs::path& path) {
    try {
      SafetensorsFile::open(path);
    } catch (const IoError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(SafetensorsTest, RoundTripsEveryDtype) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  const torch::ScalarType types[] = {torch::kFloat64,  torch::kFloat32, torch::kFloat16,
                                     torch::kBFloat16, torch::kInt64,   torch::kInt32,
                                     torch::kInt16,    torch::kInt8,    torch::kUInt8};
  for (auto type : types) {
    auto t = (torch::arange(0, 24, torch::kFloat64) - 7.5).reshape({2, 3, 4}).to(type);
    tensors.emplace_back(std::string("t_") + c10::toString(type), t);
  }
  tensors.emplace_back("mask", torch::tensor({true, false, true}));
  tensors.emplace_back("scalar", torch::tensor(3.25));
  tensors.emplace_back("empty", torch::zeros({0, 5}));
  const auto path = dir_ / "all.safetensors";
  save_safetensors(path, tensors, {{"format", "pt"}});

  const auto file = SafetensorsFile::open(path);
  EXPECT_EQ(file.metadata().at("format"), "pt");
  EXPECT_EQ(file.entries().size(), tensors.size());
  for (const auto& [name, expected] : tensors) {
    auto actual = file.tensor(name);
    EXPECT_EQ(actual.scalar_type(), expected.scalar_type()) << name;
    EXPECT_EQ(actual.sizes(), expected.sizes()) << name;
    EXPECT_TRUE(torch::equal(actual, expected)) << name;
  }
  EXPECT_EQ(file.entry("t_Float").dtype, DType::F32);
  EXPECT_EQ(file.entry("t_BFloat16").dtype, DType::BF16);
  EXPECT_FALSE(file.contains("nope"));
  EXPECT_THROW(file.tensor("nope"), IoError);
}

TEST_F(SafetensorsTest, HeaderIsPaddedToEightBytes) {
  const auto path = dir_ / "pad.safetensors";
  save_safetensors(path, {{"x", torch::ones({3})}});
  const auto bytes = read_file(path);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + n + 12);
}

TEST_F(SafetensorsTest, ReadsUnpaddedHeadersWithKeysOutOfOffsetOrder) {
  // As other writers produce it: keys sorted by name, data sorted otherwise, no padding.
  const auto path = write_raw(
      R"({"b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"a":{"dtype":"I16","shape":[1],"data_offsets":[2,4]}})",
      4);
  const auto file = SafetensorsFile::open(path);
  ASSERT_EQ(file.entries().size(), 2u);
  EXPECT_EQ(file.entries()[0].name, "b");
  EXPECT_EQ(file.tensor("a").item<int16_t>(), 0);
  EXPECT_EQ(file.tensor("b").sizes(), torch::IntArrayRef({2}));
}

TEST_F(SafetensorsTest, RejectsMalformedFiles) {
  const std::string ok_entry = R"("x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  struct Case {
    std::string header;
    size_t data;
    std::string expected;  // a piece of the message
  };
  const Case cases[] = {
      {"{" + ok_entry + "}", 4, "truncated"},
      {"{" + ok_entry + "}", 12, "trailing bytes"},
      {"not json at all", 0, "not valid JSON"},
      {"[1,2]", 0, "not a JSON object"},
      {R"({"x":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}})", 8, "unsupported dtype"},
      {R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8, "need 12"},
      {R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8, "out of order"},
      {R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
       8, "overlaps"},
      {R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8, "gap before tensor 'x'"},
      {R"({"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8, "bad dimension"},
      {R"({"x":{"dtype":"F32","shape":[2]}})", 8, "no 'data_offsets'"},
      {R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,"8"]}})", 8, "non-integer"},
      {R"({"__metadata__":{"a":1}})", 0, "not a string"},
  };
  for (const auto& c : cases) {
    const auto path = write_raw(c.header, c.data);
    const auto message = open_error(path);
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.header << " -> " << message;
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  }
}

TEST_F(SafetensorsTest, RejectsShortFilesAndHugeHeaders) {
  auto path = dir_ / "short.safetensors";
  std::ofstream(path) << "abc";
  EXPECT_NE(open_error(path).find("shorter than the 8-byte"), std::string::npos);

  path = dir_ / "huge.safetensors";
  {
    std::ofstream out(path, std::ios::binary);
    uint64_t n = kMaxHeaderBytes + 1;
    for (int i = 0; i < 8; ++i, n >>= 8) out.put(static_cast<char>(n & 0xff));
  }
  EXPECT_NE(open_error(path).find("exceeds the limit"), std::string::npos);

  path = dir_ / "past_end.safetensors";
  {
    std::ofstream out(path, std::ios::binary);
    uint64_t n = 1000;
    for (int i = 0; i < 8; ++i, n >>= 8) out.put(static_cast<char>(n & 0xff));
    out << "{}";
  }
  EXPECT_NE(open_error(path).find("runs past the end"), std::string::npos);
  EXPECT_NE(open_error(dir_ / "missing.safetensors").find("cannot open"), std::string::npos);
}

TEST_F(SafetensorsTest, FailedWriteLeavesExistingFileAndNoTemporary) {
  const auto path = dir_ / "keep.safetensors";
  save_safetensors(path, {{"x", torch::ones({2})}});
  const auto before = read_file(path);
  EXPECT_THROW(save_safetensors(path, {{"x", torch::ones({2})}, {"x", torch::ones({1})}}), IoError);
  EXPECT_THROW(save_safetensors(path, {{"c", torch::ones({2}, torch::kComplexFloat)}}), IoError);
  EXPECT_THROW(save_safetensors(dir_ / "no_dir" / "x.safetensors", {{"x", torch::ones({1})}}),
               IoError);
  EXPECT_EQ(read_file(path), before);
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(SafetensorsTest, WritesNonContiguousTensorsByValue) {
  auto base = torch::arange(12, torch::kFloat32).reshape({3, 4});
  const auto path = dir_ / "t.safetensors";
  save_safetensors(path, {{"t", base.t()}});
  EXPECT_TRUE(torch::equal(load_safetensors(path).at("t"), base.t()));
}

}  // namespace
}  // namespace adamix::io
