#pragma once
// File helpers of the tokenizers: whole-file reads and write-then-rename writes, with IoError
// naming the file.
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace adamix::text {

std::string read_text_file(const std::filesystem::path& path);
// The parsed JSON document; IoError naming the file when it is missing or not JSON.
nlohmann::json read_json_file(const std::filesystem::path& path);
// Writes to a temporary name beside `path` and renames it into place, so no reader ever sees
// a half-written file.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace adamix::text
