#pragma once
// Parameter accounting (docs/method.md "Parameter accounting"): backbone size, parameters trained,
// and parameters left after merging, from a config alone or from an attached model.
//
//   ParameterCount c = count_parameters(roberta_large_config, options);
//   // c.merged == 811392 (0.23% of c.backbone) for r = 16, FFN, M = 4, shared up
#include <cstdint>

#include "core/models/backbone.h"
#include "core/models/model_config.h"
#include "core/peft/peft_model.h"
#include "core/peft/peft_options.h"

namespace adamix::peft {

struct ParameterCount {
  int64_t backbone = 0;   // pretrained weights (BERT/RoBERTa pooler included when present)
  int64_t trainable = 0;  // trained while fine-tuning: every expert and gate; full: the backbone;
                          // head-only: 0 (task heads are counted by their owner)
  int64_t merged = 0;     // kept for inference after merging: each side with one expert, no gate.
                          // learned-top1 routes by its gate and never merges: = trainable
  double trainable_share() const { return backbone ? double(trainable) / double(backbone) : 0; }
  double merged_share() const { return backbone ? double(merged) / double(backbone) : 0; }
};

// Weights of the bare backbone a config describes (HF BertModel / RobertaModel / GPT2Model).
int64_t backbone_parameter_count(const models::ModelConfig& config, bool with_pooler = true);

// Without building a model (RoBERTa-large's 355M weights need not exist).
ParameterCount count_parameters(const models::ModelConfig& config, const PeftOptions& options,
                                bool with_pooler = true);

// From a backbone after attach_peft (`peft` its handle).
ParameterCount count_parameters(const models::BackboneImpl& backbone, const PeftHandle& peft);

}  // namespace adamix::peft
