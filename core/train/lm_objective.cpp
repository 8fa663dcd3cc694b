#include "core/train/lm_objective.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <map>

#include "core/error.h"
#include "core/train/lm_masking.h"

namespace adamix::train {
namespace {

using torch::indexing::Slice;

void check_blocks(const torch::Tensor& blocks, const char* what, int64_t longest) {
  if (!blocks.defined() || blocks.dim() != 2 || blocks.size(0) == 0)
    throw InputError(std::string("the ") + what + " text makes no block of tokens");
  if (blocks.size(1) > longest)
    throw InputError(std::string("blocks of ") + std::to_string(blocks.size(1)) +
                     " tokens exceed the model's " + std::to_string(longest) + " positions");
}

}  // namespace

LmObjective::LmObjective(models::LanguageModel model, torch::Tensor train_blocks,
                         torch::Tensor dev_blocks, LmObjectiveOptions options, torch::Device device)
    : model_(std::move(model)),
      train_blocks_(std::move(train_blocks)),
      dev_blocks_(std::move(dev_blocks)),
      options_(std::move(options)),
      device_(device),
      masking_(at::detail::createCPUGenerator(options_.seed * 6151 + 3)) {
  const auto& config = model_->config();
  check_blocks(train_blocks_, "training", config.max_sequence_length());
  check_blocks(dev_blocks_, "held-out", config.max_sequence_length());
  if (options_.task == LmTask::Masked) {
    if (config.arch == models::Arch::Gpt2)
      throw ConfigError("masked LM needs a bert or roberta model; use causal LM for gpt2");
    if (options_.mask_token_id < 0 || options_.mask_token_id >= config.vocab_size)
      throw ConfigError("the tokenizer has no mask token for masked-LM pretraining");
    if (!(options_.mlm_probability > 0 && options_.mlm_probability < 1))
      throw ConfigError("mlm_probability must lie in (0, 1), got " +
                        std::to_string(options_.mlm_probability));
  } else if (config.arch != models::Arch::Gpt2) {
    throw ConfigError("causal LM needs a gpt2 model; use masked LM for bert and roberta");
  }
  model_->to(device_);
  trainable_ = model_->hf_weights();
  for (auto& [name, tensor] : trainable_) tensor.set_requires_grad(true);
}

std::pair<torch::Tensor, torch::Tensor> LmObjective::inputs_and_labels(
    const torch::Tensor& ids, torch::Generator& generator) const {
  if (options_.task == LmTask::Causal) return {ids, ids};
  const auto special = special_tokens_mask(ids, options_.special_ids);
  const auto vocab = model_->config().vocab_size;
  const auto masked =
      options_.whole_word_mask
          ? mask_whole_words(ids, special, options_.continuation, options_.mask_token_id, vocab,
                             options_.mlm_probability, generator)
          : mask_tokens(ids, special, options_.mask_token_id, vocab, options_.mlm_probability,
                        generator);
  return {masked.input_ids, masked.labels};
}

std::pair<torch::Tensor, torch::Tensor> LmObjective::predictions(const torch::Tensor& ids,
                                                                 torch::Generator& generator) {
  const auto [inputs, labels] = inputs_and_labels(ids, generator);
  const auto targets = labels.to(device_);
  if (options_.task == LmTask::Masked) {
    const auto selected = targets.ne(models::kIgnoreIndex);
    return {model_->forward(inputs.to(device_), {}, selected), targets.masked_select(selected)};
  }
  // GPT2LMHeadModel: position t predicts token t + 1.
  const auto logits = model_->forward(inputs.to(device_));
  return {logits.index({Slice(), Slice(0, -1)}).reshape({-1, logits.size(-1)}),
          targets.index({Slice(), Slice(1, torch::indexing::None)}).reshape({-1})};
}

StepLoss LmObjective::loss(const std::vector<int64_t>& rows) {
  const auto index = torch::tensor(rows, torch::kInt64);
  const auto [logits, targets] = predictions(train_blocks_.index_select(0, index), masking_);
  StepLoss step;
  // Mean CE over the predicted tokens (BertForMaskedLM / GPT2LMHeadModel); none → 0.
  step.task_loss = torch::nn::functional::cross_entropy(
                       logits.to(torch::kFloat), targets,
                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)) /
                   static_cast<double>(std::max<int64_t>(1, targets.numel()));
  step.loss = step.task_loss;
  step.consistency = torch::zeros({}, step.task_loss.options());
  step.examples = static_cast<int64_t>(rows.size());
  return step;
}

Evaluation LmObjective::evaluate(int64_t /*index*/) {
  auto generator = at::detail::createCPUGenerator(options_.seed * 7919 + 29);
  double loss_sum = 0;
  int64_t correct = 0;
  int64_t count = 0;
  const auto n = dev_blocks_.size(0);
  for (int64_t begin = 0; begin < n; begin += options_.batch_size) {
    const auto ids = dev_blocks_.index({Slice(begin, std::min(n, begin + options_.batch_size))});
    const auto [logits, targets] = predictions(ids, generator);
    const auto scores = logits.to(torch::kFloat);
    loss_sum += torch::nn::functional::cross_entropy(
                    scores, targets,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    correct += scores.argmax(-1).eq(targets).sum().item<int64_t>();
    count += targets.numel();
  }
  Evaluation result;
  const double loss = count > 0 ? loss_sum / static_cast<double>(count) : 0.0;
  result.metrics["dev/loss"] = loss;
  result.metrics["dev/perplexity"] = std::exp(loss);
  result.metrics["dev/accuracy"] =
      count > 0 ? static_cast<double>(correct) / static_cast<double>(count) : 0.0;
  return result;
}

void LmObjective::load_trainable(const NamedTensors& values) {
  std::map<std::string, torch::Tensor> by_name(values.begin(), values.end());
  if (by_name.size() != trainable_.size())
    throw IoError("checkpoint holds " + std::to_string(by_name.size()) +
                  " tensors, the language model trains " + std::to_string(trainable_.size()));
  torch::NoGradGuard no_grad;
  for (auto& [name, tensor] : trainable_) {
    const auto it = by_name.find(name);
    if (it == by_name.end()) throw IoError("checkpoint has no tensor '" + name + "'");
    if (it->second.sizes() != tensor.sizes())
      throw IoError("checkpoint tensor '" + name + "' has another shape than the model's");
    tensor.copy_(it->second);
  }
}

std::vector<std::pair<std::string, at::Generator>> LmObjective::generators() {
  return {{"masking", masking_}};
}

}  // namespace adamix::train
