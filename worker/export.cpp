#include "worker/export.h"

#include "core/error.h"
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

}  // namespace

std::string hf_head_name(const std::string& name) {
  const std::pair<const char*, const char*> rules[] = {
      {"head.classifier.", "classifier."},         // BERT
      {"head.pooler.", "bert.pooler."},            // BERT, checkpoint without a pooler
      {"head.dense.", "classifier.dense."},        // RoBERTa
      {"head.out_proj.", "classifier.out_proj."},  // RoBERTa
      {"head.score.", "score."},                   // GPT-2
  };
  for (const auto& [from, to] : rules)
    if (name.rfind(from, 0) == 0) return to + name.substr(std::string(from).size());
  return name;
}

void export_merged(const storage::Checkpoint& checkpoint, const std::filesystem::path& out,
                   const ExportOptions& options) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& [name, array] : checkpoint.params) {
    if (contains(name, ".gate."))
      throw ConfigError("checkpoint " + storage::attribute_string(checkpoint.meta, "trial_id") +
                        " routes with learned-top1 gates; its experts cannot be merged");
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

}  // namespace adamix::worker
