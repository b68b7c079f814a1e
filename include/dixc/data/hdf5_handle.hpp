#pragma once
// RAII for HDF5 identifiers and error checks that name the file. HDF5's own error stack printing is turned off
// by the callers; failures come back as dixc::InputError with the file and operation.
#include <hdf5.h>

#include <string>
#include <utility>

namespace dixc::data {

class H5Handle {
 public:
  H5Handle() = default;
  H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  H5Handle(H5Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  H5Handle& operator=(H5Handle&& o) noexcept {
    reset();
    id_ = std::exchange(o.id_, -1);
    close_ = o.close_;
    return *this;
  }
  ~H5Handle() { reset(); }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// Throws InputError("<file>: <what> failed (...)") when id < 0 / status < 0.
hid_t h5_check(hid_t id, const std::string& file, const std::string& what);

// Fixed-length, NUL-padded string type of `size` bytes.
H5Handle h5_string_type(std::size_t size);

// Scalar attributes on an object.
void h5_write_attribute(hid_t object, const std::string& name, const std::string& value, const std::string& file);
void h5_write_attribute(hid_t object, const std::string& name, long long value, const std::string& file);
std::string h5_read_string_attribute(hid_t object, const std::string& name, const std::string& file);
long long h5_read_int_attribute(hid_t object, const std::string& name, const std::string& file);
bool h5_has_attribute(hid_t object, const std::string& name);

}  // namespace dixc::data
