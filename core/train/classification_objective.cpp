#include "core/train/classification_objective.h"

#include <tuple>

#include "core/error.h"
#include "core/peft/consistency.h"
#include "core/train/batch.h"
#include "core/train/generator_state.h"

namespace adamix::train {
namespace {}  // namespace

ClassificationObjective::ClassificationObjective(TaskModel& model,
                                                 const data::TokenizedSplit& train,
                                                 const std::vector<data::TokenizedSplit>& eval,
                                                 MetricSpec metric_spec,
                                                 const TrainOptions& options)
    : model_(model),
      train_(train),
      eval_(eval),
      metric_spec_(std::move(metric_spec)),
      eval_paths_(options.eval_paths && peft::is_mixture(model.peft().options)),
      batch_size_(options.batch_size),
      label_smoothing_(options.label_smoothing),
      seed_(options.seed),
      consistency_passes_(options.consistency_passes) {
  if (train_.size() == 0) throw InputError("the training split holds no examples");
  if (eval_.empty() || eval_.front().size() == 0)
    throw InputError("the evaluation split holds no examples");
}

StepLoss ClassificationObjective::loss(const std::vector<int64_t>& rows) {
  const auto& peft = model_.peft();
  const bool consistency = peft::uses_consistency(peft.options);
  const bool paired =
      peft::pairs_consistency_passes(peft, consistency_passes_ == ConsistencyPasses::Batched);
  std::vector<int64_t> batch_rows = rows;  // paired: the rows twice, one forward for both passes
  if (paired) batch_rows.insert(batch_rows.end(), rows.begin(), rows.end());
  const Batch batch = make_batch(train_, batch_rows, model_.regression(), model_.device());
  torch::Tensor z1, z2;
  if (paired) {
    std::tie(z1, z2) = peft::paired_forward(peft, [&] { return model_.forward(batch); });
  } else {
    z1 = model_.forward(batch);
    if (consistency) z2 = model_.forward(batch);  // new routes, new dropout
  }
  const auto examples = static_cast<int64_t>(rows.size());
  const torch::Tensor labels = batch.labels.narrow(0, 0, examples);  // the first copy's
  StepLoss step;
  if (model_.regression()) {
    step.task_loss = torch::mse_loss(z1.squeeze(-1), labels);
  } else {
    step.task_loss = torch::nn::functional::cross_entropy(
        z1, labels,
        torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(label_smoothing_));
  }
  step.loss = step.task_loss;
  step.consistency = torch::zeros({}, step.task_loss.options());
  if (consistency) {
    step.consistency = model_.regression()
                           ? peft::consistency_loss_regression(z1.squeeze(-1), z2.squeeze(-1))
                           : peft::consistency_loss(z1, z2);
    step.loss = step.loss + peft.options.consistency * step.consistency;
  }
  if (const auto aux = model_.routing().take_aux_loss(); aux.defined()) step.loss = step.loss + aux;
  step.examples = examples;
  return step;
}

std::map<std::string, double> ClassificationObjective::score_split(
    const data::TokenizedSplit& split) {
  const auto n = split.size();
  std::vector<int64_t> predicted(model_.regression() ? 0 : n);
  std::vector<double> values(model_.regression() ? n : 0);
  // Batches of similar length pad less; each output goes back to its row.
  const std::vector<int64_t> order = longest_first(split.lengths());
  for (int64_t begin = 0; begin < n; begin += batch_size_) {
    const std::vector<int64_t> rows(order.begin() + begin,
                                    order.begin() + std::min(n, begin + batch_size_));
    const auto out = model_.predict(make_batch(split, rows, model_.regression(), model_.device()))
                         .to(torch::kCPU);
    if (model_.regression()) {
      const auto v = out.to(torch::kFloat64).contiguous();
      for (size_t k = 0; k < rows.size(); ++k) values[rows[k]] = v.data_ptr<double>()[k];
    } else {
      const auto c = out.argmax(-1).contiguous();
      for (size_t k = 0; k < rows.size(); ++k) predicted[rows[k]] = c.data_ptr<int64_t>()[k];
    }
  }
  std::map<std::string, double> scores;
  for (auto metric : metric_spec_.metrics) {
    scores[metrics::to_string(metric)] =
        model_.regression() ? metrics::regression_metric(metric, values, split.scores)
                            : metrics::classification_metric(metric, predicted, split.labels);
  }
  return scores;
}

Evaluation ClassificationObjective::evaluate(int64_t index) {
  const EvaluationSeed seeded(model_.routing().generator(),
                              seed_ * 7919 + 17 + static_cast<uint64_t>(index));
  const peft::MergeCacheScope merge_once(model_.routing());  // no optimizer step in here
  Evaluation result;
  for (const auto& split : eval_) {
    for (const auto& [name, score] : score_split(split))
      result.metrics[split.name + "/" + name] = score;
  }
  if (!eval_paths_) return result;
  // The same model under every other inference mode (the ablations' merge vs ensemble vs single
  // paths vs random-batch), on the first split's main metric; the configured mode is restored.
  auto& routing = model_.routing();
  const peft::InferenceMode configured = routing.inference();
  std::vector<peft::InferenceMode> modes;
  for (const auto& [down, up] : peft::expert_paths(model_.peft().options))
    modes.push_back({peft::InferenceMode::Kind::Fixed, down, up});
  for (const char* text : {"random-batch", "ensemble", "merged"})
    modes.push_back(peft::InferenceMode::parse(text));
  const auto& split = eval_.front();
  const std::string main = metrics::to_string(metric_spec_.main_metric);
  struct Restore {
    peft::RoutingContext& routing;
    peft::InferenceMode mode;
    ~Restore() { routing.set_inference(mode); }
  } restore{routing, configured};
  for (const auto& mode : modes) {
    if (mode == configured) continue;
    routing.set_inference(mode);
    result.metrics[split.name + "@" + mode.to_string() + "/" + main] = score_split(split).at(main);
  }
  return result;
}

std::string ClassificationObjective::main_metric() const {
  return eval_.front().name + "/" + metrics::to_string(metric_spec_.main_metric);
}

std::vector<std::pair<std::string, at::Generator>> ClassificationObjective::generators() {
  return {{"routing", model_.routing().generator()}};
}

}  // namespace adamix::train
