#include "dixc/data/dataset_writer.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <numeric>

#include "dixc/data/attributes.hpp"
#include "dixc/data/index_columns.hpp"
#include "dixc/data/schema.hpp"
#include "dixc/util/error.hpp"

namespace dixc::data {

namespace {

constexpr hsize_t kIndexChunk = 256;
constexpr hsize_t kArrayChunk = 1 << 16;

hid_t column_type(const IndexColumn& c, H5Handle& holder) {
  switch (c.kind) {
    case ColumnKind::text:
      holder = h5_string_type(c.text_size);
      return holder.get();
    case ColumnKind::integer:
      return H5T_STD_I64LE;
    case ColumnKind::real:
      return H5T_IEEE_F64LE;
  }
  return -1;
}

void create_extendible(hid_t group, const std::string& name, hid_t type, hsize_t chunk, const std::string& file) {
  hsize_t zero = 0, unlimited = H5S_UNLIMITED;
  H5Handle space(H5Screate_simple(1, &zero, &unlimited), H5Sclose);
  H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl.get(), 1, &chunk);
  H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER);
  H5Handle ds(h5_check(H5Dcreate2(group, name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), file,
                       "create dataset " + name),
              H5Dclose);
}

H5Handle open_dataset(hid_t file, const std::string& path, const std::string& file_name) {
  return {h5_check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), file_name, "open dataset " + path), H5Dclose};
}

// Writes `count` elements of `buffer` at [first, first+count) of a 1-D dataset (independent I/O).
void write_slice(hid_t ds, hid_t mem_type, hsize_t first, hsize_t count, const void* buffer, const std::string& file,
                 const std::string& what) {
  if (count == 0) return;
  H5Handle fspace(H5Dget_space(ds), H5Sclose);
  H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &first, nullptr, &count, nullptr);
  H5Handle mspace(H5Screate_simple(1, &count, nullptr), H5Sclose);
  h5_check(H5Dwrite(ds, mem_type, mspace.get(), fspace.get(), H5P_DEFAULT, buffer), file, "write " + what);
}

void set_length(hid_t file, const std::string& path, hsize_t n, const std::string& file_name) {
  H5Handle ds = open_dataset(file, path, file_name);
  h5_check(H5Dset_extent(ds.get(), &n), file_name, "extend " + path);
}

// A name from a fixed-width text slot of `width` bytes (NUL-padded, the index's name column).
std::string slot_name(const char* slot, std::size_t width) { return std::string(slot, strnlen(slot, width)); }

}  // namespace

DatasetWriter::DatasetWriter(const std::string& path, MPI_Comm comm,
                             const std::map<std::string, std::string>& attributes)
    : path_(path), comm_(comm) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int exists = 0;
  if (rank == 0) exists = std::filesystem::exists(path) ? 1 : 0;
  MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
  H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL);
  if (exists) {
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
    if (f < 0)
      throw InputError(path +
                       ": exists but cannot be opened as an HDF5 file for appending (corrupt or not a dixc "
                       "dataset); move it away or choose another --output");
    file_ = H5Handle(f, H5Fclose);
    open_existing(attributes);
  } else {
    file_ = H5Handle(h5_check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()), path, "create file"),
                     H5Fclose);
    create(attributes);
  }
}

DatasetWriter::~DatasetWriter() = default;

void DatasetWriter::create(const std::map<std::string, std::string>& attributes) {
  const hid_t f = file_.get();
  for (const auto& [k, v] : attributes) h5_write_attribute(f, k, v, path_);
  h5_write_attribute(f, "schema_version", static_cast<long long>(schema_version), path_);
  H5Handle index(h5_check(H5Gcreate2(f, "index", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path_, "create /index"),
                 H5Gclose);
  for (const auto& c : index_columns()) {
    H5Handle holder;
    create_extendible(index.get(), c.name, column_type(c, holder), kIndexChunk, path_);
  }
  h5_write_attribute(index.get(), "n_committed", 0LL, path_);
  H5Handle arrays(h5_check(H5Gcreate2(f, "arrays", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path_, "create /arrays"),
                  H5Gclose);
  for (const auto& field : array_fields()) {
    create_extendible(arrays.get(), field.name, H5T_IEEE_F64LE, kArrayChunk, path_);
    H5Handle ds = open_dataset(arrays.get(), field.name, path_);
    h5_write_attribute(ds.get(), "n_committed", 0LL, path_);
    h5_write_attribute(ds.get(), "meaning", field.meaning, path_);
    std::string shape;
    for (const auto& d : field.shape) shape += (shape.empty() ? "" : ",") + d;
    h5_write_attribute(ds.get(), "shape_per_molecule", shape, path_);
    committed_lengths_[field.name] = 0;
  }
  H5Fflush(f, H5F_SCOPE_GLOBAL);
}

void DatasetWriter::open_existing(const std::map<std::string, std::string>& attributes) {
  const hid_t f = file_.get();
  if (!h5_has_attribute(f, "schema_version") || H5Lexists(f, "index", H5P_DEFAULT) <= 0)
    throw InputError(path_ + ": not a dixc dataset (no schema_version / index); choose another --output");
  const long long version = h5_read_int_attribute(f, "schema_version", path_);
  if (version != schema_version)
    throw InputError(path_ + ": dataset schema version " + std::to_string(version) + ", this dixc writes version " +
                     std::to_string(schema_version) + "; write to a new file");
  std::string mismatch;
  for (const auto& [k, v] : attributes) {
    if (is_provenance_attribute(k)) continue;
    const std::string have = h5_has_attribute(f, k.c_str()) ? h5_read_string_attribute(f, k, path_) : "<missing>";
    if (have != v) mismatch += " " + k + " (file: " + have + ", now: " + v + ")";
  }
  if (!mismatch.empty())
    throw InputError(path_ + ": existing dataset was made with different settings:" + mismatch +
                     "; rerun with the same settings to resume, or choose another --output");
  H5Handle index(h5_check(H5Gopen2(f, "index", H5P_DEFAULT), path_, "open /index"), H5Gclose);
  committed_rows_ = h5_read_int_attribute(index.get(), "n_committed", path_);
  // Discard what an interrupted append may have left beyond the committed rows (collective extent changes).
  for (const auto& c : index_columns()) set_length(index.get(), c.name, committed_rows_, path_);
  H5Handle arrays(h5_check(H5Gopen2(f, "arrays", H5P_DEFAULT), path_, "open /arrays"), H5Gclose);
  for (const auto& field : array_fields()) {
    H5Handle ds = open_dataset(arrays.get(), field.name, path_);
    committed_lengths_[field.name] = h5_read_int_attribute(ds.get(), "n_committed", path_);
    hsize_t n = static_cast<hsize_t>(committed_lengths_[field.name]);
    h5_check(H5Dset_extent(ds.get(), &n), path_, "truncate " + field.name);
  }
  // Committed names and statuses, read by every rank; rows in commit order, so a later row of a name wins.
  const std::size_t width = index_columns()[0].text_size;
  std::vector<char> buf(static_cast<std::size_t>(committed_rows_) * width + 1, '\0');
  std::vector<long long> status(static_cast<std::size_t>(committed_rows_) + 1, 0);
  if (committed_rows_ > 0) {
    H5Handle names = open_dataset(index.get(), "name", path_);
    H5Handle type = h5_string_type(width);
    h5_check(H5Dread(names.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), path_, "read names");
    H5Handle statuses = open_dataset(index.get(), "status", path_);
    h5_check(H5Dread(statuses.get(), H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, status.data()), path_,
             "read statuses");
  }
  for (long long r = 0; r < committed_rows_; ++r)
    committed_[slot_name(buf.data() + r * width, width)] = static_cast<RecordStatus>(status[r]);
  H5Fflush(f, H5F_SCOPE_GLOBAL);
}

void DatasetWriter::append(const std::vector<MoleculeRecord>& local) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm_, &rank);
  MPI_Comm_size(comm_, &size);
  const auto& fields = array_fields();
  const std::size_t nf = fields.size();
  for (const auto& r : local) check_record_shapes(r);

  // Every rank learns every record's array lengths, so all agree on offsets and new extents.
  const int n_local = static_cast<int>(local.size());
  std::vector<int> counts(size);
  MPI_Allgather(&n_local, 1, MPI_INT, counts.data(), 1, MPI_INT, comm_);
  std::vector<long long> my_lengths;
  for (const auto& r : local)
    for (const auto& field : fields) my_lengths.push_back(static_cast<long long>((r.arrays.*field.member).size()));
  std::vector<int> recv_counts(size), displs(size);
  for (int p = 0; p < size; ++p) recv_counts[p] = counts[p] * static_cast<int>(nf);
  std::partial_sum(recv_counts.begin(), recv_counts.end() - 1, displs.begin() + 1);
  const int total = std::accumulate(counts.begin(), counts.end(), 0);
  std::vector<long long> all_lengths(static_cast<std::size_t>(total) * nf);
  MPI_Allgatherv(my_lengths.data(), static_cast<int>(my_lengths.size()), MPI_LONG_LONG, all_lengths.data(),
                 recv_counts.data(), displs.data(), MPI_LONG_LONG, comm_);
  if (total == 0) return;

  // Records are laid out rank by rank; this rank's rows and array slices are contiguous.
  const int first_record = std::accumulate(counts.begin(), counts.begin() + rank, 0);
  std::vector<long long> field_start(nf), field_total(nf, 0), my_first(nf, 0), my_count(nf, 0);
  for (std::size_t f = 0; f < nf; ++f) {
    field_start[f] = committed_lengths_[fields[f].name];
    for (int r = 0; r < total; ++r) {
      const long long len = all_lengths[static_cast<std::size_t>(r) * nf + f];
      if (r < first_record) my_first[f] += len;
      if (r >= first_record && r < first_record + n_local) my_count[f] += len;
      field_total[f] += len;
    }
  }

  const hid_t file = file_.get();
  H5Handle index(h5_check(H5Gopen2(file, "index", H5P_DEFAULT), path_, "open /index"), H5Gclose);
  H5Handle arrays(h5_check(H5Gopen2(file, "arrays", H5P_DEFAULT), path_, "open /arrays"), H5Gclose);
  const long long new_rows = committed_rows_ + total;
  for (const auto& c : index_columns()) set_length(index.get(), c.name, static_cast<hsize_t>(new_rows), path_);
  for (std::size_t f = 0; f < nf; ++f)
    set_length(arrays.get(), fields[f].name, static_cast<hsize_t>(field_start[f] + field_total[f]), path_);

  // This rank's data: array slices, then index rows (offsets point into the arrays).
  std::vector<std::vector<long long>> offsets(nf);
  for (std::size_t f = 0; f < nf; ++f) {
    std::vector<double> buffer;
    long long pos = field_start[f] + my_first[f];
    for (const auto& r : local) {
      offsets[f].push_back(pos);
      const auto& values = r.arrays.*fields[f].member;
      buffer.insert(buffer.end(), values.begin(), values.end());
      pos += static_cast<long long>(values.size());
    }
    H5Handle ds = open_dataset(arrays.get(), fields[f].name, path_);
    write_slice(ds.get(), H5T_NATIVE_DOUBLE, static_cast<hsize_t>(field_start[f] + my_first[f]),
                static_cast<hsize_t>(my_count[f]), buffer.data(), path_, fields[f].name);
  }
  const hsize_t row0 = static_cast<hsize_t>(committed_rows_ + first_record), nrows = static_cast<hsize_t>(n_local);
  for (const auto& c : index_columns()) {
    H5Handle ds = open_dataset(index.get(), c.name, path_);
    if (c.kind == ColumnKind::text) {
      std::vector<char> buf(static_cast<std::size_t>(n_local) * c.text_size, '\0');
      for (int i = 0; i < n_local; ++i) {
        const std::string& s = c.name == "name"      ? local[i].name
                               : c.name == "formula" ? local[i].formula
                                                     : local[i].message;
        if (c.name == "name" && s.size() >= c.text_size)
          throw InputError("molecule name '" + s + "' is longer than " + std::to_string(c.text_size - 1) +
                           " characters");
        std::memcpy(buf.data() + i * c.text_size, s.data(), std::min(s.size(), c.text_size - 1));
      }
      H5Handle type = h5_string_type(c.text_size);
      write_slice(ds.get(), type.get(), row0, nrows, buf.data(), path_, c.name);
    } else if (c.kind == ColumnKind::integer) {
      std::vector<long long> buf(n_local, 0);
      for (int i = 0; i < n_local; ++i) {
        const auto& r = local[i];
        if (c.name == "status") {
          buf[i] = static_cast<long long>(r.status);
        } else if (c.name.rfind("offset_", 0) == 0 || c.name.rfind("length_", 0) == 0) {
          const std::string field = c.name.substr(7);
          const auto fi = std::find_if(fields.begin(), fields.end(), [&](const auto& x) { return x.name == field; }) -
                          fields.begin();
          buf[i] = c.name[0] == 'o' ? offsets[fi][i] : static_cast<long long>((r.arrays.*fields[fi].member).size());
        } else {
          buf[i] = r.dims.*dimension_member(c.name);
        }
      }
      write_slice(ds.get(), H5T_NATIVE_LLONG, row0, nrows, buf.data(), path_, c.name);
    } else {
      std::vector<double> buf(n_local, 0.0);
      const auto member = scalar_member(c.name);
      for (int i = 0; i < n_local; ++i) buf[i] = local[i].scalars.*member;
      write_slice(ds.get(), H5T_NATIVE_DOUBLE, row0, nrows, buf.data(), path_, c.name);
    }
  }

  // Commit: the counts are written only after every rank's data (collective flush in between).
  H5Fflush(file, H5F_SCOPE_GLOBAL);
  MPI_Barrier(comm_);
  committed_rows_ = new_rows;
  h5_write_attribute(index.get(), "n_committed", committed_rows_, path_);
  for (std::size_t f = 0; f < nf; ++f) {
    committed_lengths_[fields[f].name] = field_start[f] + field_total[f];
    H5Handle ds = open_dataset(arrays.get(), fields[f].name, path_);
    h5_write_attribute(ds.get(), "n_committed", committed_lengths_[fields[f].name], path_);
  }
  H5Fflush(file, H5F_SCOPE_GLOBAL);

  // Names and statuses of all new rows, so committed() stays the same on every rank (status in the last byte).
  const std::size_t width = index_columns()[0].text_size, slot = width + 1;
  std::vector<char> mine(static_cast<std::size_t>(n_local) * slot, '\0'), all(static_cast<std::size_t>(total) * slot);
  for (int i = 0; i < n_local; ++i) {
    std::memcpy(mine.data() + i * slot, local[i].name.data(), std::min(width - 1, local[i].name.size()));
    mine[i * slot + width] = static_cast<char>(local[i].status);
  }
  std::vector<int> byte_counts(size), byte_displs(size);
  for (int p = 0; p < size; ++p) byte_counts[p] = counts[p] * static_cast<int>(slot);
  std::partial_sum(byte_counts.begin(), byte_counts.end() - 1, byte_displs.begin() + 1);
  MPI_Allgatherv(mine.data(), n_local * static_cast<int>(slot), MPI_CHAR, all.data(), byte_counts.data(),
                 byte_displs.data(), MPI_CHAR, comm_);
  for (int r = 0; r < total; ++r)
    committed_[slot_name(all.data() + r * slot, width)] = static_cast<RecordStatus>(all[r * slot + width]);
}

}  // namespace dixc::data
