#pragma once
// The columns of the dataset's per-molecule index table (/index/<column>), shared by writer and reader.
#include <cstddef>
#include <string>
#include <vector>

namespace dixc::data {

enum class ColumnKind { text, integer, real };

struct IndexColumn {
  std::string name;
  ColumnKind kind;
  std::size_t text_size = 0;  // bytes of a fixed-length text column
};

// name, formula, status, message, the dimensions, the scalars, and offset_/length_ of every array field.
const std::vector<IndexColumn>& index_columns();

}  // namespace dixc::data
