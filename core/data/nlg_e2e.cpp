// E2E readers: LoRA's `MR||reference` text files and the official CSVs.
#include <algorithm>

#include "core/data/nlg_csv.h"
#include "core/data/nlg_readers.h"
#include "core/error.h"

namespace adamix::data::nlg {

namespace fs = std::filesystem;

// format_converting_e2e.py: items = line.strip().split('||'); context = items[0];
// completion = items[1] (text after a second '||' is dropped, as there). A line without '||'
// is an error (IndexError there); a blank line is skipped (there it is an IndexError too).
std::vector<NlgRecord> read_e2e_lora(const fs::path& file) {
  const std::string text = read_bytes(file);
  std::vector<NlgRecord> records;
  for (const Line& line : split_lines(text)) {
    const std::string_view stripped = python_strip(line.text);
    if (stripped.empty()) continue;
    const size_t bar = stripped.find("||");
    if (bar == std::string_view::npos) {
      throw InputError(file.string() + ":" + std::to_string(line.number) +
                       ": no '||' between the MR and the reference");
    }
    std::string_view completion = stripped.substr(bar + 2);
    completion = completion.substr(0, completion.find("||"));
    records.push_back({std::string(stripped.substr(0, bar)), std::string(completion), ""});
  }
  return records;
}

// The official CSV, read verbatim: context = the `mr` column, completion = the `ref` column.
std::vector<NlgRecord> read_e2e_csv(const fs::path& file) {
  const std::vector<CsvRecord> rows = parse_csv(read_bytes(file), file.string());
  if (rows.empty()) throw InputError(file.string() + ": empty CSV (expected a header mr,ref)");
  const auto& header = rows.front().fields;
  const auto column = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw InputError(file.string() + ":" + std::to_string(rows.front().line) +
                       ": the header has no '" + name + "' column");
    }
    return static_cast<size_t>(it - header.begin());
  };
  const size_t mr = column("mr"), ref = column("ref");
  std::vector<NlgRecord> records;
  records.reserve(rows.size() - 1);
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& fields = rows[r].fields;
    if (fields.size() <= std::max(mr, ref)) {
      throw InputError(file.string() + ":" + std::to_string(rows[r].line) + ": " +
                       std::to_string(fields.size()) + " column(s), expected " +
                       std::to_string(header.size()));
    }
    records.push_back({fields[mr], fields[ref], ""});
  }
  return records;
}

}  // namespace adamix::data::nlg
