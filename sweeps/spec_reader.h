#pragma once
// A sweep spec read and checked, before expansion (internal to sweeps/: includes yaml-cpp).
// sweep_spec.h documents the format; this layer checks keys, shapes and types of the spec's
// own fields, and that every dotted key names a trial config field.
//
//   SweepSpec spec = read_sweep_spec(text, "sweep.yaml", ".");
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sweeps/config_overrides.h"

namespace adamix::sweeps {

// One dotted trial key set to one value, with where it was written (for error messages).
struct Override {
  std::string key;  // trial config path: "method.experts"
  // A handle into the spec's tree: rebind with value.reset(other); `value = other` would
  // overwrite the spec node it shares.
  YAML::Node value;
  std::string context;  // spec path of the entry: "axes", "ablations.routing[2]", "include[0]"
  std::string source;   // file that holds it
  int line = 0;         // 0 = unknown
  std::string where() const { return context.empty() ? key : context + "." + key; }
};
using Overrides = std::vector<Override>;

struct Variant {
  std::string label;  // preset label, or "key=value,..." ("plain" for {})
  Overrides overrides;
};

struct Ablation {
  std::string name;
  std::vector<Variant> variants;
};

struct ExcludeRule {
  Overrides keys;  // all must match
  int line = 0;
};

struct SweepSpec {
  std::string name;
  std::string source;              // the spec file
  YAML::Node base;                 // as written, a mapping
  std::string base_source;         // file holding the base: the spec, or the file `base:` names
  std::string base_context;        // "base" when inline, "" when read from its own file
  std::vector<Overrides> axes;     // per axis, one Override per value
  std::vector<Overrides> samples;  // per random draw, one Override per distribution
  Overrides seeds;                 // train.seed, one per seed
  std::vector<ExcludeRule> exclude;
  std::vector<Variant> include;
  std::vector<Ablation> ablations;
};

// ConfigError "source:line: dotted.key: message" for anything malformed.
// `overrides` go over the spec's keys before they are read, those under `base.` over the base.
SweepSpec read_sweep_spec(const std::string& text, const std::string& source,
                          const std::filesystem::path& base_dir,
                          const std::vector<ConfigOverride>& overrides = {});

}  // namespace adamix::sweeps
