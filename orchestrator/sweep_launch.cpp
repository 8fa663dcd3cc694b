#include "orchestrator/sweep_launch.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/sha256.h"
#include "orchestrator/local_transport.h"
#include "orchestrator/mpi_transport.h"
#include "orchestrator/orchestrator.h"
#include "orchestrator/run_directory.h"
#include "orchestrator/stop_signals.h"
#include "storage/results_store.h"
#include "sweeps/sweep_spec.h"
#include "sweeps/trial_yaml.h"

namespace adamix::orchestrator {
namespace fs = std::filesystem;
namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// Relative cost of a trial, for longest-first ordering: epochs x forward/backward passes per
// step (a second pass with the consistency loss; full fine-tuning back-propagates through the
// backbone) x sequence length. Only the order matters.
double expected_cost(const config::TrialConfig& config) {
  using peft::PeftModule;
  const auto module = config.method.module;
  const bool mixture = module == PeftModule::Adapter || module == PeftModule::Lora;
  double passes = mixture && config.method.consistency > 0 ? 2 : 1;
  if (module == PeftModule::Full) passes *= 2;
  return static_cast<double>(config.train.epochs) * passes *
         static_cast<double>(config.task.max_length);
}

// The id of the configuration without its seed: the seeds of one configuration share it.
std::string config_group(config::TrialConfig config) {
  config.train.seed = 0;
  return io::sha256_hex(sweeps::to_yaml(config)).substr(0, 12);
}

std::string join_tags(const sweeps::SweepTrial& trial) {
  std::string text;
  for (const auto& tag : trial.tags)
    text += (text.empty() ? "" : ",") + tag.group + (tag.variant.empty() ? "" : ":" + tag.variant);
  return text;
}

// GPUs of the worker with node-local index `index`: the next `per_worker` entries of
// CUDA_VISIBLE_DEVICES (or of 0, 1, 2, ... when it is unset).
std::string gpus_for(int index, int per_worker) {
  if (per_worker <= 0) return "";
  std::vector<std::string> visible;
  if (const char* env = std::getenv("CUDA_VISIBLE_DEVICES"); env && *env) {
    std::stringstream list(env);
    for (std::string id; std::getline(list, id, ',');) visible.push_back(id);
  }
  std::string gpus;
  for (int k = 0; k < per_worker; ++k) {
    const size_t slot = static_cast<size_t>(index * per_worker + k);
    const auto id = visible.empty() ? std::to_string(slot)
                                    : visible.at(slot % visible.size());  // wraps: shared GPUs
    gpus += (gpus.empty() ? "" : ",") + id;
  }
  return gpus;
}

WorkerSettings worker_settings(const SweepOptions& options, int node_index, int node_workers) {
  WorkerSettings settings;
  settings.executable = options.executable;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  settings.threads = options.threads > 0 ? options.threads : std::max(1, cores / node_workers);
  settings.gpus = gpus_for(node_index, options.gpus_per_worker);
  settings.grace = std::chrono::seconds(options.grace_seconds);
  settings.noop_trials = options.noop_trials;
  return settings;
}

bool progress_on_terminal(const std::string& mode) {
  if (mode == "terminal") return true;
  if (mode == "lines") return false;
  if (mode != "auto")
    throw ConfigError("--progress must be auto, terminal or lines, not '" + mode + "'");
  return isatty(STDOUT_FILENO) != 0;
}

int report(const SweepOutcome& outcome, const fs::path& dir) {
  for (const auto& [id, error] : outcome.failures)
    std::cout << "  failed " << id << ": " << error << "\n";
  if (outcome.stop_signal != 0) {
    std::cout << "stopped by a signal: " << outcome.unfinished
              << " trials unfinished; continue with"
              << " `adamix sweep SPEC --out " << dir.string() << " --resume`\n";
    return 143;
  }
  if (outcome.stopped_early) {
    std::cout << "stopped early: every trial of the first wave failed (see above)\n";
    return 1;
  }
  if (outcome.failed > 0) {
    std::cout << outcome.failed << (outcome.failed == 1 ? " trial" : " trials")
              << " failed; `adamix status --run " << dir.string() << "` lists the errors\n";
    return 1;
  }
  return 0;
}

// A typo in a path fails the sweep at once (exit 2, nothing written), not every trial twice.
void check_inputs(const sweeps::SweepPlan& plan) {
  std::set<fs::path> checked;
  for (const auto& trial : plan.trials) {
    const auto& model = trial.config.model;
    if (checked.insert(model).second && !fs::exists(model / "config.json"))
      throw ConfigError("trial " + trial.id + ": model directory '" + model.string() +
                        "' has no config.json");
    const auto& task = trial.config.task.dir;
    if (!task.empty() && checked.insert(task).second && !fs::is_directory(task))
      throw ConfigError("trial " + trial.id + ": task directory '" + task.string() +
                        "' does not exist");
  }
}

// Rank 0 (or the single process): expand, open the run directory and database, orchestrate.
int orchestrate(const SweepOptions& options, Transport& transport) {
  const auto plan = sweeps::load_sweep(options.spec, options.sets);
  check_inputs(plan);
  const auto spec_text = sweeps::frozen_spec_text(io::read_file(options.spec), options.sets);
  RunDirectory run(options.out.value_or(fs::path("runs") / plan.name), spec_text, options.resume);
  storage::ResultsStore store(run.database(), storage::ResultsStore::Access::ReadWrite);

  std::map<std::string, const sweeps::SweepTrial*> planned;
  {
    auto transaction = store.begin();
    store.put_sweep({plan.name, spec_text, storage::utc_now(), "adamix " ADAMIX_VERSION});
    for (size_t i = 0; i < plan.trials.size(); ++i) {
      const auto& t = plan.trials[i];
      planned[t.id] = &t;
      store.ensure_trial(plan.name,
                         {t.id, static_cast<int64_t>(i), t.resolved_yaml, config_group(t.config),
                          join_tags(t), sweeps::describe_changes(t), expected_cost(t.config)});
    }
    const auto requeued =
        store.requeue_running("interrupted: the sweep process ended while it ran");
    if (requeued > 0)
      store.add_event(storage::utc_now(), "", "resume",
                      std::to_string(requeued) + " trials were running when the last run ended");
    transaction.commit();
  }

  OrchestratorSettings settings;
  settings.sweep_name = plan.name;
  settings.run_dir = run.dir();
  settings.sweep_trials = static_cast<int64_t>(plan.trials.size());
  settings.max_attempts = options.max_attempts;
  settings.grace = std::chrono::seconds(options.grace_seconds);
  settings.heartbeat_timeout = std::chrono::seconds(options.heartbeat_timeout_seconds);
  std::vector<QueuedTrial> queue;
  for (const auto& row : store.trials()) {
    const auto found = planned.find(row.trial.id);
    if (found == planned.end()) continue;  // cannot happen: the spec is frozen
    const bool retry = row.status == storage::TrialStatus::Failed && options.retry_failed;
    if (row.status == storage::TrialStatus::Done) ++settings.already_done;
    if (row.status == storage::TrialStatus::Failed && !retry) ++settings.already_failed;
    if (row.status != storage::TrialStatus::Queued && !retry) continue;
    const auto& t = *found->second;
    const auto tags = join_tags(t);
    auto label = tags == "grid" ? sweeps::describe_changes(t) : tags;
    queue.push_back({t.id, t.resolved_yaml, label.empty() ? "(the base)" : label,
                     row.trial.expected_cost, row.trial.position, row.attempts});
  }

  const bool terminal = progress_on_terminal(options.progress);
  std::cout << "sweep " << plan.name << ": " << plan.trials.size() << " trials, "
            << settings.already_done << " already done, " << queue.size() << " to run on "
            << transport.workers() << (transport.workers() == 1 ? " worker" : " workers")
            << "; results in " << run.database().string() << "\n";
  Recorder recorder(store);
  recorder.note("", "sweep",
                (run.resumed() ? "resumed: " : "started: ") + std::to_string(queue.size()) +
                    " trials to run on " + std::to_string(transport.workers()) + " workers");
  ProgressView view(std::cout, terminal);
  Orchestrator orchestrator(settings, std::move(queue), recorder, transport, view);
  const auto outcome = orchestrator.run();
  recorder.note("", "sweep",
                "ended: " + std::to_string(outcome.done) + " done, " +
                    std::to_string(outcome.failed) + " failed, " +
                    std::to_string(outcome.unfinished) + " unfinished");
  recorder.flush();
  return report(outcome, run.dir());
}

// Rank 0 failed: every worker checkpoints what it runs and leaves, so mpirun can end.
void stop_all(Transport& transport) {
  for (int w = 1; w <= transport.workers(); ++w) transport.send(w, message::stop());
}

}  // namespace

int run_sweep(const SweepOptions& options) {
  if (options.max_attempts < 1) throw ConfigError("--max-attempts must be at least 1");
  if (options.workers < 1) throw ConfigError("--workers must be at least 1");
  install_stop_handlers();
  if (launched_by_mpi()) {
    MpiSession mpi;
    if (mpi.size() > 1) {
      if (mpi.rank() != 0) {
        WorkerAgent agent(worker_settings(options, mpi.node_worker_index(), mpi.node_workers()),
                          host_name());
        run_worker_rank(agent);
        return 0;
      }
      MpiTransport transport(mpi);
      try {
        return orchestrate(options, transport);
      } catch (...) {
        stop_all(transport);
        throw;
      }
    }
  }
  LocalTransport transport(
      options.workers, [&](int i) { return worker_settings(options, i, options.workers); },
      host_name());
  return orchestrate(options, transport);
}

}  // namespace adamix::orchestrator
