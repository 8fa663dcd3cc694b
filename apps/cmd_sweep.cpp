#include <algorithm>
#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "sweeps/sweep_spec.h"

namespace adamix::cli {

// Expands the spec (every spec error surfaces here, dry run or not); with --dry-run prints
//   sweep NAME (SPEC): N trials (G generated, E excluded, D duplicates merged)
//   ID            [TAGS  ]  CHANGES FROM THE BASE
// and one note per exclude rule that matched nothing (stderr).
int run_sweep(const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.size() != 1) throw ConfigError("sweep takes exactly one SPEC.yaml");
  const auto plan = sweeps::load_sweep(args.front());
  if (!flags.get_switch("dry-run"))
    throw ConfigError(
        "running a sweep needs the MPI orchestrator, which is not built yet; "
        "use --dry-run to list the trials of " +
        args.front());

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
