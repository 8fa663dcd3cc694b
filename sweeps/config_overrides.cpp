#include "sweeps/config_overrides.h"

#include "sweeps/yaml_path.h"

namespace adamix::sweeps {
namespace {

// A copy without positions: yaml-cpp keeps a loaded node's mark through Clone, and a mark would
// make errors point at line 1 of a file the value never came from.
YAML::Node without_marks(const YAML::Node& node) {
  if (node.IsSequence()) {
    YAML::Node copy(YAML::NodeType::Sequence);
    for (const auto& item : node) copy.push_back(without_marks(item));
    return copy;
  }
  if (node.IsMap()) {
    YAML::Node copy(YAML::NodeType::Map);
    for (const auto& entry : node) copy[entry.first.Scalar()] = without_marks(entry.second);
    return copy;
  }
  return YAML::Node(node.IsScalar() ? node.Scalar() : std::string());
}

}  // namespace

std::vector<ConfigOverride> parse_overrides(const std::vector<std::string>& typed) {
  std::vector<ConfigOverride> result;
  for (const auto& text : typed) {
    const auto equals = text.find('=');
    const auto key = text.substr(0, equals);
    const bool key_ok = equals != std::string::npos && !key.empty() && key.front() != '.' &&
                        key.back() != '.' && key.find("..") == std::string::npos &&
                        key.find_first_of(" \t:") == std::string::npos;
    if (!key_ok) throw ConfigError("--set '" + text + "': expected key.path=value");
    const auto value_text = text.substr(equals + 1);
    YAML::Node value;
    try {
      const auto loaded = YAML::Load(value_text);
      value = loaded.IsNull() ? YAML::Node(value_text) : without_marks(loaded);
    } catch (const YAML::Exception& e) {
      throw ConfigError("--set " + text + ": invalid value (" + e.msg + ")");
    }
    result.push_back({key, value, text});
  }
  return result;
}

void apply_overrides(YAML::Node root, const std::vector<ConfigOverride>& overrides,
                     const std::string& prefix, bool under_prefix) {
  if (!root.IsMap()) return;  // the reader reports a document that is not a mapping
  for (const auto& o : overrides) {
    std::string key = o.key;
    if (!prefix.empty()) {
      const bool under = o.key.compare(0, prefix.size() + 1, prefix + ".") == 0;
      if (under != under_prefix) continue;
      if (under) key = o.key.substr(prefix.size() + 1);
    }
    try {
      set_path(root, key, o.value);
    } catch (const ConfigError& e) {
      throw ConfigError("--set " + o.typed + ": " + e.what());
    }
  }
}

std::string name_override(const std::vector<ConfigOverride>& overrides, const std::string& error) {
  // Errors read "source[:line]: dotted.key: message"; a sweep's `base.` key is named without
  // its prefix where the base is read as a trial config of its own file.
  const auto colon = error.find(": ");
  if (colon == std::string::npos) return error;
  const auto rest = error.substr(colon + 2);
  const auto key_end = rest.find(": ");
  if (key_end == std::string::npos) return error;
  const auto key = rest.substr(0, key_end);
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    const bool base = it->key.compare(0, 5, "base.") == 0;
    const auto& own = it->key;
    if (keys_overlap(key, own) || (base && keys_overlap(key, own.substr(5))))
      return "--set " + it->typed + ": " +
             (key == own || (base && key == own.substr(5)) ? rest.substr(key_end + 2) : rest);
  }
  return error;
}

}  // namespace adamix::sweeps
