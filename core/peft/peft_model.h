#pragma once
// Attaching the PEFT method to a pretrained backbone (docs/method.md "Modules"): mixtures go into
// the seams of BERT / RoBERTa / GPT-2, the backbone is frozen, and the handle gives the routing
// context and the trainable parameters. Attach after loading the backbone's weights.
//
//   auto loaded = models::load_backbone(dir, device);
//   PeftHandle peft = attach_peft(*loaded.backbone, options, at::detail::createCPUGenerator(1));
//   torch::optim::AdamW optimizer(peft.parameter_list(), ...);
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "core/models/backbone.h"
#include "core/peft/adapter_mixture.h"
#include "core/peft/lora_mixture.h"
#include "core/peft/peft_options.h"
#include "core/peft/routing.h"

namespace adamix::peft {

struct PeftHandle {
  PeftOptions options;
  std::shared_ptr<RoutingContext> context;  // [not null], shared by every mixture below
  // What the optimizer trains, named as in the backbone's named_parameters(): the PEFT
  // parameters (adapter: `encoder.layer.3.output.adapter.down.weight`; LoRA:
  // `encoder.layer.3.attention.self.query.lora.A`, GPT-2 `h.3.attn.c_attn.lora_q.A`); every
  // backbone weight for module: full; nothing for head-only.
  torch::OrderedDict<std::string, torch::Tensor> parameters;
  std::vector<AdapterMixture> adapters;  // in model order
  std::vector<LoraMixture> loras;

  std::vector<torch::Tensor> parameter_list() const { return parameters.values(); }
};

// Inserts the method's modules into `backbone` (BertModel or Gpt2Model):
//   adapter: placement ffn → BertOutput / GPT-2 mlp (after c_proj); attn → BertSelfOutput /
//            GPT-2 attn (after c_proj); both → both.
//   lora:    targets query | key | value → BERT attention.self.<target>.lora, GPT-2
//            attn.c_attn.lora_q / lora_k / lora_v.
//   full:    nothing attached, every weight trainable; head-only: nothing attached.
// Every backbone weight is frozen except under full. New modules take the backbone's device,
// dtype and train/eval mode, and draw their initial values from `generator` (a CPU generator,
// then owned by the context for routing draws). ConfigError for invalid options, an unknown or
// repeated LoRA target, or a backbone that already has PEFT modules.
PeftHandle attach_peft(models::BackboneImpl& backbone, const PeftOptions& options,
                       at::Generator generator);

}  // namespace adamix::peft
