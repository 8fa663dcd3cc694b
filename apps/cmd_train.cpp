#include <csignal>
#include <iostream>

#include "apps/commands.h"
#include "core/io/sha256.h"
#include "core/runtime/threads.h"
#include "sweeps/trial_yaml.h"
#include "worker/trial_runner.h"

namespace adamix::cli {
namespace {

volatile std::sig_atomic_t stop_signal = 0;

extern "C" void request_stop(int signal) { stop_signal = signal; }

// SIGTERM (Slurm's warning, `kill`) and SIGUSR2: finish the step, checkpoint, exit 143.
void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR2, &action, nullptr);
}

}  // namespace

int run_train(const ParsedFlags& flags) {
  runtime::configure_threads(static_cast<int>(flags.get_int("threads")));
  auto config = sweeps::load_trial_yaml(flags.get("config"));
  if (const auto device = flags.get_optional("device")) config.device = *device;
  config.validate();
  worker::TrialRunOptions options;
  options.config_yaml = sweeps::to_yaml(config);
  options.config = config;
  options.trial_id = io::sha256_hex(options.config_yaml).substr(0, 12);
  options.out_dir = flags.get_optional("out").value_or("runs/train/" + options.trial_id);
  options.progress = &std::cerr;
  options.stop_requested = [] { return stop_signal != 0; };
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

}  // namespace adamix::cli
