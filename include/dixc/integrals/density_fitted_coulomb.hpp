#pragma once
// Coulomb matrices by density fitting in the Coulomb metric (RI-J; Vahtras, Almlof and Feyereisen, Chem. Phys.
// Lett. 213, 514 (1993); Eichkorn et al., Chem. Phys. Lett. 240, 283 (1995)):
//   J[D]_{mn} = sum_PQ (mn|P) [V^-1]_{PQ} sum_ls (Q|ls) D_ls,   V_PQ = (P|Q),
// over an auxiliary (fitting) basis P, Q. The three-centre integrals (mn|P) are computed once and kept (n_pairs x
// n_aux doubles), so each J is two GEMMs and a Cholesky solve: O(N^3) in place of the four-centre O(N^4). The fit
// error in the energy is a few 1e-5 Eh per atom with def2-universal-jfit (docs/theory.md section 1), so it serves
// semilocal functionals where the Coulomb build dominates, never the reference data.
#include <cstddef>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Dense>

#include "dixc/chem/basis.hpp"

namespace dixc::integrals {

class DensityFittedCoulomb {
 public:
  // Throws InputError when the three-centre integrals would exceed `max_bytes` (naming the sizes) or the fitting
  // metric is not positive definite.
  DensityFittedCoulomb(const chem::BasisSet& basis, const chem::BasisSet& fitting_basis, std::size_t max_bytes);

  // J of each symmetric density, in order.
  std::vector<Eigen::MatrixXd> coulomb(const std::vector<const Eigen::MatrixXd*>& densities) const;

  std::size_t fitting_functions() const { return static_cast<std::size_t>(three_centre_.cols()); }
  std::size_t bytes() const { return static_cast<std::size_t>(three_centre_.size()) * sizeof(double); }
  // Memory the three-centre integrals of `basis` over `fitting_basis` take.
  static std::size_t bytes_needed(const chem::BasisSet& basis, const chem::BasisSet& fitting_basis);

 private:
  std::size_t nbf_;
  Eigen::MatrixXd three_centre_;  // (mn|P), row = packed pair m >= n, column = fitting function P
  Eigen::LLT<Eigen::MatrixXd> metric_;
};

}  // namespace dixc::integrals
