#include "sweeps/spec_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "sweeps/presets.h"
#include "sweeps/sampling.h"
#include "sweeps/trial_yaml.h"
#include "sweeps/yaml_path.h"

namespace adamix::sweeps {
namespace {

using Entries = std::vector<std::pair<std::string, YAML::Node>>;

// Every dotted path of the trial config: mappings ("method") and leaves ("method.experts").
const std::set<std::string>& trial_keys() {
  static const std::set<std::string> keys = [] {
    config::TrialConfig config;
    config.recipe = "any";  // to_yaml writes `recipe` only when set
    std::set<std::string> result;
    for (const auto& [key, node] : flatten(YAML::Load(to_yaml(config)), true)) result.insert(key);
    return result;
  }();
  return keys;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Reads the spec's own fields; every error names source:line and the dotted key.
class SpecReader {
 public:
  explicit SpecReader(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& message) const {
    throw ConfigError(location(source_, node) + ": " + key + ": " + message);
  }

  // A mapping's entries in document order; plain keys only, none twice.
  Entries entries(const YAML::Node& map, const std::string& where) const {
    if (!map.IsMap()) fail(map, where, "expected a mapping");
    Entries result;
    std::map<std::string, int> seen;
    for (const auto& entry : map) {
      const auto path = where.empty() ? std::string("(key)") : where;
      if (!entry.first.IsScalar()) fail(entry.first, path, "expected a plain key");
      const auto key = entry.first.Scalar();
      const auto full = where.empty() ? key : where + "." + key;
      if (seen.count(key))
        fail(entry.first, full, "given twice (first on line " + std::to_string(seen[key]) + ")");
      seen[key] = line_of(entry.first);
      result.emplace_back(key, entry.second);
    }
    return result;
  }

  std::vector<YAML::Node> list(const YAML::Node& node, const std::string& where) const {
    if (!node.IsSequence()) fail(node, where, "expected a list, e.g. [1, 2]");
    if (node.size() == 0) fail(node, where, "empty list: give at least one value");
    return std::vector<YAML::Node>(node.begin(), node.end());
  }

  int64_t integer(const YAML::Node& node, const std::string& where, int64_t min) const {
    const auto text = node.IsScalar() ? node.Scalar() : node_text(node);
    const auto value = node.IsScalar() ? parse_integer(text) : std::nullopt;
    if (!value || *value < min)
      fail(node, where, "expected an integer >= " + std::to_string(min) + ", got '" + text + "'");
    return *value;
  }

  double number(const YAML::Node& node, const std::string& where) const {
    const auto text = node.IsScalar() ? node.Scalar() : node_text(node);
    const auto value = node.IsScalar() ? parse_number(text) : std::nullopt;
    if (!value) fail(node, where, "expected a number, got '" + text + "'");
    return *value;
  }

  // `key` (written at `key_node`) must name a trial config field.
  Override make_override(const YAML::Node& key_node, const std::string& key,
                         const YAML::Node& value, const std::string& context) const {
    const auto where = context.empty() ? key : context + "." + key;
    if (!trial_keys().count(key)) {
      const auto dot = key.rfind('.');
      const auto parent = dot == std::string::npos ? std::string() : key.substr(0, dot);
      const bool known_parent = !parent.empty() && trial_keys().count(parent);
      std::vector<std::string> siblings;
      for (const auto& k : trial_keys()) {
        const auto prefix = known_parent ? parent + "." : std::string();
        if (k.compare(0, prefix.size(), prefix) == 0 &&
            k.find('.', prefix.size()) == std::string::npos)
          siblings.push_back(k);
      }
      fail(key_node, where,
           "unknown trial config key '" + key + "' (expected one of " + join(siblings) + ")");
    }
    return Override{key, value, context, source_,
                    line_of(value) ? line_of(value) : line_of(key_node)};
  }

  // A mapping of dotted keys to values (an exclude rule, an include entry, a variant).
  Overrides overrides(const YAML::Node& map, const std::string& context) const {
    Overrides result;
    if (map.IsNull()) return result;
    if (!map.IsMap()) fail(map, context, "expected a mapping of dotted keys to values");
    for (const auto& [key, value] : entries(map, context)) {
      YAML::Node key_node = find_key(map, key);
      result.push_back(make_override(key_node, key, value, context));
    }
    return result;
  }

  static YAML::Node find_key(const YAML::Node& map, const std::string& key) {
    for (const auto& entry : map)
      if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first;
    return map;
  }

 private:
  std::string source_;
};

std::string variant_label(const Overrides& overrides) {
  std::string label;
  for (const auto& o : overrides)
    label += (label.empty() ? "" : ",") + o.key + "=" + node_text(o.value);
  return label.empty() ? "plain" : label;
}

void read_base(const SpecReader& r, const YAML::Node& node, const std::filesystem::path& base_dir,
               SweepSpec& spec) {
  if (node.IsScalar()) {
    const auto path = base_dir / node.Scalar();
    spec.base_source = path.string();
    spec.base_context = "";
    try {
      spec.base.reset(YAML::Load(io::read_file(path)));
    } catch (const YAML::Exception& e) {
      throw ConfigError(spec.base_source + ":" + std::to_string(e.mark.line + 1) +
                        ": invalid YAML: " + e.msg);
    } catch (const IoError& e) {
      r.fail(node, "base", e.what());
    }
    if (!spec.base.IsMap())
      throw ConfigError(spec.base_source + ": expected a trial config mapping");
  } else {
    if (!node.IsMap()) r.fail(node, "base", "expected a trial config mapping or a file path");
    spec.base.reset(node);
    spec.base_source = r.source();
    spec.base_context = "base";
  }
}

void read_random(const SpecReader& r, const YAML::Node& node, SweepSpec& spec) {
  for (const auto& [key, value] : r.entries(node, "random"))
    if (key != "samples" && key != "seed" && key != "distributions")
      r.fail(SpecReader::find_key(node, key), "random." + key,
             "unknown key (expected one of distributions, samples, seed)");
  if (!node["samples"]) r.fail(node, "random.samples", "required");
  const auto samples = r.integer(node["samples"], "random.samples", 1);
  const auto seed = node["seed"] ? r.integer(node["seed"], "random.seed", 0) : 0;
  if (!node["distributions"]) r.fail(node, "random.distributions", "required");
  const auto dists = node["distributions"];
  const auto list = r.entries(dists, "random.distributions");
  if (list.empty()) r.fail(dists, "random.distributions", "empty: give at least one");
  spec.samples.assign(static_cast<size_t>(samples), {});
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  // Draw k, then distributions in file order: adding a distribution changes later draws only.
  for (size_t k = 0; k < spec.samples.size(); ++k) {
    for (const auto& [key, dist] : list) {
      const auto base =
          r.make_override(SpecReader::find_key(dists, key), key, dist, "random.distributions");
      const auto where = base.where();
      const auto kinds = r.entries(dist, where);
      if (kinds.size() != 1)
        r.fail(dist, where,
               "expected one of {uniform: [lo, hi]}, {log-uniform: [lo, hi]}, "
               "{int-uniform: [lo, hi]}, {choice: [a, b, ...]}");
      const auto& [kind, args] = kinds.front();
      const auto values = r.list(args, where + "." + kind);
      auto o = base;
      if (kind == "choice") {
        o.value.reset(values[choice_draw(rng, values.size())]);
        o.line = line_of(o.value) ? line_of(o.value) : o.line;
        spec.samples[k].push_back(o);
        continue;
      }
      if (values.size() != 2) r.fail(args, where + "." + kind, "expected [lo, hi]");
      if (kind == "int-uniform") {
        const auto lo = r.integer(values[0], where + "." + kind, INT64_MIN);
        const auto hi = r.integer(values[1], where + "." + kind, lo);
        o.value.reset(YAML::Node(std::to_string(int_uniform_draw(rng, lo, hi))));
      } else if (kind == "uniform" || kind == "log-uniform") {
        const double lo = r.number(values[0], where + "." + kind);
        const double hi = r.number(values[1], where + "." + kind);
        if (hi < lo) r.fail(args, where + "." + kind, "expected lo <= hi");
        if (kind == "log-uniform" && lo <= 0) r.fail(args, where + "." + kind, "expected lo > 0");
        const double v =
            kind == "uniform" ? uniform_draw(rng, lo, hi) : log_uniform_draw(rng, lo, hi);
        o.value.reset(YAML::Node(sampled_number_text(v)));
      } else {
        r.fail(SpecReader::find_key(dist, kind), where + "." + kind,
               "unknown distribution (expected one of choice, int-uniform, log-uniform, uniform)");
      }
      spec.samples[k].push_back(o);
    }
  }
}

void read_ablations(const SpecReader& r, const YAML::Node& node, SweepSpec& spec) {
  const auto preset = [&](const YAML::Node& at, const std::string& name, const std::string& id) {
    const auto* p = find_preset(id);
    if (!p)
      r.fail(at, "ablations." + name,
             "unknown preset '" + id + "' (known: " + preset_names() + ")");
    Ablation ablation{name, {}};
    for (const auto& v : p->variants) {
      Variant variant{v.label, {}};
      for (const auto& [key, value] : v.overrides)
        variant.overrides.push_back(
            r.make_override(at, key, YAML::Node(value), "ablations." + name));
      for (auto& o : variant.overrides) o.line = line_of(at);
      ablation.variants.push_back(variant);
    }
    return ablation;
  };
  if (node.IsSequence()) {  // [consistency, sharing]: presets under their own names
    for (const auto& item : r.list(node, "ablations")) {
      if (!item.IsScalar()) r.fail(item, "ablations", "expected a preset name");
      spec.ablations.push_back(preset(item, item.Scalar(), item.Scalar()));
    }
    return;
  }
  const auto list = r.entries(node, "ablations");
  if (list.empty()) r.fail(node, "ablations", "empty: give at least one ablation");
  for (const auto& [name, value] : list) {
    if (value.IsScalar()) {
      spec.ablations.push_back(preset(value, name, value.Scalar()));
      continue;
    }
    Ablation ablation{name, {}};
    const auto items = r.list(value, "ablations." + name);
    for (size_t i = 0; i < items.size(); ++i) {
      auto overrides = r.overrides(items[i], "ablations." + name + "[" + std::to_string(i) + "]");
      ablation.variants.push_back({variant_label(overrides), overrides});
    }
    spec.ablations.push_back(ablation);
  }
}

// `seeds` and any other train.seed key, or an axis also drawn at random: one must go.
void check_conflicts(const SweepSpec& spec) {
  std::vector<const Override*> others;
  for (const auto& axis : spec.axes) others.push_back(&axis.front());
  const auto axis_count = others.size();
  if (!spec.samples.empty())
    for (const auto& o : spec.samples.front()) others.push_back(&o);
  const auto fail_at = [](const Override& o, const std::string& message) {
    throw ConfigError(o.source + (o.line ? ":" + std::to_string(o.line) : "") + ": " + o.where() +
                      ": " + message);
  };
  for (size_t i = axis_count; i < others.size(); ++i)
    for (size_t j = 0; j < axis_count; ++j)
      if (others[i]->key == others[j]->key)
        fail_at(*others[i], "also an axis (line " + std::to_string(others[j]->line) +
                                "): give it in one place");
  if (spec.seeds.empty()) return;
  for (const auto& entry : spec.include)
    for (const auto& o : entry.overrides) others.push_back(&o);
  for (const auto& ablation : spec.ablations)
    for (const auto& variant : ablation.variants)
      for (const auto& o : variant.overrides) others.push_back(&o);
  for (const auto* o : others)
    if (o->key == "train.seed")
      fail_at(*o, "conflicts with `seeds`, which sets train.seed for every trial");
}

}  // namespace

SweepSpec read_sweep_spec(const std::string& text, const std::string& source,
                          const std::filesystem::path& base_dir,
                          const std::vector<ConfigOverride>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) throw ConfigError(source + ": empty sweep spec");
  apply_overrides(root, overrides, "base", /*under_prefix=*/false);
  SpecReader r(source);
  SweepSpec spec;
  spec.source = source;
  const std::set<std::string> allowed = {"name",  "base",    "axes",    "random",
                                         "seeds", "exclude", "include", "ablations"};
  for (const auto& [key, value] : r.entries(root, ""))
    if (!allowed.count(key))
      r.fail(SpecReader::find_key(root, key), key,
             "unknown key (expected one of ablations, axes, base, exclude, include, name, random, "
             "seeds)");
  if (!root["name"]) r.fail(root, "name", "required (the sweep's name)");
  spec.name = root["name"].IsScalar() ? root["name"].Scalar() : "";
  if (spec.name.empty() ||
      spec.name.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos)
    r.fail(root["name"], "name", "expected letters, digits, '.', '_' or '-'");
  if (!root["base"]) r.fail(root, "base", "required (a trial config, or a path to one)");
  read_base(r, root["base"], base_dir, spec);
  apply_overrides(spec.base, overrides, "base", /*under_prefix=*/true);

  if (const auto axes = root["axes"]) {
    for (const auto& [key, values] : r.entries(axes, "axes")) {
      Overrides axis;
      const auto key_node = SpecReader::find_key(axes, key);
      const auto checked = r.make_override(key_node, key, values, "axes");
      for (const auto& value : r.list(values, checked.where()))
        axis.push_back(r.make_override(key_node, key, value, "axes"));
      spec.axes.push_back(axis);
    }
  }
  if (const auto random = root["random"]) read_random(r, random, spec);
  if (const auto seeds = root["seeds"]) {
    const auto values = r.list(seeds, "seeds");
    for (size_t i = 0; i < values.size(); ++i) {
      r.integer(values[i], "seeds[" + std::to_string(i) + "]", 0);
      spec.seeds.push_back({"train.seed", values[i], "", source, line_of(values[i])});
    }
  }
  if (const auto exclude = root["exclude"]) {
    const auto rules = r.list(exclude, "exclude");
    for (size_t i = 0; i < rules.size(); ++i) {
      const auto where = "exclude[" + std::to_string(i) + "]";
      auto keys = r.overrides(rules[i], where);
      if (keys.empty()) r.fail(rules[i], where, "an empty rule would exclude every trial");
      spec.exclude.push_back({keys, line_of(rules[i])});
    }
  }
  if (const auto include = root["include"]) {
    const auto entries = r.list(include, "include");
    for (size_t i = 0; i < entries.size(); ++i) {
      auto overrides = r.overrides(entries[i], "include[" + std::to_string(i) + "]");
      spec.include.push_back({variant_label(overrides), overrides});
    }
  }
  if (const auto ablations = root["ablations"]) read_ablations(r, ablations, spec);
  check_conflicts(spec);
  return spec;
}

}  // namespace adamix::sweeps
