#include "core/peft/parameter_count.h"

#include <algorithm>

#include "core/peft/routing.h"

namespace adamix::peft {

int64_t backbone_parameter_count(const models::ModelConfig& c, bool with_pooler) {
  const int64_t h = c.hidden_size;
  const int64_t i = c.intermediate_size;
  const int64_t linear_hh = h * h + h;
  const int64_t ffn = (h * i + i) + (i * h + h);
  const int64_t layer_norm = 2 * h;
  if (c.arch == models::Arch::Gpt2) {
    const int64_t block = layer_norm + 3 * linear_hh + linear_hh + layer_norm + ffn;  // c_attn 3H
    return c.vocab_size * h + c.max_positions * h + c.num_layers * block + layer_norm;
  }
  const int64_t embeddings = (c.vocab_size + c.max_positions + c.type_vocab_size) * h + layer_norm;
  const int64_t layer = 4 * linear_hh + layer_norm + ffn + layer_norm;  // q, k, v, attn output
  return embeddings + c.num_layers * layer + (with_pooler ? linear_hh : 0);
}

ParameterCount count_parameters(const models::ModelConfig& config, const PeftOptions& options,
                                bool with_pooler) {
  ParameterCount count;
  count.backbone = backbone_parameter_count(config, with_pooler);
  if (options.module == PeftModule::Full) {
    count.trainable = count.merged = count.backbone;
    return count;
  }
  if (options.module == PeftModule::HeadOnly) return count;
  const int64_t h = config.hidden_size;
  const int64_t r = options.size;
  const int64_t md = down_experts(options);
  const int64_t mu = up_experts(options);
  const bool gated = options.routing == Routing::LearnedTop1;
  const int64_t gate = gated ? std::max(md, mu) * h : 0;
  int64_t modules = 0;
  int64_t per_module_trained = 0;
  int64_t per_module_merged = 0;
  if (options.module == PeftModule::Adapter) {
    modules = config.num_layers * (options.placement == Placement::Both ? 2 : 1);
    per_module_trained = md * (h * r + r) + mu * (r * h + h) + gate;
    per_module_merged = (h * r + r) + (r * h + h);
  } else {  // LoRA on H → H projections (BERT query/key/value, GPT-2 c_attn thirds)
    modules = config.num_layers * static_cast<int64_t>(options.lora_targets.size());
    per_module_trained = md * r * h + mu * h * r + gate;
    per_module_merged = r * h + h * r;
  }
  count.trainable = modules * per_module_trained;
  count.merged = gated ? count.trainable : modules * per_module_merged;
  return count;
}

ParameterCount count_parameters(const models::BackboneImpl& backbone, const PeftHandle& peft) {
  ParameterCount count;
  int64_t total = 0;
  for (const torch::Tensor& p : backbone.parameters()) total += p.numel();
  int64_t method = 0;
  int64_t merged = 0;
  for (const auto& m : peft.adapters) {
    for (const torch::Tensor& p : m->parameters()) method += p.numel();
    merged += m->merged_parameter_count();
  }
  for (const auto& m : peft.loras) {
    for (const torch::Tensor& p : m->parameters()) method += p.numel();
    merged += m->merged_parameter_count();
  }
  count.backbone = total - method;
  if (peft.options.module == PeftModule::Full) {
    count.trainable = count.merged = count.backbone;
  } else {
    count.trainable = method;
    count.merged = peft.options.routing == Routing::LearnedTop1 ? method : merged;
  }
  return count;
}

}  // namespace adamix::peft
