#include <filesystem>
#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/io/tensor_summary.h"
#include "storage/checkpoint.h"

namespace adamix::cli {

int run_inspect(const ParsedFlags& flags) {
  const auto& files = flags.positional();
  if (files.size() != 1) throw ConfigError("inspect takes exactly one FILE or DIR");
  const std::filesystem::path path = files.front();
  if (path.extension() == ".h5") {
    std::cout << storage::describe_checkpoint(path);
  } else {
    std::cout << io::describe_tensor_file(path);
  }
  return 0;
}

}  // namespace adamix::cli
