#include "core/models/backbone.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/models/bert.h"
#include "core/models/gpt2.h"
#include "core/util/text.h"

namespace adamix::models {
namespace {

std::string shape_of(torch::IntArrayRef sizes) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < sizes.size(); ++i) s << (i ? "," : "") << sizes[i];
  s << "]";
  return s.str();
}

const char* state_dict_prefix(Arch arch) {
  switch (arch) {
    case Arch::Bert: return "bert.";
    case Arch::Roberta: return "roberta.";
    case Arch::Gpt2: return "transformer.";
  }
  return "";
}

std::string strip_prefix(const std::string& key, Arch arch) {
  const std::string prefix = state_dict_prefix(arch);
  return util::starts_with(key, prefix) ? key.substr(prefix.size()) : key;
}

// Heads and buffers a Hugging Face checkpoint may carry that the bare backbone does not use.
bool ignored_key(const std::string& name, Arch arch, bool has_pooler) {
  if (arch == Arch::Gpt2) {
    return util::ends_with(name, ".attn.bias") || util::ends_with(name, ".attn.masked_bias");
  }
  return util::starts_with(name, "cls.") || util::starts_with(name, "lm_head.") ||
         util::starts_with(name, "classifier.") || name == "embeddings.position_ids" ||
         name == "embeddings.token_type_ids" || (!has_pooler && util::starts_with(name, "pooler."));
}

void check_index_range(const torch::Tensor& ids, int64_t limit, const char* what) {
  const int64_t lo = ids.min().item<int64_t>();
  const int64_t hi = ids.max().item<int64_t>();
  if (lo < 0 || hi >= limit) {
    throw InputError(std::string(what) + " must lie in [0, " + std::to_string(limit) +
                     "), got values in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
}

}  // namespace

BackboneInput BackboneImpl::check_input(const BackboneInput& in) const {
  const torch::Tensor& ids = in.input_ids;
  if (!ids.defined()) throw InputError("input_ids is missing");
  if (ids.dim() != 2) {
    throw InputError("input_ids must be [batch, seq], got shape " + shape_of(ids.sizes()));
  }
  if (!torch::isIntegralType(ids.scalar_type(), /*includeBool=*/false)) {
    throw InputError(std::string("input_ids must hold integers, got ") +
                     c10::toString(ids.scalar_type()));
  }
  const int64_t seq = ids.size(1);
  if (ids.size(0) == 0 || seq == 0) {
    throw InputError("input_ids is empty: shape " + shape_of(ids.sizes()));
  }
  if (seq > config_.max_sequence_length()) {
    throw InputError("sequence length " + std::to_string(seq) + " exceeds the " +
                     arch_name(config_.arch) + " position table: at most " +
                     std::to_string(config_.max_sequence_length()) + " tokens");
  }
  const auto params = parameters();
  const torch::Device device = params.empty() ? torch::Device(torch::kCPU) : params[0].device();
  BackboneInput out;
  out.return_logits = in.return_logits;
  out.input_ids = ids.to(device, torch::kLong);
  check_index_range(out.input_ids, config_.vocab_size, "input_ids");
  if (in.attention_mask.defined()) {
    if (in.attention_mask.sizes() != ids.sizes()) {
      throw InputError("attention_mask shape " + shape_of(in.attention_mask.sizes()) +
                       " does not match input_ids shape " + shape_of(ids.sizes()));
    }
    out.attention_mask = in.attention_mask.to(device, torch::kFloat);
  }
  if (in.token_type_ids.defined()) {
    if (in.token_type_ids.sizes() != ids.sizes()) {
      throw InputError("token_type_ids shape " + shape_of(in.token_type_ids.sizes()) +
                       " does not match input_ids shape " + shape_of(ids.sizes()));
    }
    out.token_type_ids = in.token_type_ids.to(device, torch::kLong);
    const bool gpt2 = config_.arch == Arch::Gpt2;  // GPT-2 embeds token types with wte
    check_index_range(out.token_type_ids, gpt2 ? config_.vocab_size : config_.type_vocab_size,
                      "token_type_ids");
  }
  return out;
}

torch::Tensor apply_activation(Activation act, const torch::Tensor& x) {
  switch (act) {
    case Activation::Gelu:  // GELUActivation: exact erf
      return torch::gelu(x);
    case Activation::GeluNew:  // NewGELUActivation, term for term
      return 0.5 * x *
             (1.0 + torch::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * torch::pow(x, 3.0))));
    case Activation::Relu: return torch::relu(x);
  }
  TORCH_CHECK(false, "unknown activation");
}

torch::Tensor extended_attention_mask(const torch::Tensor& attention_mask) {
  if (!attention_mask.defined()) return {};
  const torch::Tensor m = attention_mask.to(torch::kFloat).unsqueeze(1).unsqueeze(2);  // [N,1,1,T]
  return (1.0 - m) * std::numeric_limits<float>::lowest();
}

std::shared_ptr<BackboneImpl> create_backbone(const ModelConfig& config, bool with_pooler) {
  // Building the modules draws throwaway initial values: restore the global generator's state
  // so that creating or loading a model never shifts a caller's random stream.
  struct RestoreGlobalGenerator {
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    torch::Tensor state = generator.get_state();
    ~RestoreGlobalGenerator() { generator.set_state(state); }
  } restore;
  if (config.arch == Arch::Gpt2) return std::make_shared<Gpt2ModelImpl>(config);
  return std::make_shared<BertModelImpl>(config, with_pooler);
}

void load_weights(BackboneImpl& backbone, const std::map<std::string, torch::Tensor>& weights,
                  const std::string& source) {
  const Arch arch = backbone.config().arch;
  auto params = backbone.named_parameters();
  bool has_pooler = false;
  for (const auto& item : params)
    has_pooler = has_pooler || util::starts_with(item.key(), "pooler.");

  std::vector<std::string> problems;
  std::map<std::string, torch::Tensor> matched;  // model parameter name → checkpoint tensor
  for (const auto& [key, tensor] : weights) {
    const std::string name = strip_prefix(key, arch);
    if (ignored_key(name, arch, has_pooler)) continue;
    if (arch == Arch::Gpt2 && name == "lm_head.weight") continue;  // checked against wte below
    const torch::Tensor* param = params.find(name);
    if (param == nullptr) {
      problems.push_back("unexpected key '" + key + "' with shape " + shape_of(tensor.sizes()));
      continue;
    }
    if (matched.count(name) != 0) {
      problems.push_back("key '" + key + "' appears both with and without the prefix");
      continue;
    }
    if (tensor.sizes() != param->sizes()) {
      problems.push_back("key '" + key + "' has shape " + shape_of(tensor.sizes()) +
                         " but the model expects " + shape_of(param->sizes()));
      continue;
    }
    if (!torch::isFloatingType(tensor.scalar_type())) {
      problems.push_back("key '" + key + "' has dtype " + c10::toString(tensor.scalar_type()) +
                         ", expected a floating-point type");
      continue;
    }
    matched.emplace(name, tensor);
  }
  for (const auto& item : params) {
    if (matched.count(item.key()) == 0 && weights.count(item.key()) == 0 &&
        weights.count(state_dict_prefix(arch) + item.key()) == 0) {
      problems.push_back("missing key '" + item.key() + "' (expected shape " +
                         shape_of(item.value().sizes()) + ")");
    }
  }
  if (arch == Arch::Gpt2 && problems.empty()) {
    // GPT-2's LM head is tied to wte: a stored lm_head.weight must equal it.
    for (const auto& [key, tensor] : weights) {
      if (strip_prefix(key, arch) != "lm_head.weight") continue;
      const torch::Tensor& wte = matched.at("wte.weight");
      if (tensor.sizes() != wte.sizes()) {
        problems.push_back("key '" + key + "' has shape " + shape_of(tensor.sizes()) +
                           " but the tied wte.weight has " + shape_of(wte.sizes()));
      } else if (!torch::equal(tensor.to(torch::kFloat), wte.to(torch::kFloat))) {
        problems.push_back("key '" + key +
                           "' differs from wte.weight, but GPT-2's LM head is tied to wte");
      }
    }
  }
  if (!problems.empty()) {
    std::string message = source + ": checkpoint does not match the " + arch_name(arch) + " model:";
    for (const auto& p : problems) message += "\n  " + p;
    throw IoError(message);
  }
  torch::NoGradGuard no_grad;
  for (auto& item : params) {
    const torch::Tensor& src = matched.at(item.key());
    item.value().copy_(src.to(item.value().device(), torch::kFloat));
  }
}

LoadedBackbone load_backbone(const std::filesystem::path& model_dir, torch::Device device,
                             const LoadOptions& options) {
  if (!std::filesystem::is_directory(model_dir)) {
    throw IoError(model_dir.string() + ": model directory not found");
  }
  LoadedBackbone loaded;
  loaded.config = load_model_config(model_dir / "config.json");
  const std::filesystem::path weights_path = model_dir / "model.safetensors";
  if (!std::filesystem::exists(weights_path)) {
    throw IoError(weights_path.string() + ": not found (only safetensors weights are supported)");
  }
  const auto weights = io::load_safetensors(weights_path);
  bool with_pooler = false;
  for (const auto& item : weights) {
    with_pooler =
        with_pooler || util::starts_with(strip_prefix(item.first, loaded.config.arch), "pooler.");
  }
  loaded.backbone = create_backbone(loaded.config, with_pooler);
  load_weights(*loaded.backbone, weights, weights_path.string());
  for (auto& p : loaded.backbone->parameters()) p.set_requires_grad(options.trainable);
  loaded.backbone->to(device);
  loaded.backbone->eval();
  return loaded;
}

}  // namespace adamix::models
