#pragma once
// Fuzzy-cell partition of space into atomic regions: weights w_A(r) >= 0 with sum_A w_A(r) = 1, so that
// int f = sum_A int w_A f and each term can use a grid centred on atom A.
//
// Default: Becke (A. D. Becke, J. Chem. Phys. 88, 2547 (1988)) with the atomic-size adjustment of its appendix
// from Bragg-Slater radii. We take it over Stratmann-Scuseria-Frisch (Chem. Phys. Lett. 257, 213 (1996))
// because its cell function is smoother (three nested polynomial steps instead of one steep piece), so at a
// given grid the integration error is smaller (see tests/grid/test_molecular_grid.cpp for the comparison on
// H2O/C2H4 model densities); dixc molecules are small (tens of atoms) and the O(N_atoms^2) cost per point is
// affordable. SSF, with its screening (weight exactly 1 near the own nucleus), is kept for large molecules.
#include <array>
#include <cstddef>
#include <vector>

#include "dixc/chem/molecule.hpp"

namespace dixc::grid {

enum class PartitionScheme {
  becke,  // Becke 1988, 3 iterations of p(mu) = 3/2 mu - 1/2 mu^3, size-adjusted with Bragg radii
  ssf,    // Stratmann-Scuseria-Frisch 1996, a = 0.64, no size adjustment (as published)
};

// Precomputes the atom pair data (inverse distances, size adjustments) for one molecule.
class AtomicPartition {
 public:
  // Throws dixc::InputError if two atoms coincide (the cell functions need 1/R_AB).
  AtomicPartition(const chem::Molecule& molecule, PartitionScheme scheme);

  // w_A(r) for the atom with index `atom`. Thread-safe; `scratch` avoids an allocation per call and is resized.
  double weight(std::size_t atom, const std::array<double, 3>& r, std::vector<double>& scratch) const;

  // All w_A(r) into `out` (resized to the number of atoms).
  void weights(const std::array<double, 3>& r, std::vector<double>& out) const;

  std::size_t n_atoms() const { return centers_.size(); }
  PartitionScheme scheme() const { return scheme_; }

 private:
  // Step function s(nu_AB) of the pair (a, b) for distances d_a, d_b of the point to the two atoms.
  double step(std::size_t a, std::size_t b, double d_a, double d_b) const;
  // Unnormalized cell functions P_A(r) = prod_{B != A} s(nu_AB) of all atoms from the point's distances.
  void cell_functions(const double* dist, double* p) const;

  PartitionScheme scheme_;
  std::vector<std::array<double, 3>> centers_;
  std::vector<double> inv_r_;       // 1 / R_AB, row-major n x n (0 on the diagonal)
  std::vector<double> adjust_;      // a_AB of Becke's size adjustment, row-major n x n
  std::vector<double> ssf_radius_;  // SSF screening: w_A = 1 when |r - R_A| < (1 - a)/2 * min_B R_AB
};

}  // namespace dixc::grid
