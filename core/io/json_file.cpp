#include "core/io/json_file.h"

#include "core/error.h"
#include "core/io/atomic_file.h"

namespace adamix::io {

nlohmann::json read_json_file(const std::filesystem::path& path) {
  const auto text = read_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw IoError(path.string() + " is not valid JSON: " + e.what());
  }
}

}  // namespace adamix::io
