#pragma once
// One-electron integral matrices over a basis (libint2), in the basis' function order.
#include <array>

#include <Eigen/Dense>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"

namespace dixc::integrals {

// libint2 keeps global tables (Boys function, solid harmonics); call once per process before any integral.
// Safe to call repeatedly.
void initialize_libint();

Eigen::MatrixXd overlap(const chem::BasisSet& basis);
Eigen::MatrixXd kinetic(const chem::BasisSet& basis);
// Attraction to all nuclei of the molecule (point charges).
Eigen::MatrixXd nuclear_attraction(const chem::BasisSet& basis, const chem::Molecule& molecule);
// Electric dipole integrals <mu| r_k - origin_k |nu>, k = x, y, z.
std::array<Eigen::MatrixXd, 3> dipole(const chem::BasisSet& basis, const std::array<double, 3>& origin);

}  // namespace dixc::integrals
