#pragma once
// `--set key.path=value` overrides of a YAML config, as Hydra's command-line overrides
// (internal to sweeps/: includes yaml-cpp). They are written into the parsed tree before the
// schema reads it, so they are typed and checked exactly as the file's own keys; errors about
// an overridden key name the override.
//
//   const auto sets = parse_overrides({"train.epochs=3", "method.placement=[query, value]"});
//   apply_overrides(root, sets);
//   return with_override_errors(sets, [&] { return read(root); });
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace adamix::sweeps {

struct ConfigOverride {
  std::string key;    // "method.placement"
  YAML::Node value;   // built afresh (no position), so errors about it carry no file line
  std::string typed;  // as given: "method.placement=[query, value]"
};

// ConfigError "--set 'x': expected key.path=value" for a malformed one; values are YAML
// ("8", "[query, value]", "{experts: 2}", "'quoted text'").
std::vector<ConfigOverride> parse_overrides(const std::vector<std::string>& typed);

// Sets each override's key in `root` (a mapping), creating missing mappings; when `prefix` is
// given ("base"), only overrides under it, with the prefix taken off, and otherwise only the
// others. ConfigError naming the override when a parent is not a mapping.
void apply_overrides(YAML::Node root, const std::vector<ConfigOverride>& overrides,
                     const std::string& prefix = "", bool under_prefix = false);

// A ConfigError about an overridden key ("trial.yaml: method.experts: expected an integer")
// becomes one about the override ("--set method.experts=abc: expected an integer").
std::string name_override(const std::vector<ConfigOverride>& overrides, const std::string& error);

template <class F>
auto with_override_errors(const std::vector<ConfigOverride>& overrides, F&& read) {
  try {
    return read();
  } catch (const ConfigError& e) {
    if (overrides.empty()) throw;
    throw ConfigError(name_override(overrides, e.what()));
  }
}

}  // namespace adamix::sweeps
