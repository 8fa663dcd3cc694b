#pragma once
// CRC-32 as in zlib / PNG / Python's zlib.crc32 (reflected polynomial 0xEDB88320), so a user
// can check a checkpoint dataset by hand: zlib.crc32(f["params/x"][()].tobytes()).
//
//   uint32_t crc = adamix::storage::crc32(data.data(), data.size() * sizeof(float));
#include <cstddef>
#include <cstdint>

namespace adamix::storage {

// `crc` continues an earlier call: crc32(b, nb, crc32(a, na)) == crc32 of a then b.
uint32_t crc32(const void* data, size_t size, uint32_t crc = 0);

}  // namespace adamix::storage
