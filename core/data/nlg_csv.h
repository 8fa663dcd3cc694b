#pragma once
// RFC 4180 CSV records, as Python's csv module reads the official E2E files: fields separated
// by commas, a field in double quotes may hold commas, line breaks and doubled quotes ("").
//
//   auto rows = adamix::data::parse_csv(text, "devset.csv");  // rows[0] is the header
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace adamix::data {

struct CsvRecord {
  int64_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Records of `text` (a leading UTF-8 BOM dropped; "\n", "\r\n" or "\r" end a record; blank
// lines skipped). InputError naming `source` and the line for an unterminated quoted field or
// a stray character after a closing quote.
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& source);

}  // namespace adamix::data
