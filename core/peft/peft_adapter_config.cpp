#include "core/peft/peft_adapter_config.h"

#include <nlohmann/json.hpp>

#include <set>

#include "core/error.h"
#include "core/io/json_file.h"

namespace adamix::peft {
namespace {

class ConfigJson {
 public:
  ConfigJson(std::filesystem::path file, nlohmann::json doc)
      : file_(std::move(file)), doc_(std::move(doc)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw ConfigError(file_.string() + ": " + key + ": " + message);
  }
  bool present(const std::string& key) const {
    return doc_.contains(key) && !doc_.at(key).is_null();
  }
  const nlohmann::json& at(const std::string& key) const { return doc_.at(key); }
  std::string text(const std::string& key) const {
    if (!present(key)) return "";
    if (!at(key).is_string()) fail(key, "expected a string, got " + at(key).dump());
    return at(key).get<std::string>();
  }
  double number(const std::string& key, double fallback) const {
    if (!present(key)) return fallback;
    if (!at(key).is_number()) fail(key, "expected a number, got " + at(key).dump());
    return at(key).get<double>();
  }
  bool flag(const std::string& key) const {
    if (!present(key)) return false;
    if (!at(key).is_boolean()) fail(key, "expected true or false, got " + at(key).dump());
    return at(key).get<bool>();
  }
  std::vector<std::string> names(const std::string& key) const {
    if (!present(key)) return {};
    if (at(key).is_string())
      fail(key, "\"" + at(key).get<std::string>() +
                    "\" is a pattern; only a list of module names is supported");
    if (!at(key).is_array()) fail(key, "expected a list of module names, got " + at(key).dump());
    std::vector<std::string> result;
    for (const auto& item : at(key)) {
      if (!item.is_string()) fail(key, "expected module names, got " + item.dump());
      result.push_back(item.get<std::string>());
    }
    return result;
  }

 private:
  std::filesystem::path file_;
  nlohmann::json doc_;
};

}  // namespace

PeftLoraConfig read_peft_lora_config(const std::filesystem::path& dir) {
  const auto file = dir / "adapter_config.json";
  if (!std::filesystem::is_regular_file(file))
    throw IoError(file.string() +
                  " is missing (a PEFT adapter folder holds adapter_config.json "
                  "and adapter_model.safetensors)");
  nlohmann::json doc = io::read_json_file(file);
  if (!doc.is_object()) throw ConfigError(file.string() + ": expected a JSON object");
  const ConfigJson json(file, std::move(doc));

  const auto type = json.text("peft_type");
  if (type != "LORA")
    json.fail("peft_type", "\"" + type + "\" is not supported (LORA adapters only)");
  PeftLoraConfig config;
  const double r = json.number("r", 8);  // PEFT's defaults where a key is absent
  if (r < 1 || r != static_cast<double>(static_cast<int64_t>(r)))
    json.fail("r", "expected a positive integer");
  config.r = static_cast<int64_t>(r);
  config.lora_alpha = json.number("lora_alpha", 8);
  config.lora_dropout = json.number("lora_dropout", 0);
  if (config.lora_dropout < 0 || config.lora_dropout >= 1)
    json.fail("lora_dropout", "expected a value in [0, 1)");
  config.target_modules = json.names("target_modules");
  if (config.target_modules.empty()) json.fail("target_modules", "no target module");
  const std::set<std::string> attention = {"query", "key", "value"};
  std::set<std::string> seen;
  for (const auto& target : config.target_modules) {
    if (!seen.insert(target).second) json.fail("target_modules", "\"" + target + "\" twice");
    if (target == "c_attn") {
      config.fused_qkv = true;
    } else if (!attention.count(target)) {
      json.fail(
          "target_modules",
          "\"" + target + "\" is not a module we put LoRA on (query, key, value; GPT-2: c_attn)");
    }
  }
  if (config.fused_qkv && config.target_modules.size() != 1)
    json.fail("target_modules", "c_attn (GPT-2) and query / key / value (BERT) together");
  if (config.fused_qkv != json.flag("fan_in_fan_out"))
    json.fail("fan_in_fan_out", config.fused_qkv ? "GPT-2's c_attn (a Conv1D) needs true"
                                                 : "true only for GPT-2's c_attn");
  if (const auto bias = json.text("bias"); !bias.empty() && bias != "none")
    json.fail("bias", "\"" + bias + "\" is not supported (none: LoRA trains no biases)");
  if (json.flag("use_rslora")) json.fail("use_rslora", "rank-stabilised scaling is not supported");
  if (json.flag("use_dora")) json.fail("use_dora", "DoRA is not supported");
  if (json.present("layers_to_transform"))
    json.fail("layers_to_transform", "LoRA on some layers only is not supported");
  for (const char* key : {"rank_pattern", "alpha_pattern"})
    if (json.present(key) && !(json.at(key).is_object() && json.at(key).empty()))
      json.fail(key, "per-module ranks or alphas are not supported");
  config.modules_to_save = json.names("modules_to_save");
  config.task_type = json.text("task_type");
  config.base_model = json.text("base_model_name_or_path");
  return config;
}

}  // namespace adamix::peft
