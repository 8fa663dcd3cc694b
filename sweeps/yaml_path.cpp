#include "sweeps/yaml_path.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace adamix::sweeps {
namespace {

std::vector<std::string> split(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

const char* kind_of(const YAML::Node& node) {
  if (node.IsScalar()) return "value";
  if (node.IsSequence()) return "list";
  return "mapping";
}

bool as_number(const YAML::Node& node, double& value) {
  const auto& text = node.Scalar();
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0';
}

void flatten_into(const YAML::Node& node, const std::string& prefix, bool with_maps,
                  std::vector<std::pair<std::string, YAML::Node>>& out) {
  if (!node.IsMap()) {
    out.emplace_back(prefix, node);
    return;
  }
  if (with_maps && !prefix.empty()) out.emplace_back(prefix, node);
  for (const auto& entry : node) {
    const auto key = entry.first.Scalar();
    flatten_into(entry.second, prefix.empty() ? key : prefix + "." + key, with_maps, out);
  }
}

}  // namespace

int line_of(const YAML::Node& node) {
  return node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
}

std::string location(const std::string& source, const YAML::Node& node) {
  const int line = line_of(node);
  return line ? source + ":" + std::to_string(line) : source;
}

std::optional<int64_t> parse_integer(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE) return std::nullopt;
  return value;
}

std::optional<double> parse_number(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string emit(const YAML::Node& node) {
  YAML::Emitter out;
  out << node;
  return out.c_str();
}

std::string node_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  if (!node.IsDefined() || node.IsNull()) return "null";
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

void set_path(YAML::Node root, const std::string& key, const YAML::Node& value) {
  const auto parts = split(key);
  YAML::Node current = root;  // yaml-cpp nodes are handles: reset() moves, `=` would assign
  std::string path;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    path += (path.empty() ? "" : ".") + parts[i];
    YAML::Node child = current[parts[i]];
    if (!child.IsDefined() || child.IsNull()) {
      current[parts[i]] = YAML::Node(YAML::NodeType::Map);
      child.reset(current[parts[i]]);
    } else if (!child.IsMap()) {
      throw ConfigError(path + ": is a " + kind_of(child) + ", not a mapping, so " + key +
                        " cannot be set in it");
    }
    current.reset(child);
  }
  current[parts.back()] = YAML::Clone(value);
}

int deepest_line(const YAML::Node& root, const std::string& key) {
  int line = line_of(root);
  YAML::Node current = root;
  for (const auto& part : split(key)) {
    const YAML::Node& view = current;  // const lookups never add keys
    if (!view.IsMap() || !view[part]) break;
    const YAML::Node child = view[part];
    current.reset(child);
    if (line_of(current)) line = line_of(current);
  }
  return line;
}

std::vector<std::pair<std::string, YAML::Node>> flatten(const YAML::Node& root, bool with_maps) {
  std::vector<std::pair<std::string, YAML::Node>> out;
  flatten_into(root, "", with_maps, out);
  return out;
}

bool same_value(const YAML::Node& expected, const YAML::Node& actual) {
  if (expected.IsMap()) {
    if (!actual.IsMap()) return false;
    for (const auto& entry : expected) {
      const auto child = actual[entry.first.Scalar()];
      if (!child || !same_value(entry.second, child)) return false;
    }
    return true;
  }
  if (expected.IsSequence()) {
    if (!actual.IsSequence() || actual.size() != expected.size()) return false;
    for (size_t i = 0; i < expected.size(); ++i)
      if (!same_value(expected[i], actual[i])) return false;
    return true;
  }
  if (!expected.IsScalar() || !actual.IsScalar()) return false;
  double a = 0, b = 0;
  if (as_number(expected, a) && as_number(actual, b)) return a == b;
  return expected.Scalar() == actual.Scalar();
}

bool keys_overlap(const std::string& a, const std::string& b) {
  const auto& shorter = a.size() <= b.size() ? a : b;
  const auto& longer = a.size() <= b.size() ? b : a;
  return longer.compare(0, shorter.size(), shorter) == 0 &&
         (longer.size() == shorter.size() || longer[shorter.size()] == '.');
}

}  // namespace adamix::sweeps
