#pragma once
// Names, shapes and meaning of everything the dataset stores per molecule: the one place where a record's fields
// meet their names in the HDF5 file (docs/dataset.md is the prose version). Matrices are stored column-major
// (Fortran order) and flattened; the reader reshapes them.
#include <cstdint>
#include <string>
#include <vector>

#include "dixc/data/molecule_record.hpp"

namespace dixc::data {

inline constexpr int schema_version = 1;

// Integer dimensions of a record, in index-table column order.
struct DimensionField {
  std::string name;
  std::int64_t RecordDimensions::*member;
};
const std::vector<DimensionField>& dimension_fields();
// The member of the dimension or scalar of that name; std::logic_error for a name not in the schema.
std::int64_t RecordDimensions::*dimension_member(const std::string& name);

// float64 scalars of a record, in index-table column order.
struct ScalarField {
  std::string name;
  double RecordScalars::*member;
};
const std::vector<ScalarField>& scalar_fields();
double RecordScalars::*scalar_member(const std::string& name);

struct ArrayField {
  std::string name;
  std::vector<std::string> shape;  // dimension names (or "3"); the product is the flattened length
  std::string meaning;
  std::vector<double> RecordArrays::*member;
};
const std::vector<ArrayField>& array_fields();

// The file name of an array member (for messages).
const std::string& array_name(std::vector<double> RecordArrays::*member);

// Flattened length of `field` for a record with these dimensions.
std::int64_t array_length(const ArrayField& field, const MoleculeRecord& record);

// Throws std::logic_error naming the field when a record's array lengths disagree with its dimensions.
void check_record_shapes(const MoleculeRecord& record);

}  // namespace dixc::data
