#pragma once
// Named ablation presets: the variant lists of the paper's ablation tables (docs/method.md
// "Inference modes", paper §4.3). A sweep spec names one under `ablations:`; each variant overrides
// base.
//
//   const AblationPreset* p = adamix::sweeps::find_preset("merge-vs-ensemble");
//   // p->variants: {"merged", {{"method.inference", "merged"}}}, {"ensemble", ...}
#include <string>
#include <utility>
#include <vector>

namespace adamix::sweeps {

struct PresetVariant {
  std::string label;  // short name in tags and reports: "merged", "off", "M=4"
  // dotted trial key -> value as YAML scalar text ("fixed:0,0", "0.0", "8")
  std::vector<std::pair<std::string, std::string>> overrides;
};

struct AblationPreset {
  std::string name;
  std::string summary;  // one line: what the table compares
  std::vector<PresetVariant> variants;
};

// inference-routing, merge-vs-ensemble, consistency, sharing, experts, bottleneck.
const std::vector<AblationPreset>& ablation_presets();
const AblationPreset* find_preset(const std::string& name);  // nullptr when unknown
std::string preset_names();                                  // "bottleneck, consistency, ..."

}  // namespace adamix::sweeps
