#include "core/models/save_pretrained.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <system_error>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/safetensors.h"

namespace adamix::models {

std::string architecture_name(Arch arch, SavedHead head) {
  const bool lm = head == SavedHead::LanguageModel;
  switch (arch) {
    case Arch::Bert: return lm ? "BertForMaskedLM" : "BertModel";
    case Arch::Roberta: return lm ? "RobertaForMaskedLM" : "RobertaModel";
    case Arch::Gpt2: return lm ? "GPT2LMHeadModel" : "GPT2Model";
  }
  throw ConfigError("architecture_name: unknown arch");
}

std::string backbone_prefix(Arch arch, SavedHead head) {
  if (head == SavedHead::None) return "";
  switch (arch) {
    case Arch::Bert: return "bert.";
    case Arch::Roberta: return "roberta.";
    case Arch::Gpt2: return "transformer.";
  }
  throw ConfigError("backbone_prefix: unknown arch");
}

void save_pretrained(const std::filesystem::path& dir, const ModelConfig& config, SavedHead head,
                     const std::vector<std::pair<std::string, torch::Tensor>>& weights) {
  const std::string source = "save_pretrained " + dir.string();
  config.validate(source);

  // Check every weight before touching the directory, so bad input never replaces a file.
  std::vector<std::pair<std::string, torch::Tensor>> sorted;
  sorted.reserve(weights.size());
  for (const auto& [name, tensor] : weights) {
    if (name.empty() || name == "__metadata__") {
      throw ConfigError(source + ": invalid weight name '" + name + "'");
    }
    if (!tensor.defined()) throw ConfigError(source + ": weight '" + name + "' is undefined");
    if (!tensor.is_floating_point()) {
      throw ConfigError(source + ": weight '" + name + "' has dtype " +
                        c10::toString(tensor.scalar_type()) + ", expected a floating-point type");
    }
    sorted.emplace_back(name, tensor);
  }
  // safetensors' Python writer orders tensors of one dtype by name.
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].first == sorted[i - 1].first) {
      throw ConfigError(source + ": weight name '" + sorted[i].first + "' appears twice");
    }
  }
  for (auto& item : sorted) {
    item.second = item.second.detach().to(torch::kCPU, torch::kFloat).contiguous();
  }

  nlohmann::json json = to_json(config);
  json["architectures"] = nlohmann::json::array({architecture_name(config.arch, head)});

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw IoError(dir.string() + ": cannot create model directory" +
                  (ec ? ": " + ec.message() : std::string()));
  }
  // Weights first, then config: a failed weights write leaves an older pair untouched. The
  // metadata format = pt is required by transformers, which refuses safetensors files without it.
  io::save_safetensors(dir / "model.safetensors", sorted, {{"format", "pt"}});
  io::write_text_atomically(dir / "config.json", json.dump(2) + "\n");
}

}  // namespace adamix::models
