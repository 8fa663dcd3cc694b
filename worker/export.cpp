#include "worker/export.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/safetensors.h"
#include "core/util/text.h"
#include "worker/tensor_arrays.h"

namespace adamix::worker {
namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Stacked expert tensors of a mixture: [M, ...] with the experts first.
bool is_expert_stack(const std::string& name) {
  return contains(name, ".adapter.down.") || contains(name, ".adapter.up.") ||
         util::ends_with(name, ".lora.A") || util::ends_with(name, ".lora.B") ||
         contains(name, ".lora_q.") || contains(name, ".lora_k.") || contains(name, ".lora_v.");
}

void refuse_learned_gates(const std::string& name, const storage::Checkpoint& checkpoint) {
  if (contains(name, ".gate."))
    throw ConfigError("checkpoint " + storage::attribute_string(checkpoint.meta, "trial_id") +
                      " routes with learned-top1 gates; its experts cannot be merged");
}

// The PEFT modules_to_save entry of a head tensor's transformers name.
std::string head_module(const std::string& hf_name) {
  if (hf_name.rfind("bert.pooler.", 0) == 0) return "pooler";
  return hf_name.substr(0, hf_name.find('.'));
}

// The row block of GPT-2's fused c_attn output a LoRA target writes: query 0, key 1, value 2.
int64_t third_of(char target) {
  switch (target) {
    case 'q': return 0;
    case 'k': return 1;
    case 'v': return 2;
  }
  throw ConfigError(std::string("GPT-2 LoRA target '") + target + "' is not q, k or v");
}

}  // namespace

namespace {

// Our head tensor names and the transformers *ForSequenceClassification names, both ways; the
// longer transformers prefixes come first (classifier.dense. before classifier.).
constexpr std::pair<const char*, const char*> kHeadNames[] = {
    {"head.dense.", "classifier.dense."},        // RoBERTa
    {"head.out_proj.", "classifier.out_proj."},  // RoBERTa
    {"head.classifier.", "classifier."},         // BERT
    {"head.pooler.", "bert.pooler."},            // BERT, checkpoint without a pooler
    {"head.score.", "score."},                   // GPT-2
};

}  // namespace

std::string hf_head_name(const std::string& name) {
  for (const auto& [ours, hf] : kHeadNames)
    if (name.rfind(ours, 0) == 0) return hf + name.substr(std::string(ours).size());
  return name;
}

std::string head_name_from_hf(const std::string& hf_name) {
  for (const auto& [ours, hf] : kHeadNames)
    if (hf_name.rfind(hf, 0) == 0) return ours + hf_name.substr(std::string(hf).size());
  return "";
}

void export_merged(const storage::Checkpoint& checkpoint, const std::filesystem::path& out,
                   const ExportOptions& options) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& [name, array] : checkpoint.params) {
    refuse_learned_gates(name, checkpoint);
    auto tensor = from_float_array(array);
    if (is_expert_stack(name)) tensor = tensor.mean(0, /*keepdim=*/true);
    const bool head = name.rfind("head.", 0) == 0;
    tensors.emplace_back(head && options.hf_head_names ? hf_head_name(name) : name, tensor);
  }
  io::save_safetensors(out, tensors,
                       {{"format", "pt"},
                        {"trial_id", storage::attribute_string(checkpoint.meta, "trial_id")},
                        {"merged", "mean of experts"}});
}

void export_peft(const storage::Checkpoint& checkpoint, const PeftExportInfo& info,
                 const std::filesystem::path& out_dir) {
  if (info.method.module != peft::PeftModule::Lora)
    throw ConfigError(
        "--format peft exports LoRA trials (method.module: lora), and this trial trains " +
        std::string(peft::to_string(info.method.module)) +
        " modules: export it with --format safetensors");
  const bool gpt2 = info.arch == models::Arch::Gpt2;
  const std::string model = "base_model.model.";
  const std::string backbone = model + (info.arch == models::Arch::Bert      ? "bert."
                                        : info.arch == models::Arch::Roberta ? "roberta."
                                                                             : "transformer.");
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  std::set<std::string> modules_to_save;
  std::map<std::string, std::map<int64_t, std::pair<torch::Tensor, torch::Tensor>>> fused;
  int64_t rank = 0;
  for (const auto& [name, array] : checkpoint.params) {
    refuse_learned_gates(name, checkpoint);
    const torch::Tensor tensor = from_float_array(array);
    if (name.rfind("head.", 0) == 0) {
      const std::string hf = hf_head_name(name);
      tensors.emplace_back(model + hf, tensor);
      modules_to_save.insert(head_module(hf));
      continue;
    }
    const bool a = util::ends_with(name, ".A");
    if (!a && !util::ends_with(name, ".B"))
      throw ConfigError("checkpoint tensor " + name + " is not part of a LoRA or its head");
    const torch::Tensor merged = tensor.mean(0);  // docs/method.md "Merging": mean of the experts
    if (a) rank = merged.size(0);
    const std::string module = name.substr(0, name.size() - 2);
    if (!gpt2) {  // "encoder.layer.0.attention.self.query.lora" -> "...query.lora_A.weight"
      const std::string wrapped = module.substr(0, module.rfind(".lora"));
      tensors.emplace_back(backbone + wrapped + (a ? ".lora_A.weight" : ".lora_B.weight"), merged);
    } else {  // "h.0.attn.c_attn.lora_q": one third of the fused c_attn
      const size_t at = module.rfind(".lora_");
      auto& pair = fused[module.substr(0, at)][third_of(module.back())];
      (a ? pair.first : pair.second) = merged;
    }
  }
  const int64_t targets = gpt2 ? static_cast<int64_t>(info.method.lora_targets.size()) : 1;
  for (const auto& [c_attn, by_third] : fused) {
    std::vector<torch::Tensor> as;
    const int64_t hidden = by_third.begin()->second.second.size(0);
    torch::Tensor b = torch::zeros({3 * hidden, rank * static_cast<int64_t>(by_third.size())});
    int64_t k = 0;
    for (const auto& [third, pair] : by_third) {
      as.push_back(pair.first);
      b.narrow(0, third * hidden, hidden).narrow(1, k * rank, rank).copy_(pair.second);
      ++k;
    }
    tensors.emplace_back(backbone + c_attn + ".lora_A.weight", torch::cat(as, 0));
    tensors.emplace_back(backbone + c_attn + ".lora_B.weight", b);
  }
  if (rank == 0) throw ConfigError("the checkpoint holds no LoRA tensors");

  nlohmann::json target_modules =
      gpt2 ? nlohmann::json{"c_attn"} : nlohmann::json(info.method.lora_targets);
  nlohmann::json config = {
      {"peft_type", "LORA"},
      {"task_type", info.causal_lm ? "CAUSAL_LM" : "SEQ_CLS"},
      {"r", rank * targets},
      // PEFT scales by lora_alpha / r: alpha grows with r so that each target keeps alpha / r.
      {"lora_alpha", info.method.alpha * static_cast<double>(targets)},
      {"lora_dropout", info.method.lora_dropout},
      {"target_modules", target_modules},
      {"bias", "none"},
      {"fan_in_fan_out", gpt2},
      {"modules_to_save",
       modules_to_save.empty() ? nlohmann::json(nullptr) : nlohmann::json(modules_to_save)},
      {"inference_mode", true},
      {"base_model_name_or_path", info.base_model},
      {"init_lora_weights", true},
      {"layers_to_transform", nullptr},
      {"layers_pattern", nullptr},
      {"rank_pattern", nlohmann::json::object()},
      {"alpha_pattern", nlohmann::json::object()},
      {"revision", nullptr},
      {"use_rslora", false},
      {"use_dora", false},
  };
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw IoError("cannot create " + out_dir.string() + ": " + ec.message());
  io::save_safetensors(out_dir / "adapter_model.safetensors", tensors, {{"format", "pt"}});
  io::write_text_atomically(out_dir / "adapter_config.json", config.dump(2) + "\n");
}

void export_adapterhub(const storage::Checkpoint& checkpoint, const PeftExportInfo& info,
                       const std::string& name, const std::filesystem::path& out_dir) {
  const int64_t hidden_size = info.hidden_size;
  if (info.method.module != peft::PeftModule::Adapter)
    throw ConfigError(
        "--format adapterhub exports bottleneck adapter trials (method.module: "
        "adapter), and this trial trains " +
        std::string(peft::to_string(info.method.module)) +
        (info.method.module == peft::PeftModule::Lora ? ": use --format peft"
                                                      : ": use --format safetensors"));
  // The library builds the bottleneck as int(hidden // reduction_factor).
  const double reduction = static_cast<double>(hidden_size) / static_cast<double>(info.method.size);
  if (static_cast<int64_t>(std::floor(static_cast<double>(hidden_size) / reduction)) !=
      info.method.size)
    throw ConfigError("--format adapterhub: a bottleneck of " + std::to_string(info.method.size) +
                      " in hidden size " + std::to_string(hidden_size) +
                      " is not one the adapters library's reduction_factor gives back");
  const bool gpt2 = info.arch == models::Arch::Gpt2;
  // Our module path of an adapter -> the library's, for each placement.
  const std::pair<const char*, const char*> places[] = {
      {".attention.output.adapter.", ".attention.output.adapters."},  // BERT, RoBERTa
      {".output.adapter.", ".output.adapters."},
      {".attn.adapter.", ".attention_adapters.adapters."},  // GPT-2
      {".mlp.adapter.", ".output_adapters.adapters."},
  };
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& [param, array] : checkpoint.params) {
    refuse_learned_gates(param, checkpoint);
    if (param.rfind("head.", 0) == 0) continue;
    std::string key;
    for (const auto& [ours, theirs] : places) {
      const auto at = param.find(ours);
      if (at == std::string::npos || key.size()) continue;
      std::string rest = param.substr(at + std::string(ours).size());  // down.weight, up.bias
      if (rest.rfind("down.", 0) == 0)
        rest = "adapter_down.0." + rest.substr(5);
      else if (rest.rfind("up.", 0) == 0)
        rest = "adapter_up." + rest.substr(3);
      else
        throw ConfigError("checkpoint tensor " + param + " is not part of a bottleneck adapter");
      key = param.substr(0, at) + theirs + name + "." + rest;
    }
    if (key.empty())
      throw ConfigError("checkpoint tensor " + param +
                        " is not at a placement the adapters "
                        "library has (after the attention or the feed-forward output)");
    // docs/method.md "Merging": each side the mean of its experts.
    tensors.emplace_back(key, from_float_array(array).mean(0));
  }
  if (tensors.empty()) throw ConfigError("the checkpoint holds no adapter tensors");
  const bool attn = info.method.placement != peft::Placement::Ffn;
  const bool ffn = info.method.placement != peft::Placement::Attn;
  nlohmann::json bottleneck = {
      {"architecture", "bottleneck"},
      {"mh_adapter", attn},
      {"output_adapter", ffn},
      {"reduction_factor", reduction},
      {"non_linearity", "gelu"},
      // Houlsby: the adapter (with its own residual) on the sublayer's output, then the
      // sublayer's residual and LayerNorm as before.
      {"original_ln_before", false},
      {"original_ln_after", true},
      {"residual_before_ln", true},
      {"adapter_residual_before_ln", false},
      {"ln_before", false},
      {"ln_after", false},
      {"init_weights", "bert"},
      {"is_parallel", false},
      {"scaling", 1.0},
      {"use_gating", false},
      {"dropout", 0.0},
      {"phm_layer", false},
      {"inv_adapter", nullptr},
      {"inv_adapter_reduction_factor", nullptr},
      {"cross_adapter", false},
      {"leave_out", nlohmann::json::array()},
  };
  const char* model_type = gpt2 ? "gpt2" : info.arch == models::Arch::Roberta ? "roberta" : "bert";
  const char* model_class = gpt2                                 ? "GPT2Model"
                            : info.arch == models::Arch::Roberta ? "RobertaModel"
                                                                 : "BertModel";
  nlohmann::json config = {{"config", bottleneck},       {"hidden_size", hidden_size},
                           {"model_class", model_class}, {"model_name", info.base_model},
                           {"model_type", model_type},   {"name", name},
                           {"version", "adapters.1.0.1"}};
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw IoError("cannot create " + out_dir.string() + ": " + ec.message());
  io::save_safetensors(out_dir / "adapter.safetensors", tensors, {{"format", "pt"}});
  io::write_text_atomically(out_dir / "adapter_config.json", config.dump(2) + "\n");
}

}  // namespace adamix::worker
