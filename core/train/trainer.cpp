#include "core/train/trainer.h"

#include <cmath>

#include "core/error.h"
#include "core/train/generator_state.h"
#include "core/train/plateau.h"

namespace adamix::train {
namespace {

// Dropout draws from the default generator of the device the trained tensors live on: the CPU
// one, or that GPU's (CUDA dropout never touches the CPU generator). Its checkpoint entry is
// named by the device type, so a CPU checkpoint cannot silently continue with GPU dropout.
torch::Device trained_device(Objective& objective) {
  const auto& trainable = objective.trainable();
  return trainable.empty() ? torch::Device(torch::kCPU) : trainable.front().second.device();
}

at::Generator dropout_generator(torch::Device device) {
  if (device.is_cpu()) return at::detail::getDefaultCPUGenerator();
  return at::globalContext().defaultGenerator(device);
}

std::string dropout_state_name(torch::Device device) {
  return device.is_cpu() ? "dropout" : "dropout." + c10::DeviceTypeName(device.type(), true);
}

}  // namespace

Trainer::Trainer(TaskModel& model, const data::TokenizedSplit& train,
                 const std::vector<data::TokenizedSplit>& eval, MetricSpec metric_spec,
                 const TrainOptions& options)
    : Trainer(std::make_unique<ClassificationObjective>(model, train, eval, std::move(metric_spec),
                                                        options),
              options) {}

Trainer::Trainer(std::unique_ptr<Objective> owned, const TrainOptions& options)
    : owned_objective_(std::move(owned)), objective_(*owned_objective_), options_(options) {
  init();
}

Trainer::Trainer(Objective& objective, const TrainOptions& options)
    : objective_(objective), options_(options) {
  init();
}

void Trainer::init() {
  options_.validate();
  if (objective_.train_size() == 0) throw InputError("the training data holds no examples");
  if (options_.group_by_length &&
      static_cast<int64_t>(objective_.train_lengths().size()) != objective_.train_size())
    throw ConfigError("train.group_by_length: this objective's rows have no lengths to group by");
  batches_per_epoch_ = (objective_.train_size() + options_.batch_size - 1) / options_.batch_size;
  total_steps_ = total_optimizer_steps(options_, batches_per_epoch_);
  schedule_ = make_schedule(options_, total_steps_);
  optimizer_ = make_adamw(objective_.trainable(), options_);
  // Dropout draws from LibTorch's default generator: seed it so a run is reproducible.
  auto dropout = dropout_generator(trained_device(objective_));
  std::lock_guard<std::mutex> lock(dropout.mutex());
  dropout.set_current_seed(options_.seed);
}

StepReport Trainer::train_step(const std::vector<int64_t>& order, int64_t micro_batches) {
  objective_.set_training(true);
  optimizer_->zero_grad();
  StepReport report;
  const auto examples = objective_.train_size();
  for (int64_t k = 0; k < micro_batches; ++k) {
    const int64_t begin = state_.batch_in_epoch * options_.batch_size;
    const int64_t end = std::min<int64_t>(examples, begin + options_.batch_size);
    const std::vector<int64_t> rows(order.begin() + begin, order.begin() + end);
    const auto step = objective_.loss(rows);
    // One device-to-host copy for the three numbers the report needs (one sync on a GPU).
    const auto values =
        torch::stack({step.loss.detach(), step.task_loss.detach(), step.consistency.detach()})
            .to(torch::kCPU, torch::kFloat64);
    const double value = values[0].item<double>();
    if (!std::isfinite(value))
      throw DivergenceError(std::string("training diverged: loss is ") +
                            (std::isnan(value) ? "nan"
                             : value > 0       ? "inf"
                                               : "-inf") +
                            " at step " + std::to_string(state_.step + 1) + " (epoch " +
                            std::to_string(state_.epoch + 1) + ")");
    (step.loss / static_cast<double>(micro_batches)).backward();
    report.loss += value / static_cast<double>(micro_batches);
    report.task_loss += values[1].item<double>() / static_cast<double>(micro_batches);
    report.consistency += values[2].item<double>() / static_cast<double>(micro_batches);
    report.examples += step.examples;
    ++state_.batch_in_epoch;
  }
  report.lr = schedule_.lr(state_.step);
  report.total_steps = total_steps_;
  set_learning_rate(*optimizer_, report.lr);
  if (options_.max_grad_norm > 0) {
    std::vector<torch::Tensor> params;
    for (const auto& [name, p] : objective_.trainable()) params.push_back(p);
    torch::nn::utils::clip_grad_norm_(params, options_.max_grad_norm);
  }
  optimizer_->step();
  ++state_.step;
  return report;
}

bool Trainer::run() {
  for (auto* o : observers_) o->on_start(state_, total_steps_);
  while (state_.step < total_steps_ && !state_.stopped_early) {
    auto order = epoch_order(objective_.train_size(), options_.seed, state_.epoch);
    if (options_.group_by_length)
      order = group_by_length(order, objective_.train_lengths(), options_.batch_size);
    while (state_.step < total_steps_ && !state_.stopped_early) {
      const int64_t group =
          std::min(options_.grad_accum, batches_per_epoch_ - state_.batch_in_epoch);
      const auto report = train_step(order, group);
      const bool epoch_end = state_.batch_in_epoch == batches_per_epoch_;
      if (epoch_end) {
        ++state_.epoch;
        state_.batch_in_epoch = 0;
      }
      if (!after_step(report, epoch_end)) return false;
      if (epoch_end) break;
    }
  }
  for (auto* o : observers_) o->on_finish(state_);
  return true;
}

bool Trainer::after_step(const StepReport& report, bool epoch_end) {
  for (auto* o : observers_) o->on_step(state_, report);
  const bool last = state_.step == total_steps_;
  const bool evaluate_now =
      last || (options_.eval_every > 0 ? state_.step % options_.eval_every == 0 : epoch_end);
  bool is_best = false;
  if (evaluate_now) {
    const auto result = evaluate();
    is_best = result.is_best;
    for (auto* o : observers_) o->on_evaluation(state_, result);
  }
  bool stop = false;
  for (auto* o : observers_) stop = o->stop_requested() || stop;
  const bool checkpoint_now =
      evaluate_now || stop ||
      (options_.checkpoint_every > 0 && state_.step % options_.checkpoint_every == 0);
  if (checkpoint_now) checkpoint(is_best);
  return !stop;
}

void Trainer::checkpoint(bool is_best) {
  for (auto* o : observers_) o->on_checkpoint(state_, is_best);
}

EvalResult Trainer::evaluate() {
  torch::NoGradGuard no_grad;
  objective_.set_training(false);
  EvalResult result;
  result.step = state_.step;
  result.epoch = state_.epoch;
  if (probe_) probe_->before_evaluation();
  result.metrics = objective_.evaluate(state_.evaluations).metrics;
  if (probe_)
    for (const auto& [name, value] : probe_->measure()) result.metrics[name] = value;
  result.main_metric = main_metric();
  const auto main = result.metrics.find(result.main_metric);
  if (main == result.metrics.end())
    throw Error("the evaluation has no main metric " + result.main_metric);
  result.main_score = main->second;
  watch_plateau(result);
  ++state_.evaluations;
  if (result.main_score > state_.best_score) {
    state_.best_score = result.main_score;
    state_.best_step = state_.step;
    result.is_best = true;
  }
  return result;
}

void Trainer::watch_plateau(EvalResult& result) {
  const auto& stopping = options_.early_stopping;
  const std::string metric = stopping.metric.empty() ? result.main_metric : stopping.metric;
  const auto it = result.metrics.find(metric);
  if (it == result.metrics.end()) {
    std::string have;
    for (const auto& [name, value] : result.metrics)
      if (name.rfind("train/", 0) != 0 && name.rfind("expert/", 0) != 0)
        have += (have.empty() ? "" : ", ") + name;
    throw ConfigError("train.early_stopping.metric: the evaluation has no '" + metric +
                      "' (it has " + have + ")");
  }
  Plateau plateau{state_.plateau_best, state_.stale_evaluations};
  plateau.add(it->second, metric, stopping.min_delta);
  state_.plateau_best = plateau.best;
  state_.stale_evaluations = plateau.stale;
  if (stopping.patience > 0 && state_.stale_evaluations >= stopping.patience &&
      state_.step < total_steps_) {
    state_.stopped_early = true;
    result.metrics["train/early_stopped"] = 1.0;
  }
}

TrainerSnapshot Trainer::snapshot() {
  TrainerSnapshot snap;
  snap.state = state_;
  for (const auto& [name, p] : objective_.trainable())
    snap.params.emplace_back(name, p.detach().to(torch::kCPU).clone());
  snap.adam = export_adam_state(*optimizer_, objective_.trainable());
  for (auto& [name, generator] : objective_.generators())
    snap.generators[name] = generator_state(generator);
  const auto device = trained_device(objective_);
  auto dropout = dropout_generator(device);
  snap.generators[dropout_state_name(device)] = generator_state(dropout);
  if (probe_) snap.counters = probe_->counters();
  return snap;
}

void Trainer::restore(const TrainerSnapshot& snap) {
  objective_.load_trainable(snap.params);
  import_adam_state(*optimizer_, objective_.trainable(), snap.adam);
  auto generators = objective_.generators();
  const auto device = trained_device(objective_);
  generators.emplace_back(dropout_state_name(device), dropout_generator(device));
  for (const auto& [name, generator] : generators)
    if (!snap.generators.count(name))
      throw IoError("checkpoint has no " + name + " generator state" +
                    (name.rfind("dropout", 0) == 0
                         ? " (it was written on another device type; resume on the one that "
                           "wrote it, so that dropout continues exactly)"
                         : ""));
  for (auto& [name, generator] : generators)
    set_generator_state(generator, snap.generators.at(name), name);
  if (probe_) probe_->set_counters(snap.counters);
  state_ = snap.state;
}

}  // namespace adamix::train
