#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/io/tensor_summary.h"

namespace adamix::cli {

int run_inspect(const ParsedFlags& flags) {
  const auto& files = flags.positional();
  if (files.size() != 1) throw ConfigError("inspect takes exactly one FILE or DIR");
  std::cout << io::describe_tensor_file(files.front());
  return 0;
}

}  // namespace adamix::cli
