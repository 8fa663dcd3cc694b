#pragma once
// Write-then-rename, so that a reader never sees a half-written file and a failed write
// leaves whatever was at `path` before untouched.
//
//   adamix::io::write_file_atomically(path, [&](std::ostream& out) { out << text; });
#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace adamix::io {

// Calls `write` on a stream to a temporary file beside `path`, then renames it into place.
// Throws IoError (and removes the temporary) if the directory is missing, the stream fails,
// or `write` throws (its exception is rethrown after clean-up).
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(std::ostream&)>& write);

void write_text_atomically(const std::filesystem::path& path, std::string_view text);

// The whole file as bytes; IoError naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace adamix::io
