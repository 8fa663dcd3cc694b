#pragma once
// SHA-256 (FIPS 180-4), exact and torch-free: checksums of backbone files and artifacts.
//
//   std::string hex = adamix::io::sha256_file("model.safetensors");  // as `sha256sum` prints
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace adamix::io {

// Streaming hasher: update() any number of times, then finish() once.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  std::array<uint8_t, 32> finish();  // the object is spent afterwards

 private:
  void compress(const uint8_t* block);  // one 64-byte block

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;       // bytes waiting in buffer_
  uint64_t total_bytes_ = 0;  // message length so far
};

// 64 lowercase hex digits.
std::string to_hex(const std::array<uint8_t, 32>& digest);

std::string sha256_hex(std::string_view bytes);

// Reads the file in 1 MiB blocks; IoError naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace adamix::io
