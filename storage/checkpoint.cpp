#include "storage/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <set>

#include "core/error.h"
#include "core/util/text.h"
#include "storage/crc32.h"
#include "storage/hdf5_util.h"

namespace adamix::storage {
namespace {

namespace fs = std::filesystem;

// Root attribute written last: its presence says the write finished, its value seals the
// content (see ContentDigest).
constexpr char kContentCrc[] = "adamix_content_crc32";
constexpr char kFormatVersion[] = "format_version";

// One CRC-32 over every name, shape, attribute and dataset CRC of a checkpoint, fed in the
// same order by the writer and the reader. Catches what per-dataset CRCs cannot: a changed
// attribute, or a dataset renamed, dropped or reordered.
class ContentDigest {
 public:
  void add_int(int64_t value) {
    uint8_t bytes[8];
    for (int i = 0; i < 8; ++i)
      bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * i));
    crc_ = crc32(bytes, sizeof(bytes), crc_);
  }
  void add_string(const std::string& text) {
    add_int(static_cast<int64_t>(text.size()));
    crc_ = crc32(text.data(), text.size(), crc_);
  }
  void add_attributes(const std::string& group, const AttributeMap& attributes) {
    add_string(group);
    add_int(static_cast<int64_t>(attributes.size()));
    for (const auto& [name, value] : attributes) {
      add_string(name);
      add_int(static_cast<int64_t>(value.index()));
      if (const auto* i = std::get_if<int64_t>(&value)) {
        add_int(*i);
      } else if (const auto* d = std::get_if<double>(&value)) {
        int64_t bits = 0;
        std::memcpy(&bits, d, sizeof(bits));
        add_int(bits);
      } else {
        add_string(std::get<std::string>(value));
      }
    }
  }
  void add_dataset(const std::string& path, const std::vector<int64_t>& shape, uint32_t crc) {
    add_string(path);
    add_int(static_cast<int64_t>(shape.size()));
    for (int64_t dim : shape) add_int(dim);
    add_int(crc);
  }
  uint32_t value() const { return crc_; }

 private:
  uint32_t crc_ = 0;
};

// Dataset names become HDF5 link names: '/' would nest groups, "." is the group itself.
void check_name(const std::string& name, const std::string& kind, const std::string& what) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos)
    throw IoError(what + ": " + kind + " name '" + name + "' is empty, '.' or contains '/'");
}

uint32_t write_floats(hid_t group, const std::string& name, const FloatArray& array,
                      const std::string& what) {
  return h5::write_checked_dataset(group, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, array.shape,
                                   array.data.data(), array.data.size() * sizeof(float), what);
}

uint32_t read_floats(hid_t group, const std::string& name, FloatArray& array,
                     const std::string& what) {
  return h5::read_checked_dataset(
      group, name, H5T_FLOAT, sizeof(float), H5T_NATIVE_FLOAT, array.shape,
      [&](size_t elements) -> void* {
        array.data.resize(elements);
        return array.data.data();
      },
      what);
}

void write_contents(hid_t file, const Checkpoint& checkpoint, const std::string& what) {
  ContentDigest digest;
  digest.add_int(checkpoint.format_version);

  if (checkpoint.meta.count(kFormatVersion) != 0)
    throw IoError(what + ": meta must not hold format_version (it is Checkpoint::format_version)");
  auto meta = h5::create_group(file, "meta", what);
  h5::write_attribute(meta, kFormatVersion, checkpoint.format_version, what + ": /meta");
  for (const auto& [name, value] : checkpoint.meta)
    h5::write_attribute(meta, name, value, what + ": /meta");
  digest.add_attributes("meta", checkpoint.meta);

  auto params = h5::create_group(file, "params", what);
  std::map<std::string, const FloatArray*> by_name;
  for (const auto& [name, array] : checkpoint.params) {
    check_name(name, "parameter", what);
    if (!by_name.emplace(name, &array).second)
      throw IoError(what + ": parameter " + name + " appears twice");
    const auto crc = write_floats(params, name, array, what + ": /params/" + name);
    digest.add_dataset("params/" + name, array.shape, crc);
  }

  auto optimizer = h5::create_group(file, "optimizer", what);
  for (const auto& [name, value] : checkpoint.optimizer)
    h5::write_attribute(optimizer, name, value, what + ": /optimizer");
  digest.add_attributes("optimizer", checkpoint.optimizer);
  std::set<std::string> seen;
  for (const auto& [name, moments] : checkpoint.moments) {
    const std::string where = what + ": /optimizer/" + name;
    check_name(name, "optimizer", what);
    const auto param = by_name.find(name);
    if (param == by_name.end()) throw IoError(where + ": moments of an unknown parameter");
    if (!seen.insert(name).second) throw IoError(where + ": appears twice");
    for (const auto* moment : {&moments.exp_avg, &moments.exp_avg_sq}) {
      if (moment->shape != param->second->shape) {
        throw IoError(where + ": moment shape " + util::shape_text(moment->shape) +
                      " differs from the parameter's " + util::shape_text(param->second->shape));
      }
    }
    auto group = h5::create_group(optimizer, name, what);
    const auto crc_avg = write_floats(group, "exp_avg", moments.exp_avg, where + "/exp_avg");
    const auto crc_sq =
        write_floats(group, "exp_avg_sq", moments.exp_avg_sq, where + "/exp_avg_sq");
    digest.add_dataset("optimizer/" + name + "/exp_avg", moments.exp_avg.shape, crc_avg);
    digest.add_dataset("optimizer/" + name + "/exp_avg_sq", moments.exp_avg_sq.shape, crc_sq);
  }

  auto rng = h5::create_group(file, "rng", what);
  for (const auto& [name, bytes] : checkpoint.rng) {
    check_name(name, "rng", what);
    const std::vector<int64_t> shape = {static_cast<int64_t>(bytes.size())};
    const auto crc = h5::write_checked_dataset(rng, name, H5T_STD_U8LE, H5T_NATIVE_UINT8, shape,
                                               bytes.data(), bytes.size(), what + ": /rng/" + name);
    digest.add_dataset("rng/" + name, shape, crc);
  }

  auto metrics = h5::create_group(file, "metrics", what);
  for (const auto& [name, value] : checkpoint.metrics)
    h5::write_attribute(metrics, name, value, what + ": /metrics");
  digest.add_attributes("metrics", checkpoint.metrics);

  h5::write_attribute(file, kContentCrc, static_cast<int64_t>(digest.value()), what);
}

Checkpoint read_contents(hid_t file, const std::string& what) {
  Checkpoint checkpoint;
  if (!h5::has_link(file, "meta", what))
    throw IoError(what + ": it has no /meta group, so it is not an AdaMix checkpoint");
  auto meta = h5::open_group(file, "meta", what);
  checkpoint.meta = h5::read_attributes(meta, what + ": /meta");
  const auto version = checkpoint.meta.find(kFormatVersion);
  if (version == checkpoint.meta.end() || !std::holds_alternative<int64_t>(version->second))
    throw IoError(what + ": /meta has no integer format_version");
  checkpoint.format_version = std::get<int64_t>(version->second);
  checkpoint.meta.erase(version);
  if (checkpoint.format_version != kCheckpointFormatVersion) {
    throw IoError(what + ": format_version is " + std::to_string(checkpoint.format_version) +
                  ", this build reads only version " + std::to_string(kCheckpointFormatVersion));
  }
  if (H5Aexists(file, kContentCrc) <= 0) {
    h5::take_error();
    throw IoError(what + ": the file is incomplete (its write never finished)");
  }
  ContentDigest digest;
  digest.add_int(checkpoint.format_version);
  digest.add_attributes("meta", checkpoint.meta);

  auto params = h5::open_group(file, "params", what);
  for (const auto& name : h5::link_names(params, what + ": /params")) {
    FloatArray array;
    const auto crc = read_floats(params, name, array, what + ": /params/" + name);
    digest.add_dataset("params/" + name, array.shape, crc);
    checkpoint.params.emplace_back(name, std::move(array));
  }

  auto optimizer = h5::open_group(file, "optimizer", what);
  checkpoint.optimizer = h5::read_attributes(optimizer, what + ": /optimizer");
  digest.add_attributes("optimizer", checkpoint.optimizer);
  for (const auto& name : h5::link_names(optimizer, what + ": /optimizer")) {
    const std::string where = what + ": /optimizer/" + name;
    auto group = h5::open_group(optimizer, name, what + ": /optimizer");
    AdamMoments moments;
    const auto crc_avg = read_floats(group, "exp_avg", moments.exp_avg, where + "/exp_avg");
    const auto crc_sq = read_floats(group, "exp_avg_sq", moments.exp_avg_sq, where + "/exp_avg_sq");
    digest.add_dataset("optimizer/" + name + "/exp_avg", moments.exp_avg.shape, crc_avg);
    digest.add_dataset("optimizer/" + name + "/exp_avg_sq", moments.exp_avg_sq.shape, crc_sq);
    checkpoint.moments.emplace_back(name, std::move(moments));
  }

  auto rng = h5::open_group(file, "rng", what);
  for (const auto& name : h5::link_names(rng, what + ": /rng")) {
    auto& bytes = checkpoint.rng[name];
    std::vector<int64_t> shape;
    const auto crc = h5::read_checked_dataset(
        rng, name, H5T_INTEGER, 1, H5T_NATIVE_UINT8, shape,
        [&](size_t elements) -> void* {
          bytes.resize(elements);
          return bytes.data();
        },
        what + ": /rng/" + name);
    if (shape.size() != 1) throw IoError(what + ": /rng/" + name + " is not one-dimensional");
    digest.add_dataset("rng/" + name, shape, crc);
  }

  auto metrics = h5::open_group(file, "metrics", what);
  checkpoint.metrics = h5::read_attributes(metrics, what + ": /metrics");
  digest.add_attributes("metrics", checkpoint.metrics);

  const auto stored = h5::read_attribute(file, kContentCrc, what);
  if (!std::holds_alternative<int64_t>(stored) || std::get<int64_t>(stored) != digest.value())
    throw IoError(what + ": the content checksum does not match (the file is corrupted)");
  return checkpoint;
}

fs::path temporary_name(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() / (path.filename().string() + ".tmp." + std::to_string(::getpid()) +
                               "." + std::to_string(counter++));
}

// fsync of a file, or of a directory so that a rename inside it survives a crash.
void sync_path(const fs::path& path, bool directory, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | (directory ? O_DIRECTORY : 0));
  if (fd < 0) throw IoError(what + ": cannot open " + path.string() + ": " + std::strerror(errno));
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // Some file systems cannot fsync a directory; the rename itself has still happened.
  if (status != 0 && !(directory && (error == EINVAL || error == EBADF)))
    throw IoError(what + ": fsync of " + path.string() + " failed: " + std::strerror(error));
}

}  // namespace

void write_checkpoint(const fs::path& path, const Checkpoint& checkpoint) {
  auto lock = h5::lock_library();
  const std::string what = "cannot write checkpoint " + path.string();
  const auto parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (!fs::is_directory(parent))
    throw IoError(what + ": directory " + parent.string() + " does not exist");
  if (fs::is_directory(path)) throw IoError(what + ": it is a directory");
  const auto temporary = temporary_name(path);
  try {
    {
      auto fcpl = h5::check_id(H5Pcreate(H5P_FILE_CREATE), H5Pclose, what);
      h5::check_status(
          H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), what);
      h5::check_status(H5Pset_obj_track_times(fcpl, false), what);  // root group: no clock
      auto fapl = h5::file_access_properties(what);
      auto file = h5::check_id(H5Fcreate(temporary.c_str(), H5F_ACC_EXCL, fcpl, fapl), H5Fclose,
                               what + ": cannot create " + temporary.string());
      write_contents(file, checkpoint, what);
      h5::check_status(file.close(), what + ": cannot finish " + temporary.string());
    }
    sync_path(temporary, false, what);
    std::error_code error;
    fs::rename(temporary, path, error);
    if (error)
      throw IoError(what + ": cannot rename " + temporary.string() + ": " + error.message());
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
  sync_path(parent, true, what);
}

Checkpoint read_checkpoint(const fs::path& path) {
  auto lock = h5::lock_library();
  const std::string what = "cannot read checkpoint " + path.string();
  std::error_code error;
  const auto status = fs::status(path, error);
  if (!fs::exists(status)) throw IoError(what + ": no such file");
  if (fs::is_directory(status)) throw IoError(what + ": it is a directory");
  if (fs::file_size(path, error) == 0) throw IoError(what + ": the file is empty");
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 == 0) throw IoError(what + ": not an HDF5 file");
  h5::check_status(is_hdf5 < 0 ? -1 : 0, what);
  auto fapl = h5::file_access_properties(what);
  auto file = h5::check_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl), H5Fclose,
                           what + ": HDF5 cannot open it");
  try {
    return read_contents(file, what);
  } catch (const std::bad_alloc&) {  // shapes come from the file: a foreign one may be huge
    throw IoError(what + ": not enough memory to load it");
  }
}

}  // namespace adamix::storage
