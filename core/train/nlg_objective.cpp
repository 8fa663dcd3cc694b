#include "core/train/nlg_objective.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/error.h"
#include "core/peft/consistency.h"
#include "core/train/batch.h"
#include "core/train/generator_state.h"

namespace adamix::train {
namespace {

std::vector<int64_t> row_lengths(const std::vector<data::NlgEncoded>& rows) {
  std::vector<int64_t> lengths;
  for (const auto& row : rows) lengths.push_back(static_cast<int64_t>(row.input_ids.size()));
  return lengths;
}

}  // namespace

NlgBatch make_nlg_batch(const std::vector<data::NlgEncoded>& rows,
                        const std::vector<int64_t>& indices, torch::Device device) {
  size_t width = 1;
  for (int64_t i : indices) width = std::max(width, rows[i].input_ids.size());
  const auto b = static_cast<int64_t>(indices.size());
  const auto t = static_cast<int64_t>(width);
  torch::Tensor ids = torch::zeros({b, t}, torch::kLong);
  torch::Tensor targets = torch::zeros({b, t}, torch::kLong);
  torch::Tensor mask = torch::zeros({b, t}, torch::kFloat);
  auto id = ids.accessor<int64_t, 2>();
  auto target = targets.accessor<int64_t, 2>();
  auto m = mask.accessor<float, 2>();
  for (int64_t r = 0; r < b; ++r) {
    const auto& row = rows[indices[r]];
    for (size_t k = 0; k < row.input_ids.size(); ++k) {
      id[r][k] = row.input_ids[k];
      target[r][k] = row.targets[k];
      m[r][k] = row.loss_mask[k];
    }
  }
  return {ids.to(device), targets.to(device), mask.to(device)};
}

torch::Tensor nlg_lm_loss(const torch::Tensor& logits, const NlgBatch& batch,
                          double label_smoothing) {
  const int64_t vocab = logits.size(-1);
  const torch::Tensor log_probs = torch::log_softmax(logits.view({-1, vocab}), -1);
  torch::Tensor loss = -log_probs.gather(1, batch.targets.view({-1, 1})).squeeze(1);
  if (label_smoothing > 0.0001) {  // the reference's threshold
    loss = (1.0 - label_smoothing) * loss + label_smoothing * (-log_probs.mean(-1));
  }
  const torch::Tensor mask = batch.mask.view({-1});
  return (loss * mask).sum() / (mask.sum() + 0.0001);
}

NlgObjective::NlgObjective(NlgModel& model, std::vector<data::NlgEncoded> train,
                           std::vector<data::NlgEncoded> dev, NlgObjectiveOptions options)
    : model_(model), train_(std::move(train)), dev_(std::move(dev)), options_(options) {
  if (train_.empty()) throw InputError("the NLG task has no training examples");
  if (dev_.empty()) throw InputError("the NLG task has no dev examples");
}

StepLoss NlgObjective::loss(const std::vector<int64_t>& rows) {
  const auto& peft = model_.peft();
  const bool consistency = peft::uses_consistency(peft.options);
  const NlgBatch batch = make_nlg_batch(train_, rows, model_.device());
  torch::Tensor z1, z2;
  if (peft::pairs_consistency_passes(peft,
                                     options_.consistency_passes == ConsistencyPasses::Batched)) {
    const torch::Tensor twice = torch::cat({batch.input_ids, batch.input_ids});
    std::tie(z1, z2) = peft::paired_forward(peft, [&] { return model_.logits(twice); });
  } else {
    z1 = model_.logits(batch.input_ids);
    if (consistency) z2 = model_.logits(batch.input_ids);  // new routes, new dropout
  }
  StepLoss step;
  step.task_loss = nlg_lm_loss(z1, batch, options_.label_smoothing);
  step.loss = step.task_loss;
  step.consistency = torch::zeros({}, step.task_loss.options());
  const auto& method = peft.options;
  if (consistency) {
    // symmetric_KL_loss: the LM distributions where the loss mask is 1, batch-mean over them.
    const torch::Tensor selected = batch.mask.view({-1}).eq(1.0);
    // A batch whose completions max_length cut off entirely has no target position: nothing to
    // compare, the term stays 0 (as its task loss is 0 over sum(mask) + 1e-4).
    if (selected.any().item<bool>()) {
      const int64_t vocab = z1.size(-1);
      step.consistency = peft::consistency_loss(z1.view({-1, vocab}).index({selected}),
                                                z2.view({-1, vocab}).index({selected}));
      step.loss = step.loss + method.consistency * step.consistency;
    }
  }
  if (const auto aux = model_.routing().take_aux_loss(); aux.defined()) step.loss = step.loss + aux;
  step.examples = static_cast<int64_t>(rows.size());
  return step;
}

Evaluation NlgObjective::evaluate(int64_t index) {
  const EvaluationSeed seeded(model_.routing().generator(),
                              options_.seed * 7919 + 29 + static_cast<uint64_t>(index));
  const peft::MergeCacheScope merge_once(model_.routing());  // no optimizer step in here
  double loss_sum = 0, tokens = 0, right = 0;
  const auto n = static_cast<int64_t>(dev_.size());
  const std::vector<int64_t> order = longest_first(row_lengths(dev_));  // less padding
  for (int64_t begin = 0; begin < n; begin += options_.batch_size) {
    const std::vector<int64_t> rows(order.begin() + begin,
                                    order.begin() + std::min(n, begin + options_.batch_size));
    const NlgBatch batch = make_nlg_batch(dev_, rows, model_.device());
    const torch::Tensor logits = model_.logits(batch.input_ids);
    const int64_t vocab = logits.size(-1);
    const torch::Tensor mask = batch.mask.view({-1});
    const torch::Tensor flat = logits.view({-1, vocab});
    const torch::Tensor targets = batch.targets.view({-1});
    const torch::Tensor ce = torch::nn::functional::cross_entropy(
        flat, targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    loss_sum += (ce * mask).sum().item<double>();
    tokens += mask.sum().item<double>();
    right += ((flat.argmax(-1) == targets).to(torch::kFloat) * mask).sum().item<double>();
  }
  Evaluation result;
  const double loss = tokens > 0 ? loss_sum / tokens : 0.0;
  result.metrics["dev/loss"] = loss;
  result.metrics["dev/perplexity"] = std::exp(loss);
  result.metrics["dev/accuracy"] = tokens > 0 ? right / tokens : 0.0;
  return result;
}

std::vector<int64_t> NlgObjective::train_lengths() const { return row_lengths(train_); }

std::vector<std::pair<std::string, at::Generator>> NlgObjective::generators() {
  return {{"routing", model_.routing().generator()}};
}

}  // namespace adamix::train
