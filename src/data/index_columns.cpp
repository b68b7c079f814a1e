#include "dixc/data/index_columns.hpp"

#include "dixc/data/schema.hpp"

namespace dixc::data {

const std::vector<IndexColumn>& index_columns() {
  static const std::vector<IndexColumn> columns = [] {
    std::vector<IndexColumn> c = {{"name", ColumnKind::text, 128},
                                  {"formula", ColumnKind::text, 64},
                                  {"status", ColumnKind::integer},
                                  {"message", ColumnKind::text, 512}};
    for (const auto& d : dimension_fields()) c.push_back({d.name, ColumnKind::integer});
    for (const auto& s : scalar_fields()) c.push_back({s.name, ColumnKind::real});
    for (const auto& f : array_fields()) {
      c.push_back({"offset_" + f.name, ColumnKind::integer});
      c.push_back({"length_" + f.name, ColumnKind::integer});
    }
    return c;
  }();
  return columns;
}

}  // namespace dixc::data
