#pragma once
// Typed reads out of YAML nodes for config files (internal to sweeps/: includes yaml-cpp).
// Every error is one ConfigError naming source:line and the dotted key.
//
//   YamlReader r("pretrain.yaml");
//   r.only_keys(root, "", {"model", "train"});
//   int64_t n = r.integer(root["block_size"], "block_size");
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <set>
#include <string>

#include "core/error.h"
#include "sweeps/yaml_path.h"

namespace adamix::sweeps {

// Parses `text`; ConfigError "source:line: invalid YAML: ..." or "source: empty <what>".
YAML::Node load_yaml_text(const std::string& text, const std::string& source,
                          const std::string& what);

// Shortest decimal text that reads back as the same double.
std::string exact_number(double value);

// Reads typed values out of YAML nodes; every error names source:line and the dotted key.
class YamlReader {
 public:
  explicit YamlReader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& message) const {
    throw ConfigError(location(source_, node) + ": " + key + ": " + message);
  }

  void only_keys(const YAML::Node& map, const std::string& prefix,
                 const std::set<std::string>& allowed) const {
    if (!map.IsMap()) fail(map, prefix.empty() ? "(top level)" : prefix, "expected a mapping");
    for (const auto& entry : map) {
      const auto key = entry.first.as<std::string>();
      if (!allowed.count(key)) {
        std::string known;
        for (const auto& k : allowed) known += (known.empty() ? "" : ", ") + k;
        fail(entry.first, prefix.empty() ? key : prefix + "." + key,
             "unknown key (expected one of " + known + ")");
      }
    }
  }

  std::string text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "expected a single value");
    return node.Scalar();
  }

  int64_t integer(const YAML::Node& node, const std::string& key) const {
    const auto value = text(node, key);
    const auto parsed = parse_integer(value);
    if (!parsed) fail(node, key, "expected an integer, got '" + value + "'");
    return *parsed;
  }

  double number(const YAML::Node& node, const std::string& key) const {
    const auto value = text(node, key);
    const auto parsed = parse_number(value);
    if (!parsed) fail(node, key, "expected a number, got '" + value + "'");
    return *parsed;
  }

  // Runs `parse` and re-throws its ConfigError with the node's line in front.
  template <class F>
  auto with_line(const YAML::Node& node, F&& parse) const {
    try {
      return parse();
    } catch (const ConfigError& e) {
      throw ConfigError(location(source_, node) + ": " + e.what());
    }
  }

 private:
  std::string source_;
};

}  // namespace adamix::sweeps
