#include "core/io/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

#include "core/error.h"
#include "core/io/atomic_file.h"

namespace adamix::io {
namespace {

struct DTypeInfo {
  DType dtype;
  const char* name;
  int64_t size;
  torch::ScalarType torch_type;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8, torch::kFloat64}, {DType::F32, "F32", 4, torch::kFloat32},
    {DType::F16, "F16", 2, torch::kFloat16}, {DType::BF16, "BF16", 2, torch::kBFloat16},
    {DType::I64, "I64", 8, torch::kInt64},   {DType::I32, "I32", 4, torch::kInt32},
    {DType::I16, "I16", 2, torch::kInt16},   {DType::I8, "I8", 1, torch::kInt8},
    {DType::U8, "U8", 1, torch::kUInt8},     {DType::BOOL, "BOOL", 1, torch::kBool},
};

const DTypeInfo& info(DType dtype) {
  for (const auto& entry : kDTypes)
    if (entry.dtype == dtype) return entry;
  throw Error("unknown safetensors dtype");
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& problem) {
  throw IoError("invalid safetensors file " + path.string() + ": " + problem);
}

uint64_t read_le_u64(const char* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

uint64_t checked_offset(const std::filesystem::path& path, const std::string& name,
                        const nlohmann::json& value) {
  if (!value.is_number_unsigned())
    fail(path, "tensor '" + name + "' has a non-integer data offset");
  return value.get<uint64_t>();
}

TensorEntry parse_entry(const std::filesystem::path& path, const std::string& name,
                        const nlohmann::json& spec) {
  if (!spec.is_object()) fail(path, "tensor '" + name + "' is not a JSON object");
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!spec.contains(key)) fail(path, "tensor '" + name + "' has no '" + key + "'");
  TensorEntry entry;
  entry.name = name;
  const auto& dtype = spec["dtype"];
  if (!dtype.is_string()) fail(path, "tensor '" + name + "' has a non-string dtype");
  bool known = false;
  for (const auto& candidate : kDTypes) {
    if (dtype.get<std::string>() == candidate.name) {
      entry.dtype = candidate.dtype;
      known = true;
    }
  }
  if (!known) fail(path, "tensor '" + name + "' has unsupported dtype " + dtype.dump());
  const auto& shape = spec["shape"];
  if (!shape.is_array()) fail(path, "tensor '" + name + "' has a non-array shape");
  for (const auto& dim : shape) {
    if (!dim.is_number_unsigned())
      fail(path, "tensor '" + name + "' has a bad dimension " + dim.dump());
    entry.shape.push_back(dim.get<int64_t>());
  }
  const auto& offsets = spec["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2)
    fail(path, "tensor '" + name + "' data_offsets must be [begin, end]");
  entry.begin = checked_offset(path, name, offsets[0]);
  entry.end = checked_offset(path, name, offsets[1]);
  if (entry.end < entry.begin)
    fail(path, "tensor '" + name + "' has data_offsets out of order [" +
                   std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "]");
  const auto expected = static_cast<uint64_t>(entry.numel()) * dtype_size(entry.dtype);
  if (entry.end - entry.begin != expected)
    fail(path, "tensor '" + name + "' spans " + std::to_string(entry.end - entry.begin) +
                   " bytes but its dtype and shape need " + std::to_string(expected));
  return entry;
}

}  // namespace

const char* dtype_name(DType dtype) { return info(dtype).name; }
int64_t dtype_size(DType dtype) { return info(dtype).size; }
torch::ScalarType to_torch(DType dtype) { return info(dtype).torch_type; }

DType from_torch(torch::ScalarType type) {
  for (const auto& entry : kDTypes)
    if (entry.torch_type == type) return entry.dtype;
  throw IoError(std::string("safetensors cannot store dtype ") + c10::toString(type));
}

int64_t TensorEntry::numel() const {
  int64_t n = 1;
  for (auto dim : shape) n *= dim;
  return n;
}

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  SafetensorsFile file;
  file.path_ = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path.string() + ": " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  if (file_size < 8)
    fail(path,
         "file is " + std::to_string(file_size) + " bytes, shorter than the 8-byte header length");
  char length_bytes[8];
  in.read(length_bytes, 8);
  const uint64_t header_size = read_le_u64(length_bytes);
  if (header_size > kMaxHeaderBytes)
    fail(path, "header length " + std::to_string(header_size) + " exceeds the limit of " +
                   std::to_string(kMaxHeaderBytes));
  if (header_size > file_size - 8)
    fail(path, "header length " + std::to_string(header_size) + " runs past the end of the file (" +
                   std::to_string(file_size) + " bytes); truncated?");
  std::string header(header_size, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_size));
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(header);
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!json.is_object()) fail(path, "header is not a JSON object");

  for (auto it = json.begin(); it != json.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) fail(path, "__metadata__ is not an object");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string())
          fail(path, "__metadata__ value '" + m.key() + "' is not a string");
        file.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    file.entries_.push_back(parse_entry(path, it.key(), it.value()));
  }
  std::sort(file.entries_.begin(), file.entries_.end(),
            [](const TensorEntry& a, const TensorEntry& b) {
              return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
            });
  // Like the reference implementation: the tensors tile the data buffer exactly, without
  // overlaps or holes, and the buffer ends where the file does.
  const uint64_t data_size = file_size - 8 - header_size;
  uint64_t expected_begin = 0;
  for (const auto& entry : file.entries_) {
    if (entry.begin < expected_begin)
      fail(path, "tensor '" + entry.name + "' overlaps the previous tensor's data");
    if (entry.begin > expected_begin)
      fail(path,
           "gap before tensor '" + entry.name + "' at byte " + std::to_string(expected_begin));
    expected_begin = entry.end;
  }
  if (expected_begin > data_size)
    fail(path, "tensor data needs " + std::to_string(expected_begin) +
                   " bytes but the file holds " + std::to_string(data_size) + "; truncated?");
  if (expected_begin < data_size)
    fail(path,
         std::to_string(data_size - expected_begin) + " trailing bytes after the last tensor");

  file.data_.resize(data_size);
  in.read(file.data_.data(), static_cast<std::streamsize>(data_size));
  if (!in) fail(path, "could not read the tensor data");
  return file;
}

bool SafetensorsFile::contains(const std::string& name) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const TensorEntry& e) { return e.name == name; });
}

const TensorEntry& SafetensorsFile::entry(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return e;
  throw IoError(path_.string() + " has no tensor named '" + name + "'");
}

torch::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const auto& e = entry(name);
  auto result = torch::empty(e.shape, torch::TensorOptions().dtype(to_torch(e.dtype)));
  if (e.end > e.begin) std::memcpy(result.data_ptr(), data_.data() + e.begin, e.end - e.begin);
  return result;
}

std::map<std::string, torch::Tensor> SafetensorsFile::tensors() const {
  std::map<std::string, torch::Tensor> result;
  for (const auto& e : entries_) result.emplace(e.name, tensor(e.name));
  return result;
}

std::map<std::string, torch::Tensor> load_safetensors(const std::filesystem::path& path) {
  return SafetensorsFile::open(path).tensors();
}

void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> data;
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name.empty() || name == "__metadata__")
      throw IoError("cannot write " + path.string() + ": invalid tensor name '" + name + "'");
    if (!names.insert(name).second)
      throw IoError("cannot write " + path.string() + ": tensor name '" + name + "' appears twice");
    if (!tensor.defined())
      throw IoError("cannot write " + path.string() + ": tensor '" + name + "' is undefined");
    const DType dtype = from_torch(tensor.scalar_type());
    auto cpu = tensor.detach().to(torch::kCPU).contiguous();
    const uint64_t bytes = static_cast<uint64_t>(cpu.numel()) * dtype_size(dtype);
    header[name] = {{"dtype", dtype_name(dtype)},
                    {"shape", cpu.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    data.push_back(cpu);
  }
  std::string header_text = header.dump();
  // Pad with spaces so the data buffer starts 8-byte aligned, as the reference writer does.
  header_text.append((8 - header_text.size() % 8) % 8, ' ');
  write_file_atomically(path, [&](std::ostream& out) {
    char length_bytes[8];
    uint64_t n = header_text.size();
    for (int i = 0; i < 8; ++i, n >>= 8) length_bytes[i] = static_cast<char>(n & 0xff);
    out.write(length_bytes, 8);
    out.write(header_text.data(), static_cast<std::streamsize>(header_text.size()));
    for (const auto& t : data) {
      out.write(static_cast<const char*>(t.data_ptr()),
                static_cast<std::streamsize>(t.numel() * t.element_size()));
    }
  });
}

}  // namespace adamix::io
