#pragma once
// safetensors reader and writer (https://github.com/huggingface/safetensors format):
// 8-byte little-endian header length N, N bytes of JSON header, then the data buffer.
// Every malformed file gives one adamix::IoError naming the file and the problem.
//
//   auto file = adamix::io::SafetensorsFile::open("model.safetensors");
//   torch::Tensor w = file.tensor("embeddings.word_embeddings.weight");
//   adamix::io::save_safetensors("out.safetensors", {{"x", x}});
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace adamix::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

const char* dtype_name(DType dtype);  // "F32", ...
int64_t dtype_size(DType dtype);      // bytes per element
torch::ScalarType to_torch(DType dtype);
DType from_torch(torch::ScalarType type);  // throws IoError for unsupported types

struct TensorEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets into the data buffer, [begin, end)
  uint64_t end = 0;
  int64_t numel() const;
};

// Largest JSON header accepted (the reference implementation's limit is 100 MB).
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

class SafetensorsFile {
 public:
  // Reads and validates the whole file. Throws IoError on any malformation.
  static SafetensorsFile open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  // In the order of their data offsets.
  const std::vector<TensorEntry>& entries() const { return entries_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const;
  const TensorEntry& entry(const std::string& name) const;  // throws IoError when absent
  // A CPU tensor owning a copy of the bytes.
  torch::Tensor tensor(const std::string& name) const;
  // All tensors by name.
  std::map<std::string, torch::Tensor> tensors() const;

 private:
  std::filesystem::path path_;
  std::vector<TensorEntry> entries_;
  std::map<std::string, std::string> metadata_;
  std::vector<char> data_;  // the data buffer after the header
};

// Shorthand for SafetensorsFile::open(path).tensors().
std::map<std::string, torch::Tensor> load_safetensors(const std::filesystem::path& path);

// Writes tensors (any device; made contiguous and copied to CPU) in the given order. The file
// is written to a temporary name beside `path` and renamed into place, so a failure never
// leaves a partial file. Names must be unique and non-empty.
void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace adamix::io
