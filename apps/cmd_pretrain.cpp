#include <cstdlib>
#include <iostream>

#include "apps/commands.h"
#include "apps/stop_request.h"
#include "core/runtime/memory.h"
#include "core/runtime/threads.h"
#include "sweeps/pretrain_yaml.h"
#include "worker/fault_injection.h"
#include "worker/pretrain_runner.h"

namespace adamix::cli {

int run_pretrain(const ParsedFlags& flags) {
  runtime::retain_freed_memory();
  runtime::configure_threads(static_cast<int>(flags.get_int("threads")));
  auto config = sweeps::load_pretrain_yaml(flags.get("config"), flags.get_all("set"));
  if (const auto device = flags.get_optional("device")) config.device = *device;
  config.validate();
  worker::PretrainRunOptions options;
  options.config_yaml = sweeps::to_yaml(config);
  options.config = config;
  options.out_dir = flags.get("out");
  options.progress = &std::cerr;
  options.stop_requested = stop_requested;
  if (const char* rules = std::getenv(worker::kInjectFaultVariable); rules && *rules)
    options.inject_fault = rules;
  install_stop_handlers();

  const auto result = worker::run_pretrain(options);
  if (!result.finished) return 143;
  std::cout << "pretrained model in " << options.out_dir.string() << " after " << result.steps
            << " steps\n";
  for (const auto& [name, value] : result.final_metrics)
    std::cout << "  final " << name << " " << value << "\n";
  return 0;
}

}  // namespace adamix::cli
