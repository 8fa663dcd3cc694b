#pragma once
// Dotted-path access to YAML trees, for sweep specs (internal to sweeps/: includes yaml-cpp).
//
//   set_path(copy, "method.experts", YAML::Node("8"));   // creates `method:` when missing
//   for (auto& [key, node] : flatten(YAML::Load(text))) ...   // "task.name", "method.size", ...
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace adamix::sweeps {

int line_of(const YAML::Node& node);  // 1-based; 0 when the node has no position
// "source:line" for a node with a position, else "source": the front of every error message.
std::string location(const std::string& source, const YAML::Node& node);
// The whole text as a base-10 integer in range, or as a finite number; nullopt otherwise.
std::optional<int64_t> parse_integer(const std::string& text);
std::optional<double> parse_number(const std::string& text);
std::string emit(const YAML::Node& node);
// A scalar's text, or the flow form of a sequence or mapping ("[query, value]").
std::string node_text(const YAML::Node& node);

// Replaces the node at `key` (dotted) in `root`, creating missing mappings on the way; throws
// ConfigError("<prefix>: is a <kind>, not a mapping") when a parent is a scalar or a list.
void set_path(YAML::Node root, const std::string& key, const YAML::Node& value);

// Line of the deepest node along `key` that exists in `root` (0 when none has a position).
int deepest_line(const YAML::Node& root, const std::string& key);

// Every leaf (scalar or sequence) under `root`, depth first in document order, keyed by its
// dotted path; mapping paths are returned too when `with_maps` is set.
std::vector<std::pair<std::string, YAML::Node>> flatten(const YAML::Node& root,
                                                        bool with_maps = false);

// `actual` has `expected`'s value: scalars equal as numbers when both are numbers, else as
// text; sequences element-wise; a mapping `expected` checks only its own keys.
bool same_value(const YAML::Node& expected, const YAML::Node& actual);

// True when one dotted key is the other or lies under it ("task" and "task.name").
bool keys_overlap(const std::string& a, const std::string& b);

}  // namespace adamix::sweeps
