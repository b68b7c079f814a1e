#include "dixc/data/dataset_reader.hpp"

#include <cstring>
#include <filesystem>

#include "dixc/data/attributes.hpp"
#include "dixc/data/index_columns.hpp"
#include "dixc/data/schema.hpp"
#include "dixc/util/error.hpp"

namespace dixc::data {

namespace {

herr_t collect_attribute(hid_t loc, const char* name, const H5A_info_t*, void* data) {
  auto& out = *static_cast<std::map<std::string, std::string>*>(data);
  H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  H5Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(type.get()) == H5T_STRING && H5Tis_variable_str(type.get()) <= 0) {
    std::vector<char> buf(H5Tget_size(type.get()) + 1, '\0');
    if (H5Aread(attr.get(), type.get(), buf.data()) >= 0) out[name] = buf.data();
  } else if (H5Tget_class(type.get()) == H5T_INTEGER) {
    long long v = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_LLONG, &v) >= 0) out[name] = std::to_string(v);
  }
  return 0;
}

}  // namespace

DatasetReader::DatasetReader(const std::string& path) : path_(path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (!std::filesystem::exists(path)) throw InputError(path + ": no such dataset file");
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw InputError(path + ": cannot be opened as HDF5 (corrupt or not a dixc dataset)");
  file_ = H5Handle(f, H5Fclose);
  H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute, &attributes_);
  if (!attributes_.count("schema_version") || H5Lexists(f, "index", H5P_DEFAULT) <= 0 ||
      H5Lexists(f, "arrays", H5P_DEFAULT) <= 0)
    throw InputError(path + ": not a dixc dataset (missing schema_version, /index or /arrays)");
  if (std::stoi(attributes_["schema_version"]) != schema_version)
    throw InputError(path + ": schema version " + attributes_["schema_version"] + ", this dixc reads version " +
                     std::to_string(schema_version));
  H5Handle index(h5_check(H5Gopen2(f, "index", H5P_DEFAULT), path, "open /index"), H5Gclose);
  const long long rows = h5_read_int_attribute(index.get(), "n_committed", path);
  const hsize_t n = static_cast<hsize_t>(rows);
  for (const auto& c : index_columns()) {
    H5Handle ds(h5_check(H5Dopen2(index.get(), c.name.c_str(), H5P_DEFAULT), path, "open /index/" + c.name), H5Dclose);
    H5Handle fspace(H5Dget_space(ds.get()), H5Sclose);
    hsize_t have = 0;
    H5Sget_simple_extent_dims(fspace.get(), &have, nullptr);
    if (have < n) throw InputError(path + ": index column " + c.name + " is shorter than the committed row count");
    if (n == 0) continue;
    const hsize_t start = 0;
    H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr);
    H5Handle mspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
    if (c.kind == ColumnKind::text) {
      H5Handle type = h5_string_type(c.text_size);
      std::vector<char> buf(n * c.text_size);
      h5_check(H5Dread(ds.get(), type.get(), mspace.get(), fspace.get(), H5P_DEFAULT, buf.data()), path,
               "read " + c.name);
      auto& col = text_[c.name];
      for (hsize_t r = 0; r < n; ++r)
        col.emplace_back(buf.data() + r * c.text_size, strnlen(buf.data() + r * c.text_size, c.text_size));
    } else if (c.kind == ColumnKind::integer) {
      auto& col = integers_[c.name];
      col.resize(n);
      h5_check(H5Dread(ds.get(), H5T_NATIVE_LLONG, mspace.get(), fspace.get(), H5P_DEFAULT, col.data()), path,
               "read " + c.name);
    } else {
      auto& col = reals_[c.name];
      col.resize(n);
      h5_check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT, col.data()), path,
               "read " + c.name);
    }
  }
  // Visible rows: the last file row of each name, in file order.
  const auto& all_names = text_["name"];
  std::map<std::string, std::size_t> latest;
  for (std::size_t r = 0; r < all_names.size(); ++r) latest[all_names[r]] = r;
  for (std::size_t r = 0; r < all_names.size(); ++r)
    if (latest.at(all_names[r]) == r) {
      file_rows_.push_back(r);
      names_.push_back(all_names[r]);
    }
}

const std::string& DatasetReader::attribute(const std::string& name) const {
  return required_attribute(attributes_, name, path_);
}

std::optional<std::size_t> DatasetReader::find(const std::string& name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i;
  return std::nullopt;
}

MoleculeRecord DatasetReader::read_index(std::size_t visible_row) const {
  const std::size_t row = file_rows_.at(visible_row);
  MoleculeRecord r;
  r.name = text_.at("name")[row];
  r.formula = text_.at("formula")[row];
  r.message = text_.at("message")[row];
  r.status = static_cast<RecordStatus>(integers_.at("status")[row]);
  for (const auto& d : dimension_fields()) r.dims.*d.member = integers_.at(d.name)[row];
  for (const auto& s : scalar_fields()) r.scalars.*s.member = reals_.at(s.name)[row];
  return r;
}

MoleculeRecord DatasetReader::read(std::size_t visible_row) const {
  MoleculeRecord r = read_index(visible_row);
  const std::size_t row = file_rows_[visible_row];
  H5Handle arrays(h5_check(H5Gopen2(file_.get(), "arrays", H5P_DEFAULT), path_, "open /arrays"), H5Gclose);
  for (const auto& field : array_fields()) {
    const hsize_t offset = static_cast<hsize_t>(integers_.at("offset_" + field.name)[row]);
    const hsize_t length = static_cast<hsize_t>(integers_.at("length_" + field.name)[row]);
    auto& values = r.arrays.*field.member;
    values.resize(length);
    if (length == 0) continue;
    H5Handle ds(h5_check(H5Dopen2(arrays.get(), field.name.c_str(), H5P_DEFAULT), path_, "open " + field.name),
                H5Dclose);
    H5Handle fspace(H5Dget_space(ds.get()), H5Sclose);
    hsize_t extent = 0;
    H5Sget_simple_extent_dims(fspace.get(), &extent, nullptr);
    if (offset + length > extent)
      throw InputError(path_ + ": molecule '" + r.name + "' points past the end of /arrays/" + field.name +
                       " (corrupt)");
    H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &offset, nullptr, &length, nullptr);
    H5Handle mspace(H5Screate_simple(1, &length, nullptr), H5Sclose);
    h5_check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT, values.data()), path_,
             "read " + field.name);
  }
  return r;
}

}  // namespace dixc::data
