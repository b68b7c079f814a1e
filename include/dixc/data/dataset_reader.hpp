#pragma once
// Reads a dixc dataset (docs/dataset.md) on one process: the committed index rows and any record's arrays.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dixc/data/hdf5_handle.hpp"
#include "dixc/data/molecule_record.hpp"

namespace dixc::data {

class DatasetReader {
 public:
  // Throws InputError naming the file when it is missing, not HDF5, or not a dixc dataset of this schema.
  explicit DatasetReader(const std::string& path);

  const std::string& path() const { return path_; }
  // Rows are the molecules: a name's latest committed record, earlier ones (a failure computed again by
  // `dixc generate --retry-failed`) are superseded and not visible (docs/dataset.md).
  std::size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }
  std::optional<std::size_t> find(const std::string& name) const;
  // File-level string attributes (functional, basis, grid, seed, versions, ...).
  const std::map<std::string, std::string>& attributes() const { return attributes_; }
  // One of them (data::attribute::...); InputError naming the file when it is missing.
  const std::string& attribute(const std::string& name) const;
  // Full record of a committed row, arrays included.
  MoleculeRecord read(std::size_t row) const;
  // Index fields only (no arrays): cheap, for summaries.
  MoleculeRecord read_index(std::size_t row) const;

 private:
  std::string path_;
  H5Handle file_;
  std::vector<std::string> names_;
  std::vector<std::size_t> file_rows_;  // file row of each visible row
  std::map<std::string, std::vector<std::string>> text_;
  std::map<std::string, std::vector<long long>> integers_;
  std::map<std::string, std::vector<double>> reals_;
  std::map<std::string, std::string> attributes_;
};

}  // namespace dixc::data
