#include "core/data/task_folder.h"

#include <unistd.h>

#include <atomic>
#include <sstream>

#include "core/error.h"

namespace adamix::data {
namespace {

namespace fs = std::filesystem;

fs::path temporary_folder_beside(const fs::path& out) {
  static std::atomic<unsigned> counter{0};
  return out.parent_path() / ("." + out.filename().string() + ".tmp." + std::to_string(::getpid()) +
                              "." + std::to_string(counter++));
}

}  // namespace

std::string task_tsv(const std::vector<TaskRow>& rows, bool pair, bool test,
                     const char* label_header) {
  std::ostringstream out;
  if (test) {
    out << (pair ? "index\tsentence1\tsentence2\n" : "index\tsentence\n");
  } else {
    out << (pair ? "sentence1\tsentence2\t" : "sentence\t") << label_header << "\n";
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (test) out << i << "\t";
    out << rows[i].text_a;
    if (pair) out << "\t" << rows[i].text_b;
    if (!test) out << "\t" << rows[i].label;
    out << "\n";
  }
  return out.str();
}

void write_task_folder(const fs::path& out_path, const std::string& what,
                       const std::function<void(const fs::path& dir)>& fill) {
  fs::path out = out_path.lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  if (fs::exists(out) && (!fs::is_directory(out) || !fs::is_empty(out))) {
    throw IoError(what + ": " + out.string() +
                  (fs::is_directory(out) ? " is not empty" : " exists and is not a folder") +
                  "; refusing to overwrite it");
  }
  const fs::path staging = temporary_folder_beside(out);
  try {
    if (!out.parent_path().empty()) fs::create_directories(out.parent_path());
    fs::create_directory(staging);
    fill(staging);
    fs::rename(staging, out);  // replaces an empty folder at `out`
  } catch (const fs::filesystem_error& e) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw IoError(what + ": cannot write " + out.string() + ": " + e.what());
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw;
  }
}

}  // namespace adamix::data
