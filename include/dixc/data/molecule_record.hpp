#pragma once
// One molecule's entry in the dataset (docs/dataset.md): identification, status, dimensions, scalar results and
// named float64 arrays. The set of scalar and array names is the schema (schema.hpp); every record carries all
// of them (a failed molecule has zeros and empty arrays).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dixc::data {

enum class RecordStatus : std::int32_t { ok = 0, failed = 1 };

struct MoleculeRecord {
  std::string name;
  std::string formula;
  RecordStatus status = RecordStatus::ok;
  std::string message;  // why it failed; empty when ok
  std::map<std::string, std::int64_t> dims;  // natoms, nbf, n_mo, n_occ, n_dir, n_roots, ...
  std::map<std::string, double> scalars;     // energies (Eh), dipole (a.u.), timings (s), ...
  std::map<std::string, std::vector<double>> arrays;  // column-major matrices, flattened
};

}  // namespace dixc::data
