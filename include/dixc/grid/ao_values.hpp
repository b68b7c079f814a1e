#pragma once
// Basis-function values and gradients on a block of grid points, restricted to the shells that are not
// negligible anywhere in the block. Spherical functions use libint2's solid-harmonic coefficients and ordering,
// so the values belong to exactly the functions the integrals are computed over.
#include <array>
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "dixc/chem/basis.hpp"
#include "dixc/grid/blocking.hpp"

namespace dixc::grid {

// Radius beyond which every function of each shell is below `threshold` in magnitude (Bohr).
std::vector<double> shell_extents(const chem::BasisSet& basis, double threshold = 1e-12);

struct AoBlock {
  std::vector<int> functions;          // basis-function indices of the columns
  Eigen::MatrixXd value;               // n_points x functions.size()
  std::array<Eigen::MatrixXd, 3> gradient;  // d/dx, d/dy, d/dz; empty unless requested
};

// Evaluates the basis on points[block.begin, block.end). with_gradient adds first derivatives.
AoBlock evaluate_ao(const chem::BasisSet& basis, const std::vector<double>& extents,
                    const std::vector<std::array<double, 3>>& points, const GridBlock& block, bool with_gradient);

}  // namespace dixc::grid
