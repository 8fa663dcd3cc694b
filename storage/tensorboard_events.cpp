#include "storage/tensorboard_events.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>

#include "core/error.h"

namespace adamix::storage {
namespace {

namespace fs = std::filesystem;

const std::array<uint32_t, 256>& crc32c_table() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;  // reflected
      t[i] = c;
    }
    return t;
  }();
  return table;
}

// Protocol buffer wire format: the few encodings Event needs.
void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_tag(std::string& out, int field, int wire_type) {
  put_varint(out, static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire_type));
}

template <typename T>
void put_fixed(std::string& out, T value) {  // little-endian, as x86 and ARM store it
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void put_bytes(std::string& out, int field, std::string_view bytes) {
  put_tag(out, field, 2);
  put_varint(out, bytes.size());
  out.append(bytes);
}

double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Event { double wall_time = 1; int64 step = 2; ... }
std::string event_header(int64_t step) {
  std::string e;
  put_tag(e, 1, 1);
  put_fixed(e, unix_seconds());
  if (step != 0) {
    put_tag(e, 2, 0);
    put_varint(e, static_cast<uint64_t>(step));
  }
  return e;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

}  // namespace

uint32_t crc32c(std::string_view bytes) {
  const auto& table = crc32c_table();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t masked_crc32c(std::string_view bytes) {
  const uint32_t c = crc32c(bytes);
  return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}

TensorBoardWriter::TensorBoardWriter(const fs::path& dir, int64_t start_step) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
  // TensorBoard reads a folder's files in name order, and a SessionLog START only drops what
  // it read before: so the new name must sort after every file there, even one written this
  // same second by a process that crashed (its seconds + 1 then). A counter keeps one
  // process's writers apart.
  static std::atomic<int> opened{0};
  int64_t seconds = static_cast<int64_t>(unix_seconds());
  const std::string prefix = "events.out.tfevents.";
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const size_t end = name.find('.', prefix.size());
    try {
      seconds = std::max<int64_t>(seconds, std::stoll(name.substr(prefix.size(), end)) + 1);
    } catch (const std::exception&) {
      // not a name of ours: it does not take part in the order
    }
  }
  path_ = dir / (prefix + std::to_string(seconds) + "." + host_name() + "." +
                 std::to_string(getpid()) + "." + std::to_string(opened++));
  file_.open(path_, std::ios::binary | std::ios::trunc);
  if (!file_) throw IoError("cannot write " + path_.string());
  std::string version = event_header(0);
  put_bytes(version, 3, "brain.Event:2");  // Event.file_version
  write_record(version);
  // TensorBoard keeps what earlier files logged before the START's step, drops the rest.
  std::string session = event_header(start_step + 1);
  std::string log;  // SessionLog { SessionStatus status = 1; }, START = 1
  put_tag(log, 1, 0);
  put_varint(log, 1);
  put_bytes(session, 7, log);  // Event.session_log
  write_record(session);
  flush();
}

void TensorBoardWriter::scalar(const std::string& tag, int64_t step, double value) {
  std::string v;  // Summary.Value { string tag = 1; float simple_value = 2; }
  put_bytes(v, 1, tag);
  put_tag(v, 2, 5);
  put_fixed(v, static_cast<float>(value));
  std::string summary;  // Summary { repeated Value value = 1; }
  put_bytes(summary, 1, v);
  std::string event = event_header(step);
  put_bytes(event, 5, summary);  // Event.summary
  write_record(event);
}

void TensorBoardWriter::write_record(const std::string& event) {
  std::string length;
  put_fixed(length, static_cast<uint64_t>(event.size()));
  std::string record = length;
  put_fixed(record, masked_crc32c(length));
  record += event;
  put_fixed(record, masked_crc32c(event));
  file_.write(record.data(), static_cast<std::streamsize>(record.size()));
  if (!file_) throw IoError("cannot write " + path_.string());
}

void TensorBoardWriter::flush() {
  file_.flush();
  if (!file_) throw IoError("cannot write " + path_.string());
}

}  // namespace adamix::storage
