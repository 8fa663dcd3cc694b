// render_csv(): one line per row and score column, RFC 4180 (render.h).
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "reports/render.h"
#include "reports/render_util.h"

namespace adamix::reports {
namespace {

std::string quote(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The shortest text that reads back as the same double.
std::string exact(double value) {
  char text[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

void line(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + quote(fields[i]);
  out += "\r\n";
}

const std::string* find(const std::vector<std::pair<std::string, std::string>>& pairs,
                        const std::string& key) {
  for (const auto& [k, v] : pairs) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace

std::string render_csv(const Table& table) {
  std::vector<std::string> column_keys;  // pivot: the column key
  for (const auto& column : table.columns) {
    for (const auto& entry : column.keys) {
      if (std::find(column_keys.begin(), column_keys.end(), entry.first) == column_keys.end())
        column_keys.push_back(entry.first);
    }
  }
  std::vector<std::string> header = {"row"};
  header.insert(header.end(), table.key_names.begin(), table.key_names.end());
  header.insert(header.end(), column_keys.begin(), column_keys.end());
  header.insert(header.end(), table.extra_names.begin(), table.extra_names.end());
  for (const char* name : {"task", "metric", "mean", "sd", "n", "status"}) header.push_back(name);
  std::string out;
  line(out, header);

  for (const auto& row : table.rows) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const auto& column = table.columns[c];
      if (column.kind != ColumnKind::Score && column.kind != ColumnKind::Average) continue;
      const auto& cell = row.cells[c];
      std::vector<std::string> fields = {row.cells.front().text};
      for (const auto& key : table.key_names) {
        const auto* value = find(row.keys, key);
        fields.push_back(value ? *value : "");
      }
      for (const auto& key : column_keys) {
        const auto* value = find(column.keys, key);
        fields.push_back(value ? *value : "");
      }
      for (const auto& name : table.extra_names) {
        const auto* value = find(row.extras, name);
        fields.push_back(value ? *value : "");
      }
      const bool value = cell.state == CellState::Value;
      fields.push_back(column.task);
      fields.push_back(column.metric);
      fields.push_back(value ? exact(cell.mean) : "");
      fields.push_back(value && cell.has_sd ? exact(cell.sd) : "");
      fields.push_back(std::to_string(cell.n));
      fields.push_back(cell_status(cell));
      line(out, fields);
    }
  }
  return out;
}

}  // namespace adamix::reports
