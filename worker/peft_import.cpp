#include "worker/peft_import.h"

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/util/text.h"
#include "worker/export.h"

namespace adamix::worker {
namespace {

std::string shape_text(const torch::Tensor& t) { return util::shape_text(t.sizes().vec()); }

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// A key's module path names a modules_to_save entry as one of its components (PEFT matches
// modules_to_save by suffix: "pooler" is bert.pooler).
bool in_saved_module(const std::string& name, const std::vector<std::string>& saved) {
  for (const auto& module : saved)
    if (util::starts_with(name, module + ".") || name.find("." + module + ".") != std::string::npos)
      return true;
  return false;
}

// The layer index and LoRA target of a module path: BERT / RoBERTa
// "encoder.layer.3.attention.self.query", GPT-2 "h.3.attn.c_attn"; false for anything else.
bool parse_module(const std::string& module, bool gpt2, int64_t& layer, std::string& target) {
  const std::string head = gpt2 ? "h." : "encoder.layer.";
  const std::string tail = gpt2 ? ".attn." : ".attention.self.";
  if (!util::starts_with(module, head)) return false;
  const auto digits_end = module.find('.', head.size());
  if (digits_end == std::string::npos || digits_end == head.size()) return false;
  const auto digits = module.substr(head.size(), digits_end - head.size());
  if (digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  if (module.compare(digits_end, tail.size(), tail) != 0) return false;
  layer = std::stoll(digits);
  target = module.substr(digits_end + tail.size());
  return !target.empty();
}

}  // namespace

ImportedAdapter import_peft_lora(const std::filesystem::path& dir,
                                 const models::ModelConfig& model) {
  ImportedAdapter out;
  out.dir = dir;
  out.config = peft::read_peft_lora_config(dir);
  const auto& config = out.config;
  const bool gpt2 = model.arch == models::Arch::Gpt2;
  const auto config_file = (dir / "adapter_config.json").string();
  if (gpt2 != config.fused_qkv)
    throw ConfigError(
        config_file + ": target_modules: " +
        (gpt2 ? "a GPT-2 model's LoRA targets c_attn"
              : "c_attn is GPT-2's; this model is " + std::string(models::arch_name(model.arch))) +
        " (the adapter was trained on another base model)");
  const auto file = dir / "adapter_model.safetensors";
  if (!std::filesystem::is_regular_file(file))
    throw IoError(file.string() +
                  " is missing (a PEFT adapter folder holds adapter_config.json "
                  "and adapter_model.safetensors)");
  const std::string base =
      " (the adapter was trained on another base model" +
      (config.base_model.empty() ? std::string(")") : ", " + config.base_model + ")");
  const auto mismatch = [&](const std::string& key, const std::string& what) {
    return ConfigError(file.string() + ": " + key + ": " + what + base);
  };

  const int64_t hidden = model.hidden_size, r = config.r;
  const std::set<std::string> targets(config.target_modules.begin(), config.target_modules.end());
  // (layer, target) -> {lora_A, lora_B}, from the file's keys.
  std::map<std::pair<int64_t, std::string>, std::pair<torch::Tensor, torch::Tensor>> loras;
  for (const auto& [key, tensor] : io::load_safetensors(file)) {
    std::string name = key;
    if (util::starts_with(name, "base_model.model.")) name = name.substr(17);
    if (in_saved_module(name, config.modules_to_save)) {
      const auto ours = head_name_from_hf(name);
      if (ours.empty())
        throw ConfigError(file.string() + ": " + key +
                          ": a saved module that is not a task head we know (classifier, "
                          "pooler, score)");
      out.head.emplace_back(ours, tensor.to(torch::kFloat32));
      continue;
    }
    for (const char* backbone : {"bert.", "roberta.", "transformer."})
      if (util::starts_with(name, backbone)) name = name.substr(std::string(backbone).size());
    const bool a = util::ends_with(name, ".lora_A.weight");
    if (!a && !util::ends_with(name, ".lora_B.weight"))
      throw ConfigError(file.string() + ": " + key +
                        ": neither a LoRA tensor (lora_A / lora_B) nor one of modules_to_save");
    const auto module = name.substr(0, name.size() - std::string(".lora_A.weight").size());
    int64_t layer = 0;
    std::string target;
    if (!parse_module(module, gpt2, layer, target) || !targets.count(target))
      throw ConfigError(file.string() + ": " + key + ": not a LoRA of " +
                        (gpt2 ? "c_attn" : "query, key or value") +
                        " in a layer of this model's attention");
    if (layer >= model.num_layers)
      throw mismatch(key, "layer " + std::to_string(layer) + ", and the model has " +
                              std::to_string(model.num_layers));
    const std::vector<int64_t> expected =
        a ? std::vector<int64_t>{r, hidden} : std::vector<int64_t>{gpt2 ? 3 * hidden : hidden, r};
    if (tensor.sizes() != torch::IntArrayRef(expected))
      throw mismatch(key, "is " + shape_text(tensor) + ", where r = " + std::to_string(r) +
                              " on a model of hidden size " + std::to_string(hidden) + " needs " +
                              util::shape_text(expected));
    auto& pair = loras[{layer, target}];
    (a ? pair.first : pair.second) = tensor.to(torch::kFloat32);
  }
  for (int64_t layer = 0; layer < model.num_layers; ++layer)
    for (const auto& target : config.target_modules) {
      const auto it = loras.find({layer, target});
      if (it == loras.end() || !it->second.first.defined() || !it->second.second.defined())
        throw mismatch("layer " + std::to_string(layer) + " " + target,
                       "no lora_A and lora_B for it, and the model has " +
                           std::to_string(model.num_layers) + " layers");
    }

  auto& method = out.method;
  method.module = peft::PeftModule::Lora;
  method.size = r;
  method.alpha = config.lora_alpha;
  method.experts = 1;
  method.routing = peft::Routing::Fixed;
  method.consistency = 0;
  method.lora_dropout = gpt2 ? config.lora_dropout : 0;  // BERT LoRA has no dropout seam
  method.lora_targets.clear();
  if (!gpt2) {
    method.lora_targets = config.target_modules;
    for (const auto& [where, pair] : loras) {
      const auto name = "encoder.layer." + std::to_string(where.first) + ".attention.self." +
                        where.second + ".lora.";
      out.params.emplace_back(name + "A", pair.first.unsqueeze(0));
      out.params.emplace_back(name + "B", pair.second.unsqueeze(0));
    }
    return out;
  }
  // GPT-2: c_attn's update B A, one third (q, k, v) at a time: B's rows of that third times
  // the whole A. Thirds whose rows are zero in every layer are left out (our exports' block
  // structure); a fresh adapter (B all zero) keeps all three.
  const char* third_names[] = {"query", "key", "value"};
  std::vector<int64_t> used;
  for (int64_t third = 0; third < 3; ++third)
    for (const auto& [where, pair] : loras)
      if (pair.second.narrow(0, third * hidden, hidden).abs().max().item<float>() > 0) {
        used.push_back(third);
        break;
      }
  if (used.empty()) used = {0, 1, 2};
  for (int64_t third : used) method.lora_targets.push_back(third_names[third]);
  for (const auto& [where, pair] : loras)
    for (int64_t third : used) {
      const auto name = "h." + std::to_string(where.first) + ".attn.c_attn.lora_" +
                        std::string(1, third_names[third][0]) + ".";
      out.params.emplace_back(name + "A", pair.first.unsqueeze(0));
      out.params.emplace_back(name + "B",
                              pair.second.narrow(0, third * hidden, hidden).unsqueeze(0));
    }
  return out;
}

bool initialise_from_adapter(const NamedTensors& trainable, const ImportedAdapter& adapter,
                             const peft::PeftOptions& trial) {
  const auto where = "method.init_from " + adapter.dir.string() + ": ";
  const auto& m = adapter.method;
  const std::set<std::string> trial_targets(trial.lora_targets.begin(), trial.lora_targets.end());
  const std::set<std::string> adapter_targets(m.lora_targets.begin(), m.lora_targets.end());
  if (trial.module != peft::PeftModule::Lora)
    throw ConfigError(where + "a LoRA adapter needs method.module: lora");
  if (trial.size != m.size || std::abs(trial.alpha - m.alpha) > 1e-9 * std::abs(m.alpha))
    throw ConfigError(where + "the adapter has r = " + std::to_string(m.size) + ", lora_alpha = " +
                      number_text(m.alpha) + "; the trial r = " + std::to_string(trial.size) +
                      ", alpha = " + number_text(trial.alpha));
  if (trial_targets != adapter_targets) {
    std::string names;
    for (const auto& t : m.lora_targets) names += (names.empty() ? "" : ", ") + t;
    throw ConfigError(where + "the adapter updates " + names +
                      "; method.placement must list the same");
  }
  std::map<std::string, torch::Tensor> params(adapter.params.begin(), adapter.params.end());
  std::map<std::string, torch::Tensor> head(adapter.head.begin(), adapter.head.end());
  torch::NoGradGuard no_grad;
  size_t loaded = 0;
  bool head_loaded = false;
  for (const auto& [name, p] : trainable) {
    if (const auto it = params.find(name); it != params.end()) {
      // [1, ...] into every expert of this side ([M, ...] or [1, ...] when shared).
      if (it->second.sizes().slice(1) != p.sizes().slice(1))
        throw ConfigError(where + name + " is " + shape_text(it->second.squeeze(0)) +
                          " in the adapter and " + shape_text(p) + " in the trial");
      p.copy_(it->second.to(p.device(), p.scalar_type()).expand_as(p));
      ++loaded;
    } else if (const auto h = head.find(name); h != head.end()) {
      if (h->second.sizes() != p.sizes())
        throw ConfigError(where + "the adapter's head " + hf_head_name(name) + " is " +
                          shape_text(h->second) + "; this trial's is " + shape_text(p) +
                          " (another number of labels?)");
      p.copy_(h->second.to(p.device(), p.scalar_type()));
      head_loaded = true;
    }
  }
  if (loaded != params.size())
    throw ConfigError(where + "the trial has no place for " +
                      std::to_string(params.size() - loaded) + " of the adapter's LoRA tensors");
  return head_loaded;
}

}  // namespace adamix::worker
