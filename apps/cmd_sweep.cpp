#include <algorithm>
#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "orchestrator/sweep_launch.h"
#include "sweeps/sweep_spec.h"

namespace adamix::cli {
namespace {

int run_trials(const ParsedFlags& flags) {
  orchestrator::SweepOptions options;
  options.spec = flags.positional().front();
  options.sets = flags.get_all("set");
  if (const auto run = run_directory_flag(flags)) options.out = *run;
  options.resume = flags.get_switch("resume");
  options.retry_failed = flags.get_switch("retry-failed");
  if (options.retry_failed && !options.resume)
    throw ConfigError("--retry-failed continues a sweep: add --resume");
  options.max_attempts = static_cast<int>(flags.get_int("max-attempts"));
  options.workers = static_cast<int>(flags.get_int("workers"));
  options.threads = static_cast<int>(flags.get_int("threads"));
  options.gpus_per_worker = static_cast<int>(flags.get_int("gpus-per-worker"));
  options.grace_seconds = static_cast<int>(flags.get_int("grace"));
  options.progress = flags.get("progress");
  options.noop_trials = flags.get_switch("noop-trials");
  options.executable = std::filesystem::read_symlink("/proc/self/exe");
  return orchestrator::run_sweep(options);
}

}  // namespace

std::optional<std::string> run_directory_flag(const ParsedFlags& flags) {
  const auto run = flags.get_optional("run");
  const auto out = flags.get_optional("out");
  if (run && out && *run != *out)
    throw ConfigError("--run " + *run + " and --out " + *out +
                      " name two run directories (--out is --run's older name: give one)");
  return run ? run : out;
}

// Runs the sweep (orchestrator/sweep_launch.h), or with --dry-run expands it and prints
//   sweep NAME (SPEC): N trials (G generated, E excluded, D duplicates merged)
//   ID            [TAGS  ]  CHANGES FROM THE BASE
// and one note per exclude rule that matched nothing (stderr).
int run_sweep(const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.size() != 1) throw ConfigError("sweep takes exactly one SPEC.yaml");
  if (!flags.get_switch("dry-run")) return run_trials(flags);
  const auto plan = sweeps::load_sweep(args.front(), flags.get_all("set"));

  const bool tagged = std::any_of(plan.trials.begin(), plan.trials.end(), [](const auto& t) {
    return t.tags.size() != 1 || t.tags.front().group != "grid";
  });
  size_t width = 0;
  for (const auto& trial : plan.trials)
    width = std::max(width, sweeps::describe_tags(trial).size());
  const auto summary =
      std::to_string(plan.trials.size()) + (plan.trials.size() == 1 ? " trial (" : " trials (") +
      std::to_string(plan.generated) + " generated, " + std::to_string(plan.excluded) +
      " excluded, " + std::to_string(plan.duplicates) + " duplicates merged)";
  std::cout << "sweep " << plan.name << " (" << args.front() << "): " << summary << "\n";
  for (const auto& trial : plan.trials) {
    std::string line = trial.id + "  ";
    if (tagged) {
      auto tags = sweeps::describe_tags(trial);
      tags.resize(width, ' ');
      line += tags + "  ";
    }
    const auto changes = sweeps::describe_changes(trial);
    line += changes.empty() ? "(the base)" : changes;
    std::cout << line << "\n";
  }
  std::cout << summary << "\n";
  for (const auto& note : plan.notes) std::cerr << "adamix sweep: note: " << note << "\n";
  return 0;
}

}  // namespace adamix::cli
