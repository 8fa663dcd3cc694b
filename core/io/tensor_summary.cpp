#include "core/io/tensor_summary.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/util/text.h"

namespace adamix::io {
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
        << dtype_name(e.dtype) << std::setw(20) << util::shape_text(e.shape)
        << util::grouped(e.numel()) << "\n";
    total += e.numel();
  }
  out << rows.size() << " tensors, " << util::grouped(total) << " elements in total\n";
  return out.str();
}

}  // namespace adamix::io
