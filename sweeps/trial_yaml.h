#pragma once
// Trial config <-> YAML (DESIGN.md "Trial config"). Unknown keys and wrong types are errors
// that name the dotted key and the line.
//
//   auto config = adamix::sweeps::load_trial_yaml("trial.yaml");
//   std::string resolved = adamix::sweeps::to_yaml(config);  // every field, canonical order
#include <filesystem>
#include <string>

#include "core/config/trial_config.h"

namespace adamix::sweeps {

// `source` names the text in errors ("trial.yaml:12: method.experts: expected an integer ...").
// A `recipe:` key applies METHOD.md's row first; explicit keys override it. Setting
// `method.module` resets the module-dependent defaults (size, alpha, expert_init) to that
// module's METHOD.md defaults unless they are given too.
config::TrialConfig parse_trial_yaml(const std::string& text, const std::string& source);
config::TrialConfig load_trial_yaml(const std::filesystem::path& path);

// The resolved config with every field, in a fixed order: parse_trial_yaml(to_yaml(c)) == c,
// and equal configs give equal text (trial ids hash it).
std::string to_yaml(const config::TrialConfig& config);

}  // namespace adamix::sweeps
