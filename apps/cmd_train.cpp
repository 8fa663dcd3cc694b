#include <csignal>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <limits>
#include <optional>

#include "apps/commands.h"
#include "apps/stop_request.h"
#include "core/error.h"
#include "core/io/sha256.h"
#include "core/runtime/memory.h"
#include "core/runtime/threads.h"
#include "sweeps/trial_yaml.h"
#include "worker/fault_injection.h"
#include "worker/trial_events.h"
#include "worker/trial_runner.h"

namespace adamix::cli {
namespace {

// `--config -` reads the YAML from stdin (how `adamix sweep` hands a trial to its child).
config::TrialConfig load_config(const std::string& source, const std::vector<std::string>& sets) {
  if (source != "-") return sweeps::load_trial_yaml(source, sets);
  std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  if (std::cin.bad()) throw IoError("cannot read the trial config from <stdin>");
  return sweeps::parse_trial_yaml(text, "<stdin>", sets);
}

int train(const ParsedFlags& flags, const std::optional<worker::EventChannel>& events) {
  runtime::retain_freed_memory();
  runtime::configure_threads(static_cast<int>(flags.get_int("threads")));
  auto config = load_config(flags.get("config"), flags.get_all("set"));
  if (const auto device = flags.get_optional("device")) config.device = *device;
  config.validate();
  worker::TrialRunOptions options;
  options.config_yaml = sweeps::to_yaml(config);
  options.config = config;
  options.trial_id = io::sha256_hex(options.config_yaml).substr(0, 12);
  options.out_dir = flags.get_optional("out").value_or("runs/train/" + options.trial_id);
  options.progress = &std::cerr;
  options.stop_requested = stop_requested;
  options.events_fd = events ? events->fd() : -1;
  options.attempt = static_cast<int>(flags.get_int("attempt"));
  if (const auto run = flags.get_optional("tensorboard-run")) options.tensorboard_run = *run;
  if (options.attempt < 1) throw ConfigError("--attempt must be at least 1");
  if (const char* rules = std::getenv(worker::kInjectFaultVariable); rules && *rules)
    options.inject_fault = rules;
  install_stop_handlers();

  const auto result = worker::run_trial(options);
  if (!result.finished) return 143;
  std::cout << "trial " << options.trial_id << " in " << options.out_dir.string() << ": best "
            << result.main_metric << " " << result.best_score << " at step " << result.best_step
            << "\n";
  for (const auto& [name, value] : result.final_metrics)
    std::cout << "  final " << name << " " << value << "\n";
  return 0;
}

}  // namespace

int run_train(const ParsedFlags& flags) {
  std::optional<worker::EventChannel> events;
  if (flags.has("events-fd")) {
    const int64_t fd = flags.get_int("events-fd");
    if (fd < 0 || fd > std::numeric_limits<int>::max())
      throw ConfigError("--events-fd " + std::to_string(fd) + ": not a file descriptor");
    events.emplace(static_cast<int>(fd));
    events->check_open();
    // A parent that died shows up as EPIPE (an IoError) instead of a silent SIGPIPE death.
    std::signal(SIGPIPE, SIG_IGN);
  }
  try {
    return train(flags, events);
  } catch (const std::exception& e) {
    if (events) worker::write_error_event(*events, e);  // main() still prints and exits 2 / 1
    throw;
  }
}

}  // namespace adamix::cli
