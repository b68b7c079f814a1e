#pragma once
// Initial density matrices for the SCF.
#include <Eigen/Dense>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/par/eigensolver.hpp"

namespace dixc::scf {

// Occupies the lowest n_occ eigenvectors of the core Hamiltonian in the orthogonalised basis X.
Eigen::MatrixXd core_guess_density(const Eigen::MatrixXd& core_hamiltonian, const Eigen::MatrixXd& orthogonalizer,
                                   int n_occupied, const par::Eigensolver& eigensolver);

// Superposition of atomic densities: each element's spherically averaged density from a fractional-occupation
// atomic Hartree-Fock calculation in the same basis (cached per element and basis). Its trace with S equals the
// neutral atoms' electron count, not the molecule's charge; the first Fock build fixes that.
Eigen::MatrixXd sad_guess_density(const chem::Molecule& molecule, const chem::BasisSet& basis,
                                  const par::Eigensolver& eigensolver);

// X with X^T S X = 1, dropping overlap eigenvalues below `threshold` (canonical orthogonalisation).
Eigen::MatrixXd orthogonalizer(const Eigen::MatrixXd& overlap, double threshold, const par::Eigensolver& eigensolver);

}  // namespace dixc::scf
