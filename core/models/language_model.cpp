#include "core/models/language_model.h"

#include "core/error.h"
#include "core/models/save_pretrained.h"
#include "core/util/text.h"

namespace adamix::models {

LanguageModelImpl::LanguageModelImpl(std::shared_ptr<BackboneImpl> backbone)
    : backbone_(std::move(backbone)) {
  for (const auto& item : backbone_->named_parameters())
    if (util::starts_with(item.key(), "pooler."))
      throw ConfigError("a language model's backbone has no pooler (create it without one)");
  register_module("backbone", backbone_);
  if (config().arch != Arch::Gpt2) {
    head_ = register_module("head", MlmHead(config(), tied_word_embeddings(*backbone_)));
  }
}

torch::Tensor LanguageModelImpl::forward(const torch::Tensor& input_ids,
                                         const torch::Tensor& attention_mask,
                                         const torch::Tensor& selected) {
  BackboneInput input;
  input.input_ids = input_ids;
  input.attention_mask = attention_mask;
  input.return_logits = !head_;
  const auto out = backbone_->forward(input);
  if (!head_) {
    if (selected.defined()) throw ConfigError("selected positions need a masked-LM head");
    return out.logits;
  }
  if (!selected.defined()) return head_->forward(out.last_hidden_state);
  if (selected.sizes() != input_ids.sizes())
    throw InputError("selected positions must have the shape of input_ids");
  return head_->forward(out.last_hidden_state.index({selected.to(out.last_hidden_state.device())}));
}

void LanguageModelImpl::reset_parameters(at::Generator generator) {
  backbone_->reset_parameters(generator);
  if (head_) head_->reset_parameters(generator);
}

NamedWeights LanguageModelImpl::hf_weights() const {
  NamedWeights out;
  const auto prefix = backbone_prefix(config().arch, SavedHead::LanguageModel);
  for (const auto& item : backbone_->named_parameters())
    out.emplace_back(prefix + item.key(), item.value());
  if (head_)
    for (const auto& item : head_->named_parameters()) out.emplace_back(item.key(), item.value());
  return out;
}

bool LanguageModelImpl::load_hf_weights(const std::map<std::string, torch::Tensor>& weights,
                                        const std::string& source) {
  load_weights(*backbone_, weights, source);
  if (!head_) return false;
  const auto head = head_->named_parameters();
  std::vector<std::string> problems;
  int64_t found = 0;
  for (const auto& item : head) {
    const auto it = weights.find(item.key());
    if (it == weights.end()) {
      problems.push_back("missing key '" + item.key() + "'");
    } else if (it->second.sizes() != item.value().sizes()) {
      problems.push_back("key '" + item.key() + "' has another shape than the model's");
      ++found;
    } else {
      ++found;
    }
  }
  if (found == 0) return false;
  if (!problems.empty()) {
    std::string message = source + ": the language-model head does not match:";
    for (const auto& p : problems) message += "\n  " + p;
    throw IoError(message);
  }
  torch::NoGradGuard no_grad;
  for (auto& item : head) item.value().copy_(weights.at(item.key()).to(torch::kFloat));
  return true;
}

}  // namespace adamix::models
