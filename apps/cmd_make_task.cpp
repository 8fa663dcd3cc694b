#include <iostream>

#include "apps/commands.h"
#include "core/data/make_task.h"

namespace adamix::cli {

int run_make_task(const ParsedFlags& flags) {
  data::MakeTaskOptions options;
  options.model_dir = flags.get("model");
  options.kind = flags.get("kind");
  options.size = flags.get_int("size");
  options.dev_size = flags.get_int("dev-size");
  options.num_labels = flags.get_int("labels");
  options.seed = static_cast<uint64_t>(flags.get_int("seed"));
  options.out = flags.get("out");
  const auto spec = data::make_task(options);
  std::cerr << "wrote " << options.out.string() << " (" << spec.kind << ", " << options.size
            << " train / " << options.dev_size << " dev examples)\n";
  return 0;
}

}  // namespace adamix::cli
