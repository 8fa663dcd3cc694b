#include "sweeps/sweep_spec.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/sha256.h"
#include "sweeps/spec_reader.h"
#include "sweeps/trial_yaml.h"
#include "sweeps/yaml_path.h"

namespace adamix::sweeps {
namespace {

constexpr const char* kTrialSource = "trial";  // source name of the generated trial text

Overrides concat(Overrides a, const Overrides& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string describe_overrides(const Overrides& overrides) {
  std::string text;
  for (const auto& o : overrides)
    text += (text.empty() ? "" : " ") + o.key + "=" + node_text(o.value);
  return text;
}

// Turns an error about a generated trial into one about the spec line that caused it: the
// last override whose key overlaps the error's key, else the base.
[[noreturn]] void rethrow(const SweepSpec& spec, const Overrides& applied, std::string message) {
  const std::string prefix = std::string(kTrialSource) + ":";
  if (message.compare(0, prefix.size(), prefix) == 0) {  // "trial:12: key: text" from the parser
    message.erase(0, prefix.size());
    message.erase(0, message.find_first_not_of("0123456789"));
    if (message.compare(0, 2, ": ") == 0) message.erase(0, 2);
  }
  const auto key_end = message.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
  const auto key = message.substr(0, key_end);
  const auto rest = message.substr(key.size());
  std::string location = spec.base_source, shown = key;
  int line = key.empty() ? 0 : deepest_line(spec.base, key);
  if (!spec.base_context.empty() && !key.empty()) shown = spec.base_context + "." + key;
  for (auto it = applied.rbegin(); it != applied.rend() && !key.empty(); ++it) {
    if (!keys_overlap(it->key, key)) continue;
    location = it->source;
    line = it->line;
    shown = it->context.empty() ? key : it->context + "." + key;
    break;
  }
  if (line) location += ":" + std::to_string(line);
  const auto trial = applied.empty() ? "" : " (trial: " + describe_overrides(applied) + ")";
  throw ConfigError(location + ": " + shown + rest + trial);
}

class Expander {
 public:
  explicit Expander(const SweepSpec& spec) : spec_(spec), hits_(spec.exclude.size(), 0) {
    plan_.name = spec.name;
    plan_.base_yaml = to_yaml(parse({}, YAML::Clone(spec.base)));
    base_leaves_ = leaves(YAML::Load(plan_.base_yaml));
  }

  SweepPlan run() {
    std::vector<Overrides> points = {{}};
    for (const auto& axis : spec_.axes) {  // first axis slowest
      std::vector<Overrides> next;
      for (const auto& point : points)
        for (const auto& value : axis) next.push_back(concat(point, {value}));
      points.swap(next);
    }
    if (!spec_.samples.empty()) {
      std::vector<Overrides> next;
      for (const auto& point : points)
        for (const auto& sample : spec_.samples) next.push_back(concat(point, sample));
      points.swap(next);
    }
    if (spec_.ablations.empty()) {
      for (const auto& point : points) add(point, {"grid", ""}, true);
    }
    for (const auto& ablation : spec_.ablations)
      for (const auto& variant : ablation.variants)
        for (const auto& point : points)
          add(concat(point, variant.overrides), {ablation.name, variant.label}, true);
    for (const auto& entry : spec_.include) add(entry.overrides, {"include", entry.label}, false);
    for (size_t i = 0; i < hits_.size(); ++i)
      if (hits_[i] == 0)
        plan_.notes.push_back("exclude[" + std::to_string(i) + "] (" + spec_.source + ":" +
                              std::to_string(spec_.exclude[i].line) + ") matched no trial");
    return std::move(plan_);
  }

 private:
  config::TrialConfig parse(const Overrides& applied, YAML::Node doc) const {
    for (size_t i = 0; i < applied.size(); ++i) {
      try {
        set_path(doc, applied[i].key, applied[i].value);
      } catch (const ConfigError& e) {
        rethrow(spec_, Overrides(applied.begin(), applied.begin() + i + 1), e.what());
      }
    }
    try {
      return parse_trial_yaml(emit(doc) + "\n", kTrialSource);
    } catch (const ConfigError& e) {
      rethrow(spec_, applied, e.what());
    }
  }

  static std::map<std::string, YAML::Node> leaves(const YAML::Node& root) {
    std::map<std::string, YAML::Node> result;
    for (const auto& [key, node] : flatten(root, true)) result.emplace(key, node);
    return result;
  }

  void add(const Overrides& overrides, const TrialTag& tag, bool excludable) {
    if (spec_.seeds.empty()) return add_one(overrides, tag, excludable);
    for (const auto& seed : spec_.seeds) add_one(concat(overrides, {seed}), tag, excludable);
  }

  void add_one(const Overrides& applied, const TrialTag& tag, bool excludable) {
    ++plan_.generated;
    SweepTrial trial;
    trial.config = parse(applied, YAML::Clone(spec_.base));
    trial.resolved_yaml = to_yaml(trial.config);
    const auto resolved = YAML::Load(trial.resolved_yaml);
    const auto values = leaves(resolved);
    if (excludable && excluded(values)) return;
    try {
      trial.config.validate();
    } catch (const ConfigError& e) {
      rethrow(spec_, applied, e.what());
    }
    trial.id = io::sha256_hex(trial.resolved_yaml).substr(0, 12);
    const auto known = index_.find(trial.id);
    if (known != index_.end()) {
      ++plan_.duplicates;
      auto& tags = plan_.trials[known->second].tags;
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
      return;
    }
    for (const auto& [key, node] : flatten(resolved)) {
      const auto base = base_leaves_.find(key);
      const auto text = node_text(node);
      if (base == base_leaves_.end() || node_text(base->second) != text)
        trial.changes.emplace_back(key, text);
    }
    trial.tags.push_back(tag);
    index_.emplace(trial.id, plan_.trials.size());
    plan_.trials.push_back(std::move(trial));
  }

  bool excluded(const std::map<std::string, YAML::Node>& values) {
    for (size_t i = 0; i < spec_.exclude.size(); ++i) {
      bool all = true;
      for (const auto& o : spec_.exclude[i].keys) {
        const auto it = values.find(o.key);
        all = all && it != values.end() && same_value(o.value, it->second);
      }
      if (all) {
        ++hits_[i];
        ++plan_.excluded;
        return true;
      }
    }
    return false;
  }

  const SweepSpec& spec_;
  SweepPlan plan_;
  std::map<std::string, YAML::Node> base_leaves_;
  std::map<std::string, size_t> index_;  // trial id -> position in plan_.trials
  std::vector<int64_t> hits_;            // trials each exclude rule dropped
};

}  // namespace

SweepPlan expand_sweep(const std::string& text, const std::string& source,
                       const std::filesystem::path& base_dir,
                       const std::vector<std::string>& sets) {
  const auto overrides = parse_overrides(sets);
  return with_override_errors(overrides, [&] {
    return Expander(read_sweep_spec(text, source, base_dir, overrides)).run();
  });
}

SweepPlan load_sweep(const std::filesystem::path& path, const std::vector<std::string>& sets) {
  return expand_sweep(io::read_file(path), path.string(), path.parent_path(), sets);
}

std::string frozen_spec_text(const std::string& text, const std::vector<std::string>& sets) {
  if (sets.empty()) return text;
  std::string frozen = text;
  if (!frozen.empty() && frozen.back() != '\n') frozen += '\n';
  frozen += "# adamix sweep --set, applied over the lines above:\n";
  for (const auto& set : sets) frozen += "#   --set " + set + "\n";
  return frozen;
}

std::string describe_changes(const SweepTrial& trial) {
  std::string text;
  for (const auto& [key, value] : trial.changes)
    text += (text.empty() ? "" : " ") + key + "=" + value;
  return text;
}

std::string describe_tags(const SweepTrial& trial) {
  std::string text;
  for (const auto& tag : trial.tags)
    text += (text.empty() ? "" : " ") + tag.group + (tag.variant.empty() ? "" : ":" + tag.variant);
  return text;
}

}  // namespace adamix::sweeps
