#pragma once
// Internal to storage/, the one folder that speaks HDF5: RAII handles, HDF5 failures as
// IoError with HDF5's own reason appended, the process-wide HDF5 lock, attributes as
// storage::Attribute, and datasets that carry a crc32 attribute.
//
//   auto lock = h5::lock_library();
//   h5::Handle group = h5::check_id(H5Gopen2(file, "meta", H5P_DEFAULT), H5Gclose, what);
#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "storage/checkpoint.h"

namespace adamix::storage::h5 {

// Serialises every HDF5 call of this process (Debian's serial libhdf5 need not be
// thread-safe) and switches HDF5's stderr error dump off, so users see our one line instead.
std::unique_lock<std::recursive_mutex> lock_library();

// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }

  operator hid_t() const { return id_; }  // NOLINT: pass straight to the C API
  herr_t close();                         // the close status; 0 when nothing was open

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// HDF5's most specific message for the last failure (e.g. "truncated file: eof = ...");
// clears HDF5's error stack. "" when HDF5 recorded nothing.
std::string take_error();

// IoError(what + " (HDF5: reason)") when `id` / `status` is negative.
Handle check_id(hid_t id, Handle::Closer closer, const std::string& what);
void check_status(herr_t status, const std::string& what);

// Properties every checkpoint file is created / opened with: format no older than HDF5 1.8
// (checksummed metadata), no file locking (it fails on many cluster file systems, and files
// are only ever replaced by rename), and a strong close.
Handle file_access_properties(const std::string& what);
// Groups that remember the order their members were created in.
Handle group_creation_properties(const std::string& what);

Handle create_group(hid_t parent, const std::string& name, const std::string& what);
Handle open_group(hid_t parent, const std::string& name, const std::string& what);
bool has_link(hid_t parent, const std::string& name, const std::string& what);
// Members of a group in creation order (name order when the group did not track it).
std::vector<std::string> link_names(hid_t group, const std::string& what);

// Scalars: 64-bit little-endian integers and doubles, and fixed-length NULL-padded UTF-8
// strings (an empty string has a null dataspace), so every byte of a string round-trips.
void write_attribute(hid_t object, const std::string& name, const Attribute& value,
                     const std::string& what);
Attribute read_attribute(hid_t object, const std::string& name, const std::string& what);
AttributeMap read_attributes(hid_t object, const std::string& what);

// A contiguous dataset of `shape` ({} = scalar) with a `crc32` attribute over its bytes;
// `data` holds product(shape) elements of `memory_type`. Returns the CRC.
uint32_t write_checked_dataset(hid_t parent, const std::string& name, hid_t file_type,
                               hid_t memory_type, const std::vector<int64_t>& shape,
                               const void* data, size_t bytes, const std::string& what);

// Reads a dataset written by write_checked_dataset: checks its type class and element size,
// asks `allocate(elements)` for the buffer, reads into it and verifies the crc32.
// Sets `shape`; returns the CRC.
uint32_t read_checked_dataset(hid_t parent, const std::string& name, H5T_class_t type_class,
                              size_t element_size, hid_t memory_type, std::vector<int64_t>& shape,
                              const std::function<void*(size_t elements)>& allocate,
                              const std::string& what);

}  // namespace adamix::storage::h5
