#pragma once
// Text files of token ids: one sequence per line, ids separated by spaces (what
// `adamix tokenize` writes and `adamix forward` reads).
//
//   auto sequences = adamix::io::read_id_lines("ids.txt");
#include <cstdint>
#include <filesystem>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace adamix::io {

using IdLines = std::vector<std::vector<int64_t>>;

// Parses ids from a stream; `source` names the input in errors. A token that is not a
// non-negative integer, or an empty line, throws InputError naming the line.
IdLines parse_id_lines(std::istream& in, const std::string& source);
IdLines read_id_lines(const std::filesystem::path& path);  // IoError when unreadable

void write_id_line(std::ostream& out, const std::vector<int64_t>& ids);

}  // namespace adamix::io
