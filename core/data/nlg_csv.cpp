// RFC 4180 CSV parsing for the official E2E files (see nlg_csv.h).
#include "core/data/nlg_csv.h"

#include "core/error.h"

namespace adamix::data {

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& source) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  bool in_record = false;  // a field of the current record has started
  int64_t line = 1;
  size_t i = 0;
  const auto end_record = [&]() {
    if (in_record) {
      record.fields.push_back(std::move(field));
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    field.clear();
    in_record = false;
  };
  const auto at_newline = [&](size_t k) { return text[k] == '\n' || text[k] == '\r'; };
  const auto skip_newline = [&]() {  // text[i] is '\n' or '\r'
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    ++i;
    ++line;
  };
  while (i < text.size()) {
    if (!in_record) {
      if (at_newline(i)) {  // blank line
        skip_newline();
        continue;
      }
      in_record = true;
      record.line = line;
    }
    if (text[i] == '"' && field.empty()) {  // quoted field
      const int64_t start_line = line;
      ++i;
      while (true) {
        if (i >= text.size()) {
          throw InputError(source + ":" + std::to_string(start_line) +
                           ": unterminated quoted field");
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (at_newline(i)) {
          // Python's csv keeps the line break as read (universal newlines give "\n").
          field += '\n';
          skip_newline();
          continue;
        }
        field += text[i++];
      }
      if (i < text.size() && text[i] != ',' && !at_newline(i)) {
        throw InputError(source + ":" + std::to_string(line) +
                         ": unexpected character after a closing quote");
      }
      if (i >= text.size()) break;
    }
    if (text[i] == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (at_newline(i)) {
      end_record();
      skip_newline();
    } else {
      field += text[i++];
    }
  }
  end_record();
  return records;
}

}  // namespace adamix::data
