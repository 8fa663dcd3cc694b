#include <iostream>

#include "apps/commands.h"
#include "cluster/sbatch_script.h"
#include "cluster/slurm.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "orchestrator/run_directory.h"
#include "storage/results_store.h"
#include "sweeps/sweep_spec.h"

namespace adamix::cli {
namespace fs = std::filesystem;
namespace {

int int_flag(const ParsedFlags& flags, const char* name) {
  return flags.has(name) ? static_cast<int>(flags.get_int(name)) : 0;
}

}  // namespace

// Writes RUN/job.sbatch (cluster/sbatch_script.h), freezes the spec into RUN, submits the job
// (or a chain of K jobs, each after the previous) and records every job id in the database.
// --dry-run prints the script and writes nothing.
int run_submit(const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.size() != 1) throw ConfigError("submit takes exactly one SPEC.yaml");
  const fs::path spec = fs::absolute(args.front()).lexically_normal();
  const auto sets = flags.get_all("set");
  const auto plan = sweeps::load_sweep(spec, sets);  // every spec error before anything is written
  const auto chain = flags.get_int("chain");
  if (chain < 1) throw ConfigError("--chain must be at least 1");

  cluster::SubmitSettings settings;
  settings.sweep_name = plan.name;
  settings.spec = spec;
  settings.run_dir =
      fs::absolute(run_directory_flag(flags).value_or("runs/" + plan.name)).lexically_normal();
  settings.work_dir = fs::current_path();
  settings.executable = fs::read_symlink("/proc/self/exe");
  settings.nodes = static_cast<int>(flags.get_int("nodes"));
  settings.gpus_per_node = static_cast<int>(flags.get_int("gpus-per-node"));
  settings.workers_per_node = int_flag(flags, "workers-per-node");
  settings.cpus_per_task = int_flag(flags, "cpus-per-task");
  settings.time = flags.get_optional("time").value_or("");
  settings.partition = flags.get_optional("partition").value_or("");
  settings.account = flags.get_optional("account").value_or("");
  settings.qos = flags.get_optional("qos").value_or("");
  settings.mem = flags.get_optional("mem").value_or("");
  settings.requeue = flags.get_switch("requeue");
  settings.warning_seconds = static_cast<int>(flags.get_int("warning"));
  settings.grace_seconds = static_cast<int>(flags.get_int("grace"));
  settings.sbatch_args = flags.get_all("sbatch-arg");
  settings.sets = sets;
  if (const auto env = flags.get_optional("env-file")) settings.environment = io::read_file(*env);
  settings.adamix_version = ADAMIX_VERSION;
  const auto script = cluster::sbatch_script(settings);
  if (flags.get_switch("dry-run")) {
    std::cout << script;
    return 0;
  }

  const auto script_path = settings.run_dir / "job.sbatch";
  const auto database = settings.run_dir / "results.sqlite";
  const auto spec_text = sweeps::frozen_spec_text(io::read_file(spec), sets);
  {  // The lock is released before sbatch: the job's own sweep takes it when it starts.
    orchestrator::RunDirectory run(settings.run_dir, spec_text, /*resume=*/true);
    io::write_text_atomically(script_path, script);
    storage::ResultsStore store(database, storage::ResultsStore::Access::ReadWrite);
    if (!store.sweep())
      store.put_sweep({plan.name, spec_text, storage::utc_now(), "adamix " ADAMIX_VERSION});
  }
  std::string previous;
  for (int64_t k = 1; k <= chain; ++k) {
    const auto id = cluster::submit_batch(script_path, previous);
    storage::ResultsStore store(database, storage::ResultsStore::Access::ReadWrite);
    store.add_job({id, storage::utc_now(), script,
                   chain > 1 ? "chain " + std::to_string(k) + " of " + std::to_string(chain) : ""});
    std::cout << "submitted job " << id
              << (previous.empty() ? "" : " (starts after job " + previous + ")") << "\n";
    previous = id;
  }
  std::cout << "sweep " << plan.name << ": " << plan.trials.size() << " trials; script "
            << script_path.string() << "; follow it with `adamix status --run "
            << settings.run_dir.string() << "`\n";
  return 0;
}

}  // namespace adamix::cli
