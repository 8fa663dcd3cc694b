#include "sweeps/presets.h"

#include <algorithm>

namespace adamix::sweeps {

const std::vector<AblationPreset>& ablation_presets() {
  // Each list is the column set of one of the paper's ablation tables; the variant that equals
  // docs/method.md's default comes first.
  static const std::vector<AblationPreset> table = {
      {"inference-routing",
       "routing at inference: merged weights vs random and fixed expert routing",
       {{"merged", {{"method.inference", "merged"}}},
        {"random-batch", {{"method.inference", "random-batch"}}},
        {"random-token", {{"method.inference", "random-token"}}},
        {"fixed:0,0", {{"method.inference", "fixed:0,0"}}}}},
      {"merge-vs-ensemble",
       "merged experts (one module's cost) vs the ensemble of all expert paths",
       {{"merged", {{"method.inference", "merged"}}},
        {"ensemble", {{"method.inference", "ensemble"}}}}},
      {"consistency",
       "consistency regularization on (lambda = 1, GLUE) vs off",
       {{"on", {{"method.consistency", "1.0"}}}, {"off", {{"method.consistency", "0.0"}}}}},
      {"sharing",
       "shared up-projection vs no sharing",
       {{"share-up", {{"method.share", "up"}}}, {"share-none", {{"method.share", "none"}}}}},
      {"experts",
       "number of experts M",
       {{"M=1", {{"method.experts", "1"}}},
        {"M=2", {{"method.experts", "2"}}},
        {"M=4", {{"method.experts", "4"}}},
        {"M=8", {{"method.experts", "8"}}}}},
      {"bottleneck",
       "adapter bottleneck size r",
       {{"r=8", {{"method.size", "8"}}},
        {"r=16", {{"method.size", "16"}}},
        {"r=32", {{"method.size", "32"}}},
        {"r=48", {{"method.size", "48"}}}}},
  };
  return table;
}

const AblationPreset* find_preset(const std::string& name) {
  const auto& table = ablation_presets();
  const auto it = std::find_if(table.begin(), table.end(),
                               [&](const AblationPreset& p) { return p.name == name; });
  return it == table.end() ? nullptr : &*it;
}

std::string preset_names() {
  std::vector<std::string> names;
  for (const auto& preset : ablation_presets()) names.push_back(preset.name);
  std::sort(names.begin(), names.end());
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace adamix::sweeps
