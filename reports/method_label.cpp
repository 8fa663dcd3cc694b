#include "reports/method_label.h"

#include <cstdlib>
#include <map>
#include <set>

namespace adamix::reports {
namespace {

struct LabelParts {
  std::string name;                // "AdaMix adapter"
  std::vector<std::string> parts;  // "r=16", "M=4"
};

LabelParts label_parts(const TrialData& t) {
  const auto& module = t.value("method.module");
  const auto& experts = t.value("method.experts");
  const bool mixture = !experts.empty() && experts != "1";
  if (module == "full") return {"Full fine-tuning", {}};
  if (module == "head-only") return {"Head only", {}};
  if (module == "adapter" || module == "lora") {
    LabelParts label{module == "adapter" ? "Adapter" : "LoRA", {"r=" + t.value("method.size")}};
    if (mixture) {
      label.name = "AdaMix " + std::string(module == "adapter" ? "adapter" : "LoRA");
      label.parts.push_back("M=" + experts);
    }
    return label;
  }
  return {module.empty() ? "Method" : module, {}};
}

std::string compose(const LabelParts& label) {
  std::string text = label.name;
  for (size_t i = 0; i < label.parts.size(); ++i) text += (i == 0 ? " (" : ", ") + label.parts[i];
  return label.parts.empty() ? text : text + ")";
}

bool is_zero(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' && value == 0;
}

}  // namespace

std::string setting_label(const std::string& key, const std::string& value) {
  if (key == "method.inference") return value;
  if (key == "method.consistency")
    return is_zero(value) ? "no consistency" : "consistency " + value;
  if (key == "method.share") return "share " + value;
  if (key == "method.routing") return value + " routing";
  if (key == "method.placement") return "placement " + value;
  if (key == "method.expert_init") return value + " init";
  if (key == "method.size") return "r=" + value;
  if (key == "method.experts") return "M=" + value;
  if (key == "model") return "model " + value;
  const auto dot = key.rfind('.');
  return (dot == std::string::npos ? key : key.substr(dot + 1)) + "=" + value;
}

std::string method_label(const TrialData& trial) { return compose(label_parts(trial)); }

std::vector<std::string> method_labels(const std::vector<const TrialData*>& methods) {
  std::vector<LabelParts> parts;
  std::map<std::string, std::vector<size_t>> clashes;  // base label -> methods
  for (size_t i = 0; i < methods.size(); ++i) {
    parts.push_back(label_parts(*methods[i]));
    clashes[compose(parts.back())].push_back(i);
  }
  for (const auto& [label, members] : clashes) {
    if (members.size() < 2) continue;
    // Keys whose values differ inside the clash, in config order.
    std::vector<std::string> differing;
    std::set<std::string> seen;
    for (size_t first : members) {
      for (const auto& [key, value] : methods[first]->config) {
        if (key.rfind("task.", 0) == 0 || key == "train.seed" || !seen.insert(key).second) continue;
        for (size_t m : members) {
          if (methods[m]->value(key) != value || !methods[m]->has_key(key)) {
            differing.push_back(key);
            break;
          }
        }
      }
    }
    for (size_t m : members) {
      for (const auto& key : differing)
        parts[m].parts.push_back(setting_label(key, methods[m]->value(key)));
    }
  }
  std::vector<std::string> labels;
  for (const auto& p : parts) labels.push_back(compose(p));
  return labels;
}

}  // namespace adamix::reports
