#pragma once
// Options of the parameter-efficient method (docs/method.md), the `method:` block of a trial
// config. No LibTorch here: apps/ and sweeps/ read it.
//
//   PeftOptions method;            // docs/method.md defaults: AdaMix adapters, r = 16, M = 4
//   method.module = PeftModule::Lora;
#include <cstdint>
#include <string>
#include <vector>

namespace adamix::peft {

enum class PeftModule { Adapter, Lora, HeadOnly, Full };  // head-only / full: baselines
enum class Placement { Ffn, Attn, Both };                 // where adapters go
enum class Share { Up, Down, None };                      // which side has one expert (M = 1)
enum class Routing { Random, Fixed, LearnedTop1 };        // training-time routing
enum class ExpertInit { Independent, Identical };

// How a mixture runs at evaluation time (docs/method.md "Inference modes").
struct InferenceMode {
  enum class Kind { Merged, Ensemble, RandomBatch, RandomToken, Fixed };
  Kind kind = Kind::Merged;
  int64_t down = 0;  // Fixed: expert indices of the down / A side and the up / B side
  int64_t up = 0;

  // "merged", "ensemble", "random-batch", "random-token", "fixed:I,J"; ConfigError otherwise.
  static InferenceMode parse(const std::string& text);
  std::string to_string() const;
  bool operator==(const InferenceMode& other) const {
    return kind == other.kind && down == other.down && up == other.up;
  }
};

struct PeftOptions {
  PeftModule module = PeftModule::Adapter;
  int64_t size = 16;                     // adapter bottleneck r, or LoRA rank r
  double alpha = 32;                     // LoRA: scale = alpha / r
  Placement placement = Placement::Ffn;  // adapters
  std::vector<std::string> lora_targets = {"query", "value"};  // LoRA: linears it wraps
  int64_t experts = 4;                                         // M; 1 = a plain adapter / LoRA
  Share share = Share::Up;
  Routing routing = Routing::Random;
  double consistency = 1.0;  // lambda; 0 switches the second pass off
  ExpertInit expert_init = ExpertInit::Independent;
  InferenceMode inference;
  double load_balance = 0.01;  // learned-top1: weight of the Switch load-balancing loss
  // LoRA: dropout on the input of the LoRA updates (loralib's lora_dropout; GPT-2: one mask
  // shared by the q and v thirds of c_attn). NLG recipes 0.1.
  double lora_dropout = 0.0;
  // LoRA: a Hugging Face PEFT LoRA adapter folder the trial starts from (every expert a copy of
  // its LoRA, the head its saved head when it has one); empty = docs/method.md's initialisation.
  std::string init_from;

  // ConfigError naming the field for out-of-range values (sizes < 1, fixed indices >= M, ...).
  void validate() const;
};

// An adapter or LoRA mixture with more than one expert (what expert diagnostics need).
bool is_mixture(const PeftOptions& options);

const char* to_string(PeftModule v);
const char* to_string(Placement v);
const char* to_string(Share v);
const char* to_string(Routing v);
const char* to_string(ExpertInit v);
// Parse the YAML spelling ("adapter", "head-only", "learned-top1", ...); ConfigError naming the
// `field` and the accepted values otherwise.
PeftModule parse_peft_module(const std::string& text, const std::string& field = "method.module");
Placement parse_placement(const std::string& text, const std::string& field = "method.placement");
Share parse_share(const std::string& text, const std::string& field = "method.share");
Routing parse_routing(const std::string& text, const std::string& field = "method.routing");
ExpertInit parse_expert_init(const std::string& text,
                             const std::string& field = "method.expert_init");

}  // namespace adamix::peft
