#pragma once
// Names, shapes and meaning of everything the dataset stores per molecule (docs/dataset.md is the prose
// version). Matrices are stored column-major (Fortran order) and flattened; the reader reshapes them.
#include <cstdint>
#include <string>
#include <vector>

#include "dixc/data/molecule_record.hpp"

namespace dixc::data {

inline constexpr int schema_version = 1;

// Integer dimensions of a record, in index-table column order.
const std::vector<std::string>& dimension_names();
// float64 scalars of a record, in index-table column order.
const std::vector<std::string>& scalar_names();

struct ArrayField {
  std::string name;
  std::vector<std::string> shape;  // dimension names (or "3"); the product is the flattened length
  std::string meaning;
};
const std::vector<ArrayField>& array_fields();

// Flattened length of `field` for a record with these dimensions.
std::int64_t array_length(const ArrayField& field, const MoleculeRecord& record);

// Throws std::logic_error naming the field when a record's array lengths disagree with its dimensions.
void check_record_shapes(const MoleculeRecord& record);

}  // namespace dixc::data
