#include "data_test_helpers.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace adamix::data::testing {

namespace fs = std::filesystem;

fs::path glue_dir(const std::string& task) { return fs::path(ADAMIX_FIXTURES_DIR) / "glue" / task; }

fs::path bert_uncased_dir() {
  return fs::path(ADAMIX_FIXTURES_DIR) / "vocab" / "bert-base-uncased";
}

fs::path gpt2_dir() { return fs::path(ADAMIX_FIXTURES_DIR) / "vocab" / "gpt2"; }

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / "adamix_data_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

LoadedTask load_synthetic(const std::filesystem::path& dir) {
  TaskOptions task;
  task.name = "synthetic";
  task.dir = dir;
  return load_task(task);
}

}  // namespace adamix::data::testing
