#include "core/train/nlg_model.h"

#include "core/error.h"
#include "core/train/task_model.h"

namespace adamix::train {

namespace {

models::LoadedBackbone load_gpt2(const std::filesystem::path& dir, const peft::PeftOptions& method,
                                 torch::Device device) {
  if (method.module == peft::PeftModule::HeadOnly) {
    throw ConfigError("method.module: head-only has nothing to train for generation (no head)");
  }
  auto loaded = models::load_backbone(dir, device, {method.module == peft::PeftModule::Full});
  if (loaded.config.arch != models::Arch::Gpt2) {
    throw ConfigError(dir.string() + " is not a GPT-2 model: NLG tasks need one (got " +
                      models::arch_name(loaded.config.arch) + ")");
  }
  return loaded;
}

}  // namespace

NlgModel::NlgModel(const std::filesystem::path& model_dir, const peft::PeftOptions& method,
                   uint64_t seed, torch::Device device)
    : device_(device), loaded_(load_gpt2(model_dir, method, device)) {
  gpt2_ = std::dynamic_pointer_cast<models::Gpt2ModelImpl>(loaded_.backbone);
  peft_ = peft::attach_peft(*gpt2_, method, at::detail::createCPUGenerator(seed));
  for (const auto& item : peft_.parameters) trainable_.emplace_back(item.key(), item.value());
  train(false);
}

torch::Tensor NlgModel::logits(const torch::Tensor& ids) {
  models::BackboneInput input;
  input.input_ids = ids;
  input.return_logits = true;
  return gpt2_->forward(input).logits.to(torch::kFloat32);
}

void NlgModel::train(bool on) { gpt2_->train(on); }

void NlgModel::load_trainable(const NamedTensors& values) { copy_named(trainable_, values); }

peft::ParameterCount NlgModel::accounting() const { return peft::count_parameters(*gpt2_, peft_); }

}  // namespace adamix::train
