#include "storage/hdf5_util.h"

#include <limits>

#include "core/error.h"
#include "storage/crc32.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "dataset checksums are computed over in-memory bytes, which must be little-endian"
#endif

namespace adamix::storage::h5 {
namespace {

constexpr char kCrcAttribute[] = "crc32";

herr_t first_error(unsigned /*n*/, const H5E_error2_t* error, void* out) {
  auto& message = *static_cast<std::string*>(out);
  if (!message.empty()) return 0;
  if (error->desc != nullptr && error->desc[0] != '\0') {
    message = error->desc;
  } else {
    char text[256] = {0};
    if (H5Eget_msg(error->min_num, nullptr, text, sizeof(text)) > 0) message = text;
  }
  return 0;
}

herr_t collect_link(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

herr_t collect_attribute(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

void fail(const std::string& what, const std::string& problem) {
  throw IoError(what + ": " + problem);
}

// Element count of `shape`, or IoError for negative or overflowing dimensions.
size_t element_count(const std::vector<int64_t>& shape, const std::string& what) {
  size_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) fail(what, "negative dimension " + std::to_string(dim));
    if (dim > 0 && count > std::numeric_limits<size_t>::max() / static_cast<size_t>(dim))
      fail(what, "shape is too large");
    count *= static_cast<size_t>(dim);
  }
  return count;
}

Handle dataspace(const std::vector<int64_t>& shape, const std::string& what) {
  if (shape.empty()) return check_id(H5Screate(H5S_SCALAR), H5Sclose, what);
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  return check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                  what);
}

}  // namespace

std::unique_lock<std::recursive_mutex> lock_library() {
  static std::recursive_mutex mutex;
  std::unique_lock<std::recursive_mutex> lock(mutex);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // per thread in thread-safe builds: every call
  return lock;
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    close();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = -1;
  }
  return *this;
}

herr_t Handle::close() {
  herr_t status = 0;
  if (id_ >= 0 && closer_ != nullptr) status = closer_(id_);
  id_ = -1;
  return status;
}

std::string take_error() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, first_error, &message);  // most specific first
  H5Eclear2(H5E_DEFAULT);
  return message;
}

Handle check_id(hid_t id, Handle::Closer closer, const std::string& what) {
  if (id < 0) {
    const auto reason = take_error();
    throw IoError(reason.empty() ? what : what + " (HDF5: " + reason + ")");
  }
  return Handle(id, closer);
}

void check_status(herr_t status, const std::string& what) {
  if (status < 0) {
    const auto reason = take_error();
    throw IoError(reason.empty() ? what : what + " (HDF5: " + reason + ")");
  }
}

Handle file_access_properties(const std::string& what) {
  auto fapl = check_id(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, what);
  check_status(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST), what);
  check_status(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), what);
#if H5_VERSION_GE(1, 10, 7)
  check_status(H5Pset_file_locking(fapl, false, true), what);
#endif
  return fapl;
}

Handle group_creation_properties(const std::string& what) {
  auto gcpl = check_id(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, what);
  check_status(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
               what);
  check_status(H5Pset_obj_track_times(gcpl, false), what);  // same content, same bytes
  return gcpl;
}

Handle create_group(hid_t parent, const std::string& name, const std::string& what) {
  auto gcpl = group_creation_properties(what);
  return check_id(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose,
                  what + ": cannot create group " + name);
}

Handle open_group(hid_t parent, const std::string& name, const std::string& what) {
  if (!has_link(parent, name, what)) fail(what, "no group " + name);
  return check_id(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose,
                  what + ": cannot open group " + name);
}

bool has_link(hid_t parent, const std::string& name, const std::string& what) {
  const htri_t exists = H5Lexists(parent, name.c_str(), H5P_DEFAULT);
  check_status(exists < 0 ? -1 : 0, what + ": cannot look up " + name);
  return exists > 0;
}

std::vector<std::string> link_names(hid_t group, const std::string& what) {
  std::vector<std::string> names;
  if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect_link, &names) >= 0)
    return names;
  take_error();
  names.clear();
  check_status(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_link, &names),
               what + ": cannot list members");
  return names;
}

void write_attribute(hid_t object, const std::string& name, const Attribute& value,
                     const std::string& what) {
  const std::string where = what + ": attribute " + name;
  if (name.empty()) fail(what, "empty attribute name");
  Handle owned_type;
  hid_t file_type = -1, memory_type = -1;
  const void* buffer = nullptr;
  bool empty_string = false;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    file_type = H5T_STD_I64LE;
    memory_type = H5T_NATIVE_INT64;
    buffer = i;
  } else if (const auto* d = std::get_if<double>(&value)) {
    file_type = H5T_IEEE_F64LE;
    memory_type = H5T_NATIVE_DOUBLE;
    buffer = d;
  } else {
    const auto& text = std::get<std::string>(value);
    owned_type = check_id(H5Tcopy(H5T_C_S1), H5Tclose, where);
    check_status(H5Tset_size(owned_type, text.empty() ? 1 : text.size()), where);
    check_status(H5Tset_strpad(owned_type, H5T_STR_NULLPAD), where);
    check_status(H5Tset_cset(owned_type, H5T_CSET_UTF8), where);
    file_type = memory_type = owned_type;
    buffer = text.data();
    empty_string = text.empty();
  }
  auto space = check_id(H5Screate(empty_string ? H5S_NULL : H5S_SCALAR), H5Sclose, where);
  auto acpl = check_id(H5Pcreate(H5P_ATTRIBUTE_CREATE), H5Pclose, where);
  check_status(H5Pset_char_encoding(acpl, H5T_CSET_UTF8), where);
  auto attribute = check_id(H5Acreate2(object, name.c_str(), file_type, space, acpl, H5P_DEFAULT),
                            H5Aclose, where + ": cannot create");
  if (!empty_string) check_status(H5Awrite(attribute, memory_type, buffer), where);
  check_status(attribute.close(), where);
}

Attribute read_attribute(hid_t object, const std::string& name, const std::string& what) {
  const std::string where = what + ": attribute " + name;
  auto attribute = check_id(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, where);
  auto type = check_id(H5Aget_type(attribute), H5Tclose, where);
  auto space = check_id(H5Aget_space(attribute), H5Sclose, where);
  const H5S_class_t space_class = H5Sget_simple_extent_type(space);
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class == H5T_STRING && space_class == H5S_NULL) return std::string();
  if (points != 1) fail(where, "holds " + std::to_string(points) + " values; expected one");
  if (type_class == H5T_INTEGER) {
    int64_t value = 0;
    check_status(H5Aread(attribute, H5T_NATIVE_INT64, &value), where);
    return value;
  }
  if (type_class == H5T_FLOAT) {
    double value = 0;
    check_status(H5Aread(attribute, H5T_NATIVE_DOUBLE, &value), where);
    return value;
  }
  if (type_class != H5T_STRING) fail(where, "has a type that is not an integer, float or string");
  if (H5Tis_variable_str(type) > 0) {  // as h5py writes str attributes
    auto memory_type = check_id(H5Tcopy(H5T_C_S1), H5Tclose, where);
    check_status(H5Tset_size(memory_type, H5T_VARIABLE), where);
    char* text = nullptr;
    check_status(H5Aread(attribute, memory_type, &text), where);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  const size_t size = H5Tget_size(type);
  if (size == 0) fail(where, "has a string type of size 0");
  std::string value(size, '\0');
  check_status(H5Aread(attribute, type, value.data()), where);
  if (H5Tget_strpad(type) == H5T_STR_NULLTERM)
    value.resize(value.find('\0') == std::string::npos ? size : value.find('\0'));
  return value;
}

AttributeMap read_attributes(hid_t object, const std::string& what) {
  std::vector<std::string> names;
  check_status(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute, &names),
               what + ": cannot list attributes");
  AttributeMap attributes;
  for (const auto& name : names) attributes.emplace(name, read_attribute(object, name, what));
  return attributes;
}

uint32_t write_checked_dataset(hid_t parent, const std::string& name, hid_t file_type,
                               hid_t memory_type, const std::vector<int64_t>& shape,
                               const void* data, size_t bytes, const std::string& what) {
  const size_t elements = element_count(shape, what);
  const size_t element_size = H5Tget_size(memory_type);
  if (elements * element_size != bytes) {
    fail(what, "shape holds " + std::to_string(elements) + " elements but the data has " +
                   std::to_string(bytes / element_size));
  }
  auto space = dataspace(shape, what);
  auto dcpl = check_id(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, what);
  check_status(H5Pset_obj_track_times(dcpl, false), what);
  auto lcpl = check_id(H5Pcreate(H5P_LINK_CREATE), H5Pclose, what);
  check_status(H5Pset_char_encoding(lcpl, H5T_CSET_UTF8), what);
  auto dataset =
      check_id(H5Dcreate2(parent, name.c_str(), file_type, space, lcpl, dcpl, H5P_DEFAULT),
               H5Dclose, what + ": cannot create the dataset");
  if (elements > 0)
    check_status(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
  const uint32_t crc = crc32(data, bytes);
  write_attribute(dataset, kCrcAttribute, static_cast<int64_t>(crc), what);
  check_status(dataset.close(), what);
  return crc;
}

uint32_t read_checked_dataset(hid_t parent, const std::string& name, H5T_class_t type_class,
                              size_t element_size, hid_t memory_type, std::vector<int64_t>& shape,
                              const std::function<void*(size_t elements)>& allocate,
                              const std::string& what) {
  auto dataset = check_id(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose,
                          what + ": cannot open the dataset");
  auto type = check_id(H5Dget_type(dataset), H5Tclose, what);
  if (H5Tget_class(type) != type_class || H5Tget_size(type) != element_size) {
    fail(what, std::string("has the wrong element type (expected ") +
                   (type_class == H5T_FLOAT ? "float32" : "uint8") + ")");
  }
  auto space = check_id(H5Dget_space(dataset), H5Sclose, what);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) check_status(rank, what);
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) check_status(H5Sget_simple_extent_dims(space, dims.data(), nullptr), what);
  shape.assign(dims.begin(), dims.end());
  const size_t elements = element_count(shape, what);
  void* buffer = allocate(elements);
  if (elements > 0)
    check_status(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), what);
  if (H5Aexists(dataset, kCrcAttribute) <= 0) {
    take_error();
    fail(what, "has no crc32 attribute");
  }
  const auto stored = read_attribute(dataset, kCrcAttribute, what);
  const uint32_t crc = crc32(buffer, elements * element_size);
  if (!std::holds_alternative<int64_t>(stored) || std::get<int64_t>(stored) != crc)
    fail(what, "data fails its crc32 check (the file is corrupted)");
  return crc;
}

}  // namespace adamix::storage::h5
