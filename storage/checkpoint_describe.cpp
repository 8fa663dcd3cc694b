// describe_checkpoint (for `adamix inspect FILE.h5`) and the typed attribute look-ups.
#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/util/text.h"
#include "storage/checkpoint.h"

namespace adamix::storage {
namespace {

std::string bytes_text(uintmax_t bytes) {
  char text[32];
  if (bytes < 1024) return std::to_string(bytes) + " B";
  if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof(text), "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else if (bytes < 1024ull * 1024 * 1024) {
    std::snprintf(text, sizeof(text), "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  } else {
    std::snprintf(text, sizeof(text), "%.2f GiB",
                  static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  }
  return text;
}

std::string value_text(const Attribute& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.10g", *d);
    return text;
  }
  return std::get<std::string>(value);
}

// Multi-line strings (the config YAML) go below their key, indented.
void write_attributes(std::ostringstream& out, const AttributeMap& attributes) {
  size_t width = 0;
  for (const auto& entry : attributes) width = std::max(width, entry.first.size());
  for (const auto& [name, value] : attributes) {
    const auto text = value_text(value);
    out << "  " << std::left << std::setw(static_cast<int>(width) + 2) << name;
    if (text.find('\n') == std::string::npos) {
      out << text << "\n";
      continue;
    }
    out << "|\n";
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
  }
}

int64_t elements(const FloatArray& array) { return static_cast<int64_t>(array.data.size()); }

const Attribute& find(const AttributeMap& map, const std::string& key) {
  const auto it = map.find(key);
  if (it == map.end()) throw IoError("checkpoint attribute " + key + " is missing");
  return it->second;
}

}  // namespace

std::string describe_checkpoint(const std::filesystem::path& path) {
  const auto checkpoint = read_checkpoint(path);  // verifies every checksum
  std::error_code error;
  const auto file_bytes = std::filesystem::file_size(path, error);
  std::ostringstream out;
  out << path.string() << ": AdaMix checkpoint, format " << checkpoint.format_version << ", "
      << bytes_text(error ? 0 : file_bytes) << ", checksums ok\n";

  out << "meta:\n";
  write_attributes(out, checkpoint.meta);

  std::set<std::string> with_moments;
  int64_t moment_elements = 0;
  for (const auto& [name, moments] : checkpoint.moments) {
    with_moments.insert(name);
    moment_elements += elements(moments.exp_avg) + elements(moments.exp_avg_sq);
  }
  size_t name_width = 4;
  for (const auto& entry : checkpoint.params) name_width = std::max(name_width, entry.first.size());
  int64_t param_elements = 0;
  out << "params:\n  " << std::left << std::setw(static_cast<int>(name_width) + 2) << "name"
      << std::setw(20) << "shape" << std::setw(14) << "elements"
      << "moments\n";
  for (const auto& [name, array] : checkpoint.params) {
    out << "  " << std::setw(static_cast<int>(name_width) + 2) << name << std::setw(20)
        << util::shape_text(array.shape) << std::setw(14) << util::grouped(elements(array))
        << (with_moments.count(name) ? "yes" : "no") << "\n";
    param_elements += elements(array);
  }

  out << "optimizer: moments of " << checkpoint.moments.size() << " of " << checkpoint.params.size()
      << " parameters (" << util::grouped(moment_elements) << " elements)\n";
  write_attributes(out, checkpoint.optimizer);

  uintmax_t rng_bytes = 0;
  size_t rng_width = 0;
  for (const auto& entry : checkpoint.rng) rng_width = std::max(rng_width, entry.first.size());
  out << "rng:\n";
  for (const auto& [name, bytes] : checkpoint.rng) {
    out << "  " << std::setw(static_cast<int>(rng_width) + 2) << name
        << util::grouped(static_cast<int64_t>(bytes.size())) << " bytes\n";
    rng_bytes += bytes.size();
  }

  out << "metrics:\n";
  write_attributes(out, checkpoint.metrics);

  out << "total: " << checkpoint.params.size() << " parameter tensors, "
      << util::grouped(param_elements) << " elements ("
      << bytes_text(static_cast<uintmax_t>(param_elements) * 4) << " float32); optimizer "
      << util::grouped(moment_elements) << " elements; rng " << bytes_text(rng_bytes) << "\n";
  return out.str();
}

int64_t attribute_int(const AttributeMap& map, const std::string& key) {
  const auto& value = find(map, key);
  if (const auto* i = std::get_if<int64_t>(&value)) return *i;
  throw IoError("checkpoint attribute " + key + " is not an integer");
}

double attribute_double(const AttributeMap& map, const std::string& key) {
  const auto& value = find(map, key);
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  throw IoError("checkpoint attribute " + key + " is not a number");
}

const std::string& attribute_string(const AttributeMap& map, const std::string& key) {
  const auto& value = find(map, key);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  throw IoError("checkpoint attribute " + key + " is not a string");
}

}  // namespace adamix::storage
