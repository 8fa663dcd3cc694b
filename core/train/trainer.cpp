#include "core/train/trainer.h"

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/peft/consistency.h"

namespace adamix::train {
namespace {

std::vector<uint8_t> state_bytes(at::Generator& generator) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  const auto state = generator.get_state().contiguous();
  const auto* bytes = state.data_ptr<uint8_t>();
  return {bytes, bytes + state.numel()};
}

void set_state_bytes(at::Generator& generator, const std::vector<uint8_t>& bytes,
                     const std::string& name) {
  auto tensor = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  std::memcpy(tensor.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  std::lock_guard<std::mutex> lock(generator.mutex());
  try {
    generator.set_state(tensor);
  } catch (const c10::Error& e) {
    throw IoError("invalid saved state of the " + name +
                  " generator: " + e.what_without_backtrace());
  }
}

bool uses_consistency(const peft::PeftOptions& method) {
  return method.consistency > 0 &&
         (method.module == peft::PeftModule::Adapter || method.module == peft::PeftModule::Lora);
}

}  // namespace

Trainer::Trainer(TaskModel& model, const data::TokenizedSplit& train,
                 const std::vector<data::TokenizedSplit>& eval, MetricSpec metric_spec,
                 const TrainOptions& options)
    : model_(model),
      train_(train),
      eval_(eval),
      metric_spec_(std::move(metric_spec)),
      options_(options) {
  options_.validate();
  if (train_.size() == 0) throw InputError("the training split holds no examples");
  if (eval_.empty() || eval_.front().size() == 0)
    throw InputError("the evaluation split holds no examples");
  batches_per_epoch_ = (train_.size() + options_.batch_size - 1) / options_.batch_size;
  total_steps_ = total_optimizer_steps(options_, batches_per_epoch_);
  schedule_ = make_schedule(options_, total_steps_);
  optimizer_ = make_adamw(model_.trainable(), options_);
  // Dropout draws from LibTorch's default generator: seed it so a run is reproducible.
  auto dropout = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(dropout.mutex());
  dropout.set_current_seed(options_.seed);
}

StepReport Trainer::train_step(const std::vector<int64_t>& order, int64_t micro_batches) {
  model_.train(true);
  optimizer_->zero_grad();
  StepReport report;
  const bool consistency = uses_consistency(model_.peft().options);
  const double lambda = model_.peft().options.consistency;
  for (int64_t k = 0; k < micro_batches; ++k) {
    const int64_t begin = state_.batch_in_epoch * options_.batch_size;
    const int64_t end = std::min<int64_t>(train_.size(), begin + options_.batch_size);
    const std::vector<int64_t> rows(order.begin() + begin, order.begin() + end);
    const Batch batch = make_batch(train_, rows, model_.regression(), model_.device());

    const auto z1 = model_.forward(batch);
    torch::Tensor task_loss;
    if (model_.regression()) {
      task_loss = torch::mse_loss(z1.squeeze(-1), batch.labels);
    } else {
      task_loss = torch::nn::functional::cross_entropy(
          z1, batch.labels,
          torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(
              options_.label_smoothing));
    }
    torch::Tensor loss = task_loss;
    torch::Tensor term = torch::zeros({}, task_loss.options());
    if (consistency) {
      const auto z2 = model_.forward(batch);  // new routes, new dropout
      term = model_.regression() ? peft::consistency_loss_regression(z1.squeeze(-1), z2.squeeze(-1))
                                 : peft::consistency_loss(z1, z2);
      loss = loss + lambda * term;
    }
    if (const auto aux = model_.routing().take_aux_loss(); aux.defined()) loss = loss + aux;
    // One device-to-host copy for the three numbers the report needs (one sync on a GPU).
    const auto values = torch::stack({loss.detach(), task_loss.detach(), term.detach()})
                            .to(torch::kCPU, torch::kFloat64);
    const double value = values[0].item<double>();
    if (!std::isfinite(value))
      throw DivergenceError(std::string("training diverged: loss is ") +
                            (std::isnan(value) ? "nan"
                             : value > 0       ? "inf"
                                               : "-inf") +
                            " at step " + std::to_string(state_.step + 1) + " (epoch " +
                            std::to_string(state_.epoch + 1) + ")");
    (loss / static_cast<double>(micro_batches)).backward();
    report.loss += value / static_cast<double>(micro_batches);
    report.task_loss += values[1].item<double>() / static_cast<double>(micro_batches);
    report.consistency += values[2].item<double>() / static_cast<double>(micro_batches);
    report.examples += batch.size();
    ++state_.batch_in_epoch;
  }
  report.lr = schedule_.lr(state_.step);
  report.total_steps = total_steps_;
  set_learning_rate(*optimizer_, report.lr);
  if (options_.max_grad_norm > 0) {
    std::vector<torch::Tensor> params;
    for (const auto& [name, p] : model_.trainable()) params.push_back(p);
    torch::nn::utils::clip_grad_norm_(params, options_.max_grad_norm);
  }
  optimizer_->step();
  ++state_.step;
  return report;
}

bool Trainer::run() {
  for (auto* o : observers_) o->on_start(state_, total_steps_);
  while (state_.step < total_steps_) {
    const auto order = epoch_order(train_.size(), options_.seed, state_.epoch);
    while (state_.step < total_steps_) {
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
  model_.train(false);
  auto& generator = model_.routing().generator();
  const auto training_state = state_bytes(generator);
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_current_seed(options_.seed * 7919 + 17 +
                               static_cast<uint64_t>(state_.evaluations));
  }
  EvalResult result;
  result.step = state_.step;
  result.epoch = state_.epoch;
  for (const auto& split : eval_) {
    std::vector<int64_t> predicted;
    std::vector<double> values;
    const auto n = split.size();
    for (int64_t begin = 0; begin < n; begin += options_.batch_size) {
      std::vector<int64_t> rows;
      for (int64_t i = begin; i < std::min(n, begin + options_.batch_size); ++i) rows.push_back(i);
      const auto out = model_.predict(make_batch(split, rows, model_.regression(), model_.device()))
                           .to(torch::kCPU);
      if (model_.regression()) {
        const auto v = out.to(torch::kFloat64).contiguous();
        values.insert(values.end(), v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
      } else {
        const auto c = out.argmax(-1).contiguous();
        predicted.insert(predicted.end(), c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
      }
    }
    for (auto metric : metric_spec_.metrics) {
      const double score = model_.regression()
                               ? metrics::regression_metric(metric, values, split.scores)
                               : metrics::classification_metric(metric, predicted, split.labels);
      result.metrics[split.name + "/" + metrics::to_string(metric)] = score;
    }
  }
  set_state_bytes(generator, training_state, "routing");
  result.main_metric = main_metric();
  result.main_score = result.metrics.at(result.main_metric);
  ++state_.evaluations;
  if (result.main_score > state_.best_score) {
    state_.best_score = result.main_score;
    state_.best_step = state_.step;
    result.is_best = true;
  }
  return result;
}

std::string Trainer::main_metric() const {
  return eval_.front().name + "/" + metrics::to_string(metric_spec_.main_metric);
}

TrainerSnapshot Trainer::snapshot() {
  TrainerSnapshot snap;
  snap.state = state_;
  for (const auto& [name, p] : model_.trainable())
    snap.params.emplace_back(name, p.detach().to(torch::kCPU).clone());
  snap.adam = export_adam_state(*optimizer_, model_.trainable());
  snap.generators["routing"] = state_bytes(model_.routing().generator());
  auto dropout = at::detail::getDefaultCPUGenerator();
  snap.generators["dropout"] = state_bytes(dropout);
  return snap;
}

void Trainer::restore(const TrainerSnapshot& snap) {
  model_.load_trainable(snap.params);
  import_adam_state(*optimizer_, model_.trainable(), snap.adam);
  for (const char* name : {"routing", "dropout"})
    if (!snap.generators.count(name))
      throw IoError(std::string("checkpoint has no ") + name + " generator state");
  set_state_bytes(model_.routing().generator(), snap.generators.at("routing"), "routing");
  auto dropout = at::detail::getDefaultCPUGenerator();
  set_state_bytes(dropout, snap.generators.at("dropout"), "dropout");
  state_ = snap.state;
}

}  // namespace adamix::train
