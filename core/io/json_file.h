#pragma once
// A whole JSON file read and parsed, with one error wording for every caller.
//
//   nlohmann::json doc = adamix::io::read_json_file(dir / "task.json");
#include <nlohmann/json.hpp>

#include <filesystem>

namespace adamix::io {

// IoError when the file cannot be read (read_file's) or "<file> is not valid JSON: <why>".
nlohmann::json read_json_file(const std::filesystem::path& path);

}  // namespace adamix::io
