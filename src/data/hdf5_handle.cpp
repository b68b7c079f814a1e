#include "dixc/data/hdf5_handle.hpp"

#include <vector>

#include "dixc/util/error.hpp"

namespace dixc::data {

hid_t h5_check(hid_t id, const std::string& file, const std::string& what) {
  if (id < 0)
    throw InputError(file + ": HDF5 " + what +
                     " failed (the file may be corrupt, from another program, or not writable)");
  return id;
}

H5Handle h5_string_type(std::size_t size) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, size);
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  return {t, H5Tclose};
}

void h5_write_attribute(hid_t object, const std::string& name, const std::string& value, const std::string& file) {
  if (H5Aexists(object, name.c_str()) > 0) H5Adelete(object, name.c_str());
  H5Handle type = h5_string_type(std::max<std::size_t>(1, value.size()));
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr(h5_check(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), file,
                         "create attribute " + name),
                H5Aclose);
  std::string padded = value.empty() ? std::string(1, '\0') : value;
  h5_check(H5Awrite(attr.get(), type.get(), padded.data()), file, "write attribute " + name);
}

void h5_write_attribute(hid_t object, const std::string& name, long long value, const std::string& file) {
  if (H5Aexists(object, name.c_str()) > 0) {
    H5Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
    h5_check(H5Awrite(attr.get(), H5T_NATIVE_LLONG, &value), file, "write attribute " + name);
    return;
  }
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr(h5_check(H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), file,
                         "create attribute " + name),
                H5Aclose);
  h5_check(H5Awrite(attr.get(), H5T_NATIVE_LLONG, &value), file, "write attribute " + name);
}

bool h5_has_attribute(hid_t object, const std::string& name) { return H5Aexists(object, name.c_str()) > 0; }

std::string h5_read_string_attribute(hid_t object, const std::string& name, const std::string& file) {
  H5Handle attr(h5_check(H5Aopen(object, name.c_str(), H5P_DEFAULT), file, "open attribute " + name), H5Aclose);
  H5Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) throw InputError(file + ": attribute " + name + " is not a string");
  if (H5Tis_variable_str(type.get()) > 0) throw InputError(file + ": attribute " + name + " is a variable-length string");
  const std::size_t size = H5Tget_size(type.get());
  std::vector<char> buf(size + 1, '\0');
  h5_check(H5Aread(attr.get(), type.get(), buf.data()), file, "read attribute " + name);
  return std::string(buf.data());
}

long long h5_read_int_attribute(hid_t object, const std::string& name, const std::string& file) {
  H5Handle attr(h5_check(H5Aopen(object, name.c_str(), H5P_DEFAULT), file, "open attribute " + name), H5Aclose);
  long long v = 0;
  h5_check(H5Aread(attr.get(), H5T_NATIVE_LLONG, &v), file, "read attribute " + name);
  return v;
}

}  // namespace dixc::data
