#include "core/config/pretrain_config.h"

#include "core/error.h"
#include "core/runtime/device.h"

namespace adamix::config {

const char* to_string(train::LmTask task) {
  return task == train::LmTask::Masked ? "masked" : "causal";
}

train::LmTask parse_lm_task(const std::string& text) {
  if (text == "masked") return train::LmTask::Masked;
  if (text == "causal") return train::LmTask::Causal;
  throw ConfigError("unknown objective '" + text + "' (expected masked or causal)");
}

train::TrainOptions default_pretrain_options() {
  train::TrainOptions t;
  t.epochs = 10;
  t.batch_size = 32;
  t.lr = 5e-4;
  t.weight_decay = 0.01;
  t.warmup_ratio = 0.06;
  return t;
}

void PretrainConfig::validate() const {
  if (corpus.empty()) throw ConfigError("corpus: the pretraining text is missing");
  if (model.empty() && tokenizer.empty())
    throw ConfigError("tokenizer: a new model (no `model:`) needs a tokenizer folder");
  if (dev_corpus.empty() && !(dev_percent > 0 && dev_percent < 100))
    throw ConfigError("dev_percent must lie in (0, 100), got " + std::to_string(dev_percent));
  if (!(mlm_probability > 0 && mlm_probability < 1))
    throw ConfigError("mlm_probability must lie in (0, 1), got " + std::to_string(mlm_probability));
  if (block_size < 2) throw ConfigError("block_size must be at least 2");
  train.validate();
  (void)runtime::parse_device(device);
}

}  // namespace adamix::config
