#include "core/io/tensor_summary.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "core/error.h"
#include "core/io/safetensors.h"

namespace adamix::io {
namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// 1234567 -> "1,234,567"
std::string grouped(int64_t n) {
  auto digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

}  // namespace

std::string describe_tensor_file(const std::filesystem::path& path) {
  auto file_path = path;
  if (std::filesystem::is_directory(path)) file_path = path / "model.safetensors";
  if (!std::filesystem::exists(file_path)) throw IoError("no such file: " + file_path.string());
  if (file_path.extension() != ".safetensors")
    throw IoError("cannot inspect " + file_path.string() + ": expected a .safetensors file");
  const auto file = SafetensorsFile::open(file_path);

  size_t name_width = 4;
  for (const auto& e : file.entries()) name_width = std::max(name_width, e.name.size());
  std::ostringstream out;
  out << file_path.string() << "\n";
  for (const auto& [key, value] : file.metadata())
    out << "  metadata " << key << " = " << value << "\n";
  out << std::left << std::setw(static_cast<int>(name_width) + 2) << "name" << std::setw(6)
      << "dtype" << std::setw(20) << "shape"
      << "elements\n";
  int64_t total = 0;
  std::vector<TensorEntry> rows = file.entries();
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& e : rows) {
    out << std::setw(static_cast<int>(name_width) + 2) << e.name << std::setw(6)
        << dtype_name(e.dtype) << std::setw(20) << shape_text(e.shape) << grouped(e.numel())
        << "\n";
    total += e.numel();
  }
  out << rows.size() << " tensors, " << grouped(total) << " elements in total\n";
  return out.str();
}

}  // namespace adamix::io
