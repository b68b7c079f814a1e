#pragma once
// Consistency checks of one dataset and comparison of two (dixc inspect --verify / --diff).
#include <string>
#include <vector>

#include "dixc/data/dataset_reader.hpp"

namespace dixc::data {

struct CheckReport {
  std::vector<std::string> problems;  // one line each, naming the molecule and the quantity
  std::size_t molecules_checked = 0;
  bool ok() const { return problems.empty(); }
};

// For every ok record: shapes, finite values, C^T S C = 1, tr(D S) = N_e, stored g_xc = 4 C_v^T V_xc C_o,
// unit directions, symmetric Hessian on the stored directions (<v_i, H v_j> = <v_j, H v_i>), positive
// excitation energies. `tolerance` bounds the absolute deviations.
CheckReport verify_dataset(const DatasetReader& dataset, double tolerance = 1e-8);

// Molecule-by-molecule comparison with relative tolerance `tolerance` (scale max(1, |value|)). Quantities that
// depend on the phase or the rotation of (degenerate) orbitals are compared in the AO basis: D instead of C,
// C_v X C_o^T instead of an MO-basis matrix X. Timings are not compared.
CheckReport diff_datasets(const DatasetReader& a, const DatasetReader& b, double tolerance = 1e-10);

}  // namespace dixc::data
