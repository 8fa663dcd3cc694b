#include "core/models/lm_heads.h"

#include <memory>
#include <sstream>

#include "core/error.h"
#include "core/models/bert.h"
#include "core/models/gpt2.h"

namespace adamix::models {
namespace {

namespace nn = torch::nn;
using torch::indexing::Slice;

std::string sizes(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

void check_lm_shapes(const char* what, const torch::Tensor& logits, const torch::Tensor& labels) {
  if (!logits.defined() || !labels.defined() || logits.dim() != 3 || labels.dim() != 2 ||
      logits.size(0) != labels.size(0) || logits.size(1) != labels.size(1)) {
    throw InputError(std::string(what) + ": expected logits [N,T,V] and labels [N,T], got " +
                     (logits.defined() ? sizes(logits) : "undefined") + " and " +
                     (labels.defined() ? sizes(labels) : "undefined"));
  }
  if (labels.is_floating_point()) {
    throw InputError(std::string(what) + ": labels must be integer ids");
  }
}

// Mean cross-entropy over labels != -100: sum / max(count, 1), so an all-ignored batch gives 0.
torch::Tensor mean_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels) {
  const auto flat_labels = labels.reshape({-1}).to(torch::kLong);
  const auto total = nn::functional::cross_entropy(
      logits.reshape({-1, logits.size(-1)}).to(torch::kFloat), flat_labels,
      nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex).reduction(torch::kSum));
  const auto count = flat_labels.ne(kIgnoreIndex).sum().clamp_min(1).to(total.dtype());
  return total / count;
}

}  // namespace

torch::Tensor tied_word_embeddings(BackboneImpl& backbone) {
  if (auto* bert = dynamic_cast<BertModelImpl*>(&backbone)) {
    return bert->embeddings_->word_embeddings_->weight;
  }
  if (auto* gpt2 = dynamic_cast<Gpt2ModelImpl*>(&backbone)) return gpt2->wte_->weight;
  throw ConfigError("tied_word_embeddings: unknown backbone for arch " +
                    std::string(arch_name(backbone.config().arch)));
}

MlmHeadImpl::MlmHeadImpl(const ModelConfig& c, torch::Tensor word_embeddings)
    : arch_(c.arch),
      // RobertaLMHead calls gelu (exact erf) whatever hidden_act says; BERT's transform uses it.
      activation_(c.arch == Arch::Bert ? c.activation : Activation::Gelu),
      range_(c.initializer_range),
      word_embeddings_(std::move(word_embeddings)) {
  if (c.arch != Arch::Bert && c.arch != Arch::Roberta) {
    throw ConfigError(std::string("MlmHead needs a bert or roberta config, got ") +
                      arch_name(c.arch));
  }
  TORCH_CHECK(word_embeddings_.defined() && word_embeddings_.dim() == 2 &&
                  word_embeddings_.size(0) == c.vocab_size &&
                  word_embeddings_.size(1) == c.hidden_size,
              "MlmHead: expected word embeddings [", c.vocab_size, ", ", c.hidden_size, "], got ",
              word_embeddings_.defined() ? sizes(word_embeddings_) : "undefined");
  dense_ = nn::Linear(c.hidden_size, c.hidden_size);
  layer_norm_ = make_layer_norm(c);
  const auto bias = torch::zeros({c.vocab_size}, word_embeddings_.options());
  // Nested holders so that named_parameters() are HF's keys (register_module forbids dots).
  if (c.arch == Arch::Bert) {
    // BertOnlyMLMHead → BertLMPredictionHead → BertPredictionHeadTransform.
    auto cls = register_module("cls", std::make_shared<nn::Module>());
    auto predictions = cls->register_module("predictions", std::make_shared<nn::Module>());
    auto transform = predictions->register_module("transform", std::make_shared<nn::Module>());
    transform->register_module("dense", dense_);
    transform->register_module("LayerNorm", layer_norm_);
    bias_ = predictions->register_parameter("bias", bias);
  } else {
    auto lm_head = register_module("lm_head", std::make_shared<nn::Module>());
    lm_head->register_module("dense", dense_);
    lm_head->register_module("layer_norm", layer_norm_);
    bias_ = lm_head->register_parameter("bias", bias);
  }
}

torch::Tensor MlmHeadImpl::forward(const torch::Tensor& hidden) {
  const int64_t h = word_embeddings_.size(1);
  TORCH_CHECK(hidden.dim() >= 2 && hidden.size(-1) == h, "MlmHead: expected hidden [..., ", h,
              "], got ", sizes(hidden));
  auto x = layer_norm_(apply_activation(activation_, dense_(hidden)));
  return torch::linear(x, word_embeddings_, bias_);  // decoder: x E^T + bias
}

void MlmHeadImpl::reset_parameters(at::Generator generator) {
  torch::NoGradGuard no_grad;
  dense_->weight.normal_(0.0, range_, generator);
  dense_->bias.zero_();
  layer_norm_->weight.fill_(1.0);
  layer_norm_->bias.zero_();
  bias_.zero_();
}

std::map<std::string, torch::Tensor> MlmHeadImpl::hf_state_dict() const {
  std::map<std::string, torch::Tensor> out;
  for (const auto& item : named_parameters()) out[item.key()] = item.value();
  return out;
}

torch::Tensor mlm_loss(const torch::Tensor& logits, const torch::Tensor& labels) {
  check_lm_shapes("mlm_loss", logits, labels);
  return mean_cross_entropy(logits, labels.to(logits.device()));
}

torch::Tensor causal_lm_loss(const torch::Tensor& logits, const torch::Tensor& labels,
                             const torch::Tensor& attention_mask) {
  check_lm_shapes("causal_lm_loss", logits, labels);
  auto targets = labels.to(logits.device()).to(torch::kLong);
  if (attention_mask.defined()) {
    if (!attention_mask.sizes().equals(labels.sizes())) {
      throw InputError("causal_lm_loss: expected attention_mask " + sizes(labels) + ", got " +
                       sizes(attention_mask));
    }
    targets = targets.masked_fill(attention_mask.to(logits.device()).eq(0), kIgnoreIndex);
  }
  // GPT2LMHeadModel: shift so that position t predicts token t + 1.
  return mean_cross_entropy(logits.index({Slice(), Slice(0, -1)}),
                            targets.index({Slice(), Slice(1, torch::indexing::None)}));
}

}  // namespace adamix::models
