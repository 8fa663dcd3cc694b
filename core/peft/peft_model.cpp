#include "core/peft/peft_model.h"

#include <set>

#include "core/error.h"
#include "core/models/bert.h"
#include "core/models/gpt2.h"

namespace adamix::peft {

namespace {

bool is_peft_name(const std::string& name) {
  return name.find(".adapter.") != std::string::npos || name.find(".lora.") != std::string::npos ||
         name.find(".lora_") != std::string::npos;
}

// LoRA targets, checked once: query | key | value, each at most once.
std::vector<std::string> checked_lora_targets(const std::vector<std::string>& targets) {
  std::set<std::string> seen;
  for (const std::string& target : targets) {
    if (target != "query" && target != "key" && target != "value") {
      throw ConfigError("method.placement: unknown LoRA target '" + target +
                        "' (expected query, key or value)");
    }
    if (!seen.insert(target).second) {
      throw ConfigError("method.placement: LoRA target '" + target + "' is listed twice");
    }
  }
  return targets;
}

struct Builder {
  const PeftOptions& options;
  PeftHandle& handle;
  torch::Device device;
  torch::Dtype dtype;
  bool training;
  double init_std;  // the backbone's initializer_range: adapter experts draw N(0, init_std)

  // Device, dtype and train/eval state of the backbone it joins.
  void adopt(torch::nn::Module& module) const {
    module.to(device, dtype);
    module.train(training);
  }

  torch::nn::AnyModule adapter(int64_t hidden) {
    auto adapter_init = adapter_options(options, hidden);
    adapter_init.init_std = init_std;
    AdapterMixture m(adapter_init, handle.context);
    adopt(*m);
    handle.adapters.push_back(m);
    return torch::nn::AnyModule(m);
  }

  torch::nn::AnyModule lora(int64_t in, int64_t out) {
    LoraMixture m(lora_options(options, in, out), handle.context);
    adopt(*m);
    handle.loras.push_back(m);
    return torch::nn::AnyModule(m);
  }
};

void attach_bert(models::BertModelImpl& bert, Builder& build) {
  const PeftOptions& o = build.options;
  const int64_t hidden = bert.config().hidden_size;
  const bool attn = o.placement == Placement::Attn || o.placement == Placement::Both;
  const bool ffn = o.placement == Placement::Ffn || o.placement == Placement::Both;
  for (auto& layer : bert.encoder_->layers_) {
    if (o.module == PeftModule::Adapter) {
      if (attn) layer->attention_->output_->set_adapter(build.adapter(hidden));
      if (ffn) layer->output_->set_adapter(build.adapter(hidden));
    } else {
      if (o.lora_dropout > 0) {
        throw ConfigError("method.lora_dropout is supported on GPT-2 only (got " +
                          std::to_string(o.lora_dropout) + " for a BERT/RoBERTa backbone)");
      }
      for (const std::string& target : o.lora_targets) {
        layer->attention_->self_->set_lora(target, build.lora(hidden, hidden));
      }
    }
  }
}

void attach_gpt2(models::Gpt2ModelImpl& gpt2, Builder& build) {
  const PeftOptions& o = build.options;
  const int64_t hidden = gpt2.config().hidden_size;
  const bool attn = o.placement == Placement::Attn || o.placement == Placement::Both;
  const bool ffn = o.placement == Placement::Ffn || o.placement == Placement::Both;
  for (auto& block : gpt2.blocks_) {
    if (o.module == PeftModule::Adapter) {
      if (attn) block->attn_->set_adapter(build.adapter(hidden));
      if (ffn) block->mlp_->set_adapter(build.adapter(hidden));
    } else {
      for (const std::string& target : o.lora_targets) {
        block->attn_->set_lora(target[0], build.lora(hidden, hidden));  // 'q', 'k', 'v'
      }
      block->attn_->set_lora_dropout(o.lora_dropout);
    }
  }
}

}  // namespace

PeftHandle attach_peft(models::BackboneImpl& backbone, const PeftOptions& options,
                       at::Generator generator) {
  options.validate();
  if (options.module == PeftModule::Lora) checked_lora_targets(options.lora_targets);
  const auto named = backbone.named_parameters();
  for (const auto& item : named) {
    if (is_peft_name(item.key())) {
      throw ConfigError("attach_peft: the backbone already has PEFT parameters (" + item.key() +
                        ")");
    }
  }

  PeftHandle handle;
  handle.options = options;
  handle.context = std::make_shared<RoutingContext>(options, std::move(generator));
  const bool full = options.module == PeftModule::Full;
  for (const auto& item : named) item.value().requires_grad_(full);
  if (full) {
    handle.parameters = named;
    return handle;
  }
  if (options.module == PeftModule::HeadOnly) return handle;

  const torch::Tensor first = named.is_empty() ? torch::zeros({}) : named[0].value();
  Builder build{options,
                handle,
                first.device(),
                first.scalar_type(),
                backbone.is_training(),
                backbone.config().initializer_range};
  if (auto* bert = dynamic_cast<models::BertModelImpl*>(&backbone)) {
    attach_bert(*bert, build);
  } else if (auto* gpt2 = dynamic_cast<models::Gpt2ModelImpl*>(&backbone)) {
    attach_gpt2(*gpt2, build);
  } else {
    throw ConfigError(std::string("attach_peft: no PEFT seams for a ") +
                      models::arch_name(backbone.config().arch) + " backbone of this type");
  }
  for (const auto& item : backbone.named_parameters()) {
    if (item.value().requires_grad()) handle.parameters.insert(item.key(), item.value());
  }
  return handle;
}

}  // namespace adamix::peft
