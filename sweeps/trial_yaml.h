#pragma once
// Trial config <-> YAML (docs/formats.md "Trial config"). Unknown keys and wrong types are errors
// that name the dotted key and the line.
//
//   auto config = adamix::sweeps::load_trial_yaml("trial.yaml");
//   std::string resolved = adamix::sweeps::to_yaml(config);  // every field, canonical order
#include <filesystem>
#include <string>
#include <vector>

#include "core/config/trial_config.h"

namespace YAML {  // yaml-cpp; declared only, so includers of this header need not see yaml-cpp
class Node;
class Emitter;
}  // namespace YAML

namespace adamix::sweeps {

// `source` names the text in errors ("trial.yaml:12: method.experts: expected an integer ...").
// A `recipe:` key applies docs/method.md's row first; explicit keys override it. Setting
// `method.module` resets the module-dependent defaults (size, alpha, expert_init) to that
// module's docs/method.md defaults unless they are given too. `sets` are `--set key.path=value`
// overrides, written over the text's keys before they are read (config_overrides.h). A task.dir
// holding a task.json gives task.name when it is left out or is the folder's own name.
config::TrialConfig parse_trial_yaml(const std::string& text, const std::string& source,
                                     const std::vector<std::string>& sets = {});
config::TrialConfig load_trial_yaml(const std::filesystem::path& path,
                                    const std::vector<std::string>& sets = {});

// The resolved config with every field, in a fixed order: parse_trial_yaml(to_yaml(c)) == c,
// and equal configs give equal text (trial ids hash it). train.lr_schedule is written only when
// not linear, so trials resolved before it existed keep their ids.
std::string to_yaml(const config::TrialConfig& config);

// The `train:` block alone, for other configs that embed one (a pretrain config): reads `node` (a
// mapping) over `options`, keys absent keep their value; errors as parse_trial_yaml's
// ("pre.yaml:7: train.lr: expected a number, got 'fast'").
//
//   read_train_options(root["train"], "pre.yaml", options.train);
void read_train_options(const YAML::Node& node, const std::string& source,
                        train::TrainOptions& options);
// Emits the block's mapping (the value after `train:`) exactly as to_yaml writes it.
void write_train_options(YAML::Emitter& out, const train::TrainOptions& options);

}  // namespace adamix::sweeps
