#pragma once
// Appends molecule records to one parallel-HDF5 dataset (layout in docs/dataset.md), from all ranks of a
// communicator at once. Every call is collective: metadata (extents, attributes) changes together, each rank
// writes the data of its own records, and the file is flushed at the end of each append, after which the batch
// is committed (the committed row count is what a reader and a resumed run trust).
#include <map>
#include <string>
#include <vector>

#include <mpi.h>

#include "dixc/data/hdf5_handle.hpp"
#include "dixc/data/molecule_record.hpp"

namespace dixc::data {

class DatasetWriter {
 public:
  // Creates `path`, or opens it for appending when it exists. `attributes` describe how the data were made
  // (functional, basis, grid, thresholds, seed...): on append they must equal the file's, otherwise InputError
  // says which differ. Rows written by an append that never committed (a killed job) are discarded.
  DatasetWriter(const std::string& path, MPI_Comm comm, const std::map<std::string, std::string>& attributes);
  ~DatasetWriter();
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;

  // The committed molecules (finished or failed) with the status of each one's latest record (a later record of
  // a name supersedes the earlier ones: a retried failure, docs/dataset.md), identical on every rank.
  const std::map<std::string, RecordStatus>& committed() const { return committed_; }

  // Collective: each rank passes the records it finished since the last call (possibly none).
  void append(const std::vector<MoleculeRecord>& local);

 private:
  void create(const std::map<std::string, std::string>& attributes);
  void open_existing(const std::map<std::string, std::string>& attributes);

  std::string path_;
  MPI_Comm comm_;
  H5Handle file_;
  long long committed_rows_ = 0;
  std::map<std::string, long long> committed_lengths_;  // per array field
  std::map<std::string, RecordStatus> committed_;
};

}  // namespace dixc::data
