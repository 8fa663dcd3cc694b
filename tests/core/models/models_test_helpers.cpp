#include "models_test_helpers.h"

#include "core/models/make_model.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

namespace adamix::models::testing {

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  path_ =
      std::filesystem::temp_directory_path() /
      ("adamix_models_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(ADAMIX_FIXTURES_DIR) / "models" / name;
}

std::filesystem::path copy_fixture(const std::string& name, const std::filesystem::path& dir) {
  const auto out = dir / name;
  std::filesystem::create_directories(out);
  for (const char* file : {"config.json", "model.safetensors"}) {
    std::filesystem::copy_file(fixture(name) / file, out / file);
  }
  return out;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ModelConfig tiny_config(const std::string& arch, int64_t vocab_size) {
  MakeModelOptions o;
  o.arch = arch;
  o.hidden = 32;
  o.layers = 2;
  o.heads = 4;
  o.intermediate = 64;
  o.vocab_size = vocab_size;
  o.max_positions = 64;
  return make_model_config(o);
}

}  // namespace adamix::models::testing
