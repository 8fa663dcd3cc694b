#include "worker/trial_runner.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <optional>
#include <sstream>

#include "core/data/glue.h"
#include "core/data/tokenized_split.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/sha256.h"
#include "core/runtime/device.h"
#include "core/tokenizers/tokenizer.h"
#include "core/train/classification_objective.h"
#include "core/train/expert_diagnostics.h"
#include "core/train/generator_state.h"
#include "core/train/nlg_objective.h"
#include "core/train/task_model.h"
#include "core/train/trainer.h"
#include "worker/checkpoint_io.h"
#include "worker/fault_injection.h"
#include "worker/nlg_trial.h"
#include "worker/peft_import.h"
#include "worker/trial_events.h"
#include "worker/trial_observers.h"

namespace adamix::worker {
namespace fs = std::filesystem;
namespace {

// A folder that already holds another config's trial.yaml is refused (read only: nothing is
// written before the task and model have loaded, so bad input leaves no folder behind).
void check_folder(const TrialRunOptions& options) {
  const auto path = options.out_dir / "trial.yaml";
  if (fs::exists(path) && io::read_file(path) != options.config_yaml)
    throw ConfigError(options.out_dir.string() +
                      " holds a different trial (its trial.yaml differs); choose another --out");
}

// trial.yaml is written once, when the trial starts for the first time.
void claim_folder(const TrialRunOptions& options) {
  fs::create_directories(options.out_dir);
  const auto path = options.out_dir / "trial.yaml";
  if (!fs::exists(path)) io::write_text_atomically(path, options.config_yaml);
}

std::string share(int64_t part, int64_t whole) {
  std::ostringstream text;
  text.precision(3);
  text << (whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0) << "%";
  return text.str();
}

}  // namespace

TrialResult run_trial(const TrialRunOptions& options) {
  const auto& config = options.config;
  const EventChannel channel(options.events_fd);
  if (options.events_fd >= 0) channel.check_open();
  std::optional<FaultInjector> faults;
  if (!options.inject_fault.empty())
    faults.emplace(parse_fault_rules(options.inject_fault), options.trial_id, options.attempt);
  check_folder(options);
  TrialResult result;

  const auto checkpoint_path = options.out_dir / "checkpoint.h5";
  const auto snapshot = read_resume_point(checkpoint_path, options.config_yaml, "trial config");
  result.resumed = snapshot.has_value();

  const auto device = runtime::parse_device(config.device);
  // What differs between classification (GLUE-style) and NLG trials: the objective, its model
  // and data (kept alive here), and what the log and checkpoint metadata say about them.
  std::optional<data::LoadedTask> task;
  std::optional<data::TokenizedSplit> train_split;
  std::vector<data::TokenizedSplit> dev;
  std::optional<train::TaskModel> task_model;
  std::optional<NlgTrialData> nlg;
  std::optional<train::NlgModel> nlg_model;
  std::unique_ptr<train::Objective> objective;
  peft::ParameterCount count;
  int64_t head_parameters = 0;
  int64_t train_examples = 0;
  std::string task_name;
  storage::AttributeMap kind_meta;
  if (is_nlg_trial(config)) {
    nlg.emplace(load_nlg_trial_data(config));
    nlg_model.emplace(config.model, config.method, config.train.seed, device);
    if (config.precision != config::Precision::Fp32) {
      throw ConfigError("precision: NLG trials run in fp32 for now (got " +
                        std::string(config::to_string(config.precision)) + ")");
    }
    train_examples = static_cast<int64_t>(nlg->train_rows.size());
    objective = std::make_unique<train::NlgObjective>(
        *nlg_model, nlg->train_rows, nlg->dev_rows,
        train::NlgObjectiveOptions{config.train.batch_size, config.train.label_smoothing,
                                   config.train.seed, config.train.consistency_passes});
    count = nlg_model->accounting();
    task_name = config.task.name;
    kind_meta = {{"num_outputs", int64_t{0}},
                 {"regression", int64_t{0}},
                 {"task", task_name},
                 {"main_metric", std::string("accuracy")},
                 {"nlg_metric_set", std::string(metrics::nlg::to_string(nlg->metric_set))}};
  } else {
    task.emplace(data::load_task(config.task));
    const auto tokenizer = text::load_tokenizer(config.model);
    train_split.emplace(
        data::tokenize_split(*tokenizer, task->train, config.task.max_length, task->spec.pair));
    for (const auto& split : task->dev)
      dev.push_back(
          data::tokenize_split(*tokenizer, split, config.task.max_length, task->spec.pair));
    task_model.emplace(config.model, config.method, task->spec.num_outputs(), task->spec.regression,
                       config.train.seed, device);
    if (config.precision != config::Precision::Fp32)
      task_model->set_autocast(config.precision == config::Precision::Bf16 ? torch::kBFloat16
                                                                           : torch::kFloat16);
    train_examples = train_split->size();
    objective = std::make_unique<train::ClassificationObjective>(
        *task_model, *train_split, dev,
        train::MetricSpec{task->spec.metrics, task->spec.main_metric}, config.train);
    const auto accounting = task_model->accounting();
    count = accounting.peft;
    head_parameters = accounting.head;
    task_name = task->spec.name;
    kind_meta = {{"num_outputs", task->spec.num_outputs()},
                 {"regression", int64_t{task->spec.regression}},
                 {"task", task_name},
                 {"main_metric", std::string(metrics::to_string(task->spec.main_metric))}};
  }
  // method.init_from: the adapter's LoRA in every expert (and its head) before anything reads
  // the initial weights (diagnostics measure from them); a resumed trial then loads its own.
  std::string init_line;
  if (!config.method.init_from.empty()) {
    const auto adapter =
        import_peft_lora(config.method.init_from, models::load_model_config(config.model));
    const bool head = initialise_from_adapter(objective->trainable(), adapter, config.method);
    init_line = "initialised from PEFT adapter " + config.method.init_from +
                " (LoRA r=" + std::to_string(adapter.method.size) +
                (head ? ", with its head)" : ", new head)");
  }
  // Size and experts mean something only for adapters and LoRA (head-only and full ignore them).
  const bool sized = config.method.module == peft::PeftModule::Adapter ||
                     config.method.module == peft::PeftModule::Lora;
  const std::string started = "trial " + options.trial_id + ": " + task_name + " (" +
                              std::to_string(train_examples) + " train examples) on " +
                              config.model.string() + ", " + peft::to_string(config.method.module) +
                              (sized ? " r=" + std::to_string(config.method.size) +
                                           " M=" + std::to_string(config.method.experts)
                                     : "") +
                              ", device " + config.device;
  // A metric early stopping cannot watch is a config error, found before anything is written.
  if (const auto& watched = config.train.early_stopping.metric; !watched.empty()) {
    std::vector<std::string> known;
    if (nlg) {
      known = {"dev/loss", "dev/perplexity", "dev/accuracy"};
    } else {
      for (const auto& split : task->spec.dev_splits)
        for (const auto metric : task->spec.metrics)
          known.push_back(split + "/" + metrics::to_string(metric));
    }
    if (std::find(known.begin(), known.end(), watched) == known.end()) {
      std::string list;
      for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
      throw ConfigError("train.early_stopping.metric: this trial's evaluations have no '" +
                        watched + "' (they report " + list + ")");
    }
  }
  claim_folder(options);
  TrialLog log(options.out_dir / "log.txt", options.progress);
  log.line(started);
  if (!init_line.empty()) log.line(init_line);
  log.line("parameters: backbone " + std::to_string(count.backbone) + ", PEFT trained " +
           std::to_string(count.trainable) + " (" + share(count.trainable, count.backbone) +
           "), PEFT after merging " + std::to_string(count.merged) + " (" +
           share(count.merged, count.backbone) + "), head " + std::to_string(head_parameters));

  const auto backbone_sha256 = io::sha256_file(config.model / "model.safetensors");
  storage::AttributeMap meta = {
      {"trial_id", options.trial_id},
      {"config", options.config_yaml},
      {"backbone", fs::absolute(config.model).lexically_normal().string()},
      {"backbone_sha256", backbone_sha256},
      {"library_version", std::string(ADAMIX_VERSION)},
      {"params_backbone", count.backbone},
      {"params_trainable", count.trainable},
      {"params_merged", count.merged},
      {"params_head", head_parameters},
  };
  for (const auto& item : kind_meta) meta.insert(item);

  // Per-expert diagnostics: built before a checkpoint's weights are loaded (Δ from the init).
  std::optional<train::ExpertDiagnostics> diagnostics;
  if (config.train.expert_diagnostics != train::ExpertDiagnosticsMode::Off &&
      peft::is_mixture(config.method))
    diagnostics.emplace(nlg_model ? nlg_model->peft() : task_model->peft());
  train::Trainer trainer(*objective, config.train);
  if (diagnostics) trainer.set_probe(&*diagnostics);
  if (result.resumed) {
    trainer.restore(*snapshot);
    log.line("resumed from " + checkpoint_path.string() + " at step " +
             std::to_string(snapshot->state.step));
  }
  MetricsJsonl metrics(options.out_dir / "metrics.jsonl", trainer.state().step);
  TensorBoardScalars tensorboard(options.out_dir, options.tensorboard_run, trainer.state().step);
  metrics.add_listener([&](const std::string& row) { tensorboard.add_row(row); });
  CheckpointWriter checkpoints(trainer, options.out_dir, meta, log);
  const int64_t batches = (train_examples + config.train.batch_size - 1) / config.train.batch_size;
  ProgressLine progress(log, config.train.epochs,
                        train::optimizer_steps_per_epoch(config.train, batches), 2.0);
  StopFlag stop(options.stop_requested);
  trainer.add_observer(&metrics);
  trainer.add_observer(&checkpoints);
  trainer.add_observer(&progress);
  trainer.add_observer(&stop);

  struct FinalEval : train::TrainerObserver {
    std::map<std::string, double> metrics;
    void on_evaluation(const train::TrainingState&, const train::EvalResult& r) override {
      metrics = r.metrics;
    }
  } last;
  trainer.add_observer(&last);

  // task.generate_every = K: at every K-th evaluation the dev set is decoded and scored too, one
  // more metrics row at that step (after the evaluation's own row, before the checkpoint). Its
  // own random state, so decoding never perturbs training (as evaluations do not).
  struct GenerateDuring : train::TrainerObserver {
    std::function<void(const train::TrainingState&, const train::EvalResult&)> run;
    void on_evaluation(const train::TrainingState& s, const train::EvalResult& r) override {
      run(s, r);
    }
  } during;
  if (nlg && config.task.generate_every > 0) {
    during.run = [&](const train::TrainingState& state, const train::EvalResult& evaluation) {
      // The final row does the last evaluation's (the last step, or where early stopping ends).
      const bool last = state.step == trainer.total_steps() || state.stopped_early;
      if (last || state.evaluations % config.task.generate_every != 0) return;
      train::EvaluationSeed seeded(
          nlg_model->routing().generator(),
          config.train.seed * 7919 + 31 + static_cast<uint64_t>(state.step));
      train::EvalResult row = evaluation;
      for (const auto& [name, value] :
           generate_and_score(*nlg_model, *nlg, options.out_dir, log, state.step))
        row.metrics[name] = value;
      metrics.on_evaluation(state, row);
    };
    trainer.add_observer(&during);
  }

  std::optional<TrialEvents> events;
  if (options.events_fd >= 0) {
    events.emplace(channel, options.trial_id, options.attempt);
    events->started(
        {trainer.state().step, trainer.total_steps(), result.resumed, trainer.main_metric(),
         count.backbone, count.trainable, count.merged, head_parameters, backbone_sha256},
        metrics.kept_rows());
    metrics.add_listener([&](const std::string& row) { events->metrics_row(row); });
    checkpoints.set_listener(
        [&](const fs::path& file, int64_t step) { events->checkpoint_written(file, step); });
    trainer.add_observer(&*events);
  }
  if (faults) trainer.add_observer(&*faults);  // last: after every other on_step

  result.finished = trainer.run();
  if (result.finished && nlg) {
    // The reference decodes the final model: generation and the NLG metrics once, at the end
    // (a finished trial run again finds the row and adds nothing).
    bool scored = false;
    for (const auto& row : metrics.kept_rows()) {
      const auto parsed = nlohmann::json::parse(row);
      scored = scored || (parsed.value("step", int64_t{-1}) == trainer.state().step &&
                          parsed.contains("metrics") && parsed["metrics"].contains("dev/bleu"));
    }
    if (!scored) {
      train::EvalResult row;
      row.step = trainer.state().step;
      row.epoch = trainer.state().epoch;
      row.metrics = last.metrics;
      for (const auto& [name, value] : generate_and_score(*nlg_model, *nlg, options.out_dir, log))
        row.metrics[name] = value;
      row.main_metric = trainer.main_metric();
      const auto main = row.metrics.find(row.main_metric);
      row.main_score = main == row.metrics.end() ? 0.0 : main->second;
      metrics.on_evaluation(trainer.state(), row);
      last.metrics = row.metrics;
    }
  }
  if (result.finished && trainer.state().stopped_early)
    log.line("early stopping: no improvement of " +
             (config.train.early_stopping.metric.empty() ? trainer.main_metric()
                                                         : config.train.early_stopping.metric) +
             " in " + std::to_string(config.train.early_stopping.patience) +
             " evaluations; stopped at step " + std::to_string(trainer.state().step) + " of " +
             std::to_string(trainer.total_steps()));
  result.steps = trainer.state().step;
  result.best_score = trainer.state().best_score;
  result.best_step = trainer.state().best_step;
  result.final_metrics = last.metrics;
  result.main_metric = trainer.main_metric();  // also when a finished trial is run again
  log.line(result.finished
               ? "finished: best " + result.main_metric + " " + std::to_string(result.best_score) +
                     " at step " + std::to_string(result.best_step)
               : "stopped at step " + std::to_string(result.steps) +
                     " on request; resumable from checkpoint.h5");
  if (events) {
    if (result.finished)
      events->finished(trainer.state(), result.main_metric);
    else
      events->stopped(trainer.state());
  }
  return result;
}

}  // namespace adamix::worker
