#include "core/peft/peft_options.h"

#include <utility>

#include "core/error.h"

namespace adamix::peft {
namespace {

template <class Enum, size_t N>
Enum parse_enum(const std::pair<Enum, const char*> (&table)[N], const std::string& text,
                const std::string& field) {
  std::string accepted;
  for (const auto& [value, name] : table) {
    if (text == name) return value;
    accepted += (accepted.empty() ? "" : ", ") + std::string(name);
  }
  throw ConfigError(field + ": unknown value '" + text + "' (expected one of " + accepted + ")");
}

template <class Enum, size_t N>
const char* enum_name(const std::pair<Enum, const char*> (&table)[N], Enum v) {
  for (const auto& [value, name] : table)
    if (value == v) return name;
  return "?";
}

const std::pair<PeftModule, const char*> kModules[] = {{PeftModule::Adapter, "adapter"},
                                                       {PeftModule::Lora, "lora"},
                                                       {PeftModule::HeadOnly, "head-only"},
                                                       {PeftModule::Full, "full"}};
const std::pair<Placement, const char*> kPlacements[] = {
    {Placement::Ffn, "ffn"}, {Placement::Attn, "attn"}, {Placement::Both, "both"}};
const std::pair<Share, const char*> kShares[] = {
    {Share::Up, "up"}, {Share::Down, "down"}, {Share::None, "none"}};
const std::pair<Routing, const char*> kRoutings[] = {
    {Routing::Random, "random"}, {Routing::Fixed, "fixed"}, {Routing::LearnedTop1, "learned-top1"}};
const std::pair<ExpertInit, const char*> kInits[] = {{ExpertInit::Independent, "independent"},
                                                     {ExpertInit::Identical, "identical"}};
const std::pair<InferenceMode::Kind, const char*> kModes[] = {
    {InferenceMode::Kind::Merged, "merged"},
    {InferenceMode::Kind::Ensemble, "ensemble"},
    {InferenceMode::Kind::RandomBatch, "random-batch"},
    {InferenceMode::Kind::RandomToken, "random-token"}};

int64_t parse_index(const std::string& text, const std::string& whole) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
    throw ConfigError("method.inference: bad expert index in '" + whole +
                      "' (expected fixed:I,J with non-negative integers)");
  return std::stoll(text);
}

}  // namespace

InferenceMode InferenceMode::parse(const std::string& text) {
  InferenceMode mode;
  if (text.rfind("fixed:", 0) == 0) {
    const auto rest = text.substr(6);
    const auto comma = rest.find(',');
    if (comma == std::string::npos)
      throw ConfigError("method.inference: '" + text + "' must be fixed:I,J");
    mode.kind = Kind::Fixed;
    mode.down = parse_index(rest.substr(0, comma), text);
    mode.up = parse_index(rest.substr(comma + 1), text);
    return mode;
  }
  mode.kind = parse_enum(kModes, text, "method.inference");
  return mode;
}

std::string InferenceMode::to_string() const {
  if (kind == Kind::Fixed) return "fixed:" + std::to_string(down) + "," + std::to_string(up);
  return enum_name(kModes, kind);
}

void PeftOptions::validate() const {
  auto positive = [](int64_t v, const char* field) {
    if (v < 1) throw ConfigError(std::string(field) + " must be >= 1, got " + std::to_string(v));
  };
  positive(size, "method.size");
  positive(experts, "method.experts");
  if (alpha <= 0) throw ConfigError("method.alpha must be > 0, got " + std::to_string(alpha));
  if (consistency < 0)
    throw ConfigError("method.consistency must be >= 0, got " + std::to_string(consistency));
  if (lora_dropout < 0 || lora_dropout >= 1)
    throw ConfigError("method.lora_dropout must be in [0, 1), got " + std::to_string(lora_dropout));
  if (load_balance < 0)
    throw ConfigError("method.load_balance must be >= 0, got " + std::to_string(load_balance));
  // docs/method.md: routing fixed is "a single adapter of the same size"; with more experts it
  // would create experts it never trains (and count them as trained), so it is refused.
  if (routing == Routing::Fixed && experts > 1)
    throw ConfigError(
        "method.routing: fixed trains one expert, a single adapter / LoRA; set "
        "method.experts: 1 (got " +
        std::to_string(experts) + ")");
  if (!init_from.empty() && module != PeftModule::Lora)
    throw ConfigError(
        "method.init_from: a PEFT LoRA adapter starts a LoRA trial (method.module: "
        "lora), not " +
        std::string(to_string(module)));
  if (module == PeftModule::Lora && lora_targets.empty())
    throw ConfigError("method.placement: LoRA needs at least one target linear");
  if (inference.kind == InferenceMode::Kind::Fixed) {
    const int64_t down_experts = share == Share::Down ? 1 : experts;
    const int64_t up_experts = share == Share::Up ? 1 : experts;
    if (inference.down >= down_experts || inference.up >= up_experts)
      throw ConfigError("method.inference: " + inference.to_string() + " needs down index < " +
                        std::to_string(down_experts) + " and up index < " +
                        std::to_string(up_experts));
  }
}

bool is_mixture(const PeftOptions& options) {
  return (options.module == PeftModule::Adapter || options.module == PeftModule::Lora) &&
         options.experts > 1;
}

const char* to_string(PeftModule v) { return enum_name(kModules, v); }
const char* to_string(Placement v) { return enum_name(kPlacements, v); }
const char* to_string(Share v) { return enum_name(kShares, v); }
const char* to_string(Routing v) { return enum_name(kRoutings, v); }
const char* to_string(ExpertInit v) { return enum_name(kInits, v); }

PeftModule parse_peft_module(const std::string& t, const std::string& f) {
  return parse_enum(kModules, t, f);
}
Placement parse_placement(const std::string& t, const std::string& f) {
  return parse_enum(kPlacements, t, f);
}
Share parse_share(const std::string& t, const std::string& f) { return parse_enum(kShares, t, f); }
Routing parse_routing(const std::string& t, const std::string& f) {
  return parse_enum(kRoutings, t, f);
}
ExpertInit parse_expert_init(const std::string& t, const std::string& f) {
  return parse_enum(kInits, t, f);
}

}  // namespace adamix::peft
