#include "sweeps/yaml_reader.h"

#include <cstdio>
#include <cstdlib>

namespace adamix::sweeps {

YAML::Node load_yaml_text(const std::string& text, const std::string& source,
                          const std::string& what) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) throw ConfigError(source + ": empty " + what);
  return root;
}

std::string exact_number(double value) {
  char buffer[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  std::string text = buffer;
  if (text.find_first_of(".en") == std::string::npos) text += ".0";  // stays a float in YAML
  return text;
}

}  // namespace adamix::sweeps
