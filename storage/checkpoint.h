#pragma once
// The HDF5 checkpoint of one trial (docs/formats.md "Checkpoint (HDF5)"), torch-free: the worker
// turns tensors into FloatArray (float32, row-major) and generator states into byte blobs.
//
//   adamix::storage::write_checkpoint(dir / "checkpoint.h5", checkpoint);
//   adamix::storage::Checkpoint resumed = adamix::storage::read_checkpoint(dir / "checkpoint.h5");
//
// File layout: /meta, /params/<name>, /optimizer/<name>/{exp_avg,exp_avg_sq}, /rng/<name>,
// /metrics. Every dataset carries a `crc32` attribute (zlib's CRC-32 of its little-endian
// bytes) and the root carries `adamix_content_crc32`, written last: a CRC-32 over every name,
// shape, attribute and dataset checksum. A file without it is a write that never finished.
//
// Threads: HDF5 is not thread-safe in every build, so each function here holds one
// process-wide lock for its whole duration. Other code in the process must not call HDF5
// directly while a storage call runs.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace adamix::storage {

// The layout this build writes and the only one it reads.
constexpr int64_t kCheckpointFormatVersion = 1;

struct FloatArray {
  std::vector<int64_t> shape;  // {} = a scalar holding one value
  std::vector<float> data;     // row-major, product(shape) values
};

using Attribute = std::variant<int64_t, double, std::string>;
using AttributeMap = std::map<std::string, Attribute>;

// Adam's running moments of one parameter; both have the parameter's shape.
struct AdamMoments {
  FloatArray exp_avg;
  FloatArray exp_avg_sq;
};

using NamedArrays = std::vector<std::pair<std::string, FloatArray>>;

struct Checkpoint {
  // Written as /meta's `format_version`. Leave it alone; other values exist only so tests can
  // produce files this build must refuse.
  int64_t format_version = kCheckpointFormatVersion;
  // /meta attributes: trial_id, step, epoch, config (resolved trial YAML), backbone,
  // backbone_sha256, library_version, plus free-form extras (e.g. parameter counts).
  AttributeMap meta;
  // /params/<name>, kept in this order. Names are HF module paths with dots
  // (encoder.layer.3.output.adapter.down.weight); they must not contain '/'.
  NamedArrays params;
  // /optimizer/<name>/{exp_avg,exp_avg_sq}: each name is one of `params`, same shape.
  std::vector<std::pair<std::string, AdamMoments>> moments;
  AttributeMap optimizer;  // /optimizer attributes: step, lr schedule state
  std::map<std::string, std::vector<uint8_t>> rng;  // /rng/<name>: generator / data-order states
  AttributeMap metrics;  // /metrics attributes: best_score, best_step, ...
};

// Writes to a temporary file beside `path`, fsyncs it and renames it into place, so `path`
// holds either its old content or the complete new checkpoint. Throws IoError naming the file
// on bad input (a name with '/', a shape that does not match its data, moments of an unknown
// parameter) or a failed write; the temporary is removed and an existing file is untouched.
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);

// Throws IoError naming the file when it is missing, not HDF5, not an AdaMix checkpoint (no
// /meta), of another format_version, incomplete, truncated, or fails any checksum.
Checkpoint read_checkpoint(const std::filesystem::path& path);

// For `adamix inspect FILE.h5`: meta, one row per parameter (name, shape, elements, whether
// it has moments), optimizer and rng summaries, metrics and totals. Verifies checksums.
std::string describe_checkpoint(const std::filesystem::path& path);

// Typed look-ups for readers of a checkpoint; IoError naming the key when it is missing or
// of another type. attribute_double also accepts an integer.
int64_t attribute_int(const AttributeMap& map, const std::string& key);
double attribute_double(const AttributeMap& map, const std::string& key);
const std::string& attribute_string(const AttributeMap& map, const std::string& key);

}  // namespace adamix::storage
