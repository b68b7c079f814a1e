#pragma once
// Closed-shell SCF driver for any XcFunctional (Hartree-Fock, libxc, learned): guess, CDIIS iterations,
// convergence on both the energy change and the orbital-gradient norm |g|, g = 4 C_v^T F C_o (theory.md sec. 2).
#include <array>
#include <iosfwd>
#include <map>
#include <string>

#include <Eigen/Dense>

#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule.hpp"
#include "dixc/par/eigensolver.hpp"
#include "dixc/scf/energy_components.hpp"
#include "dixc/scf/fock_builder.hpp"

namespace dixc::scf {

enum class GuessKind { sad, core };
GuessKind parse_guess(const std::string& name);  // "sad" | "core"; InputError otherwise

struct ScfOptions {
  int max_iter = 100;
  double energy_threshold = 1e-10;         // |E_n - E_{n-1}| (Eh)
  double gradient_threshold = 1e-8;        // Frobenius norm of g
  double linear_dependency_threshold = 1e-7;  // overlap eigenvalues below this are projected out
  std::size_t diis_vectors = 8;
  // Fallback for hard cases: when CDIIS has not converged after `fallback_after` iterations, the SCF restarts its
  // DIIS history and level-shifts the virtual orbitals by `level_shift` Eh (damps occupied-virtual mixing,
  // Saunders & Hillier 1973) until |g| < `shift_off_gradient`; then plain CDIIS finishes, so the converged
  // result is that of the unshifted Fock matrix and the convergence criteria are unchanged.
  int fallback_after = 40;
  double level_shift = 0.5;
  double shift_off_gradient = 1e-3;
  GuessKind guess = GuessKind::sad;
  // Direct J/K (integrals not in memory): build J and K from the density change of each iteration.
  bool incremental_fock = true;
  const Eigen::MatrixXd* initial_density = nullptr;  // overrides `guess` when set (e.g. a model's density)
  std::ostream* log = nullptr;                       // per-iteration table; nullptr for silence
};

struct ScfResult {
  EnergyComponents energy;
  double energy_total = 0.0;
  Eigen::VectorXd orbital_energies;  // canonical, ascending, n_mo entries
  Eigen::MatrixXd coefficients;      // nbf x n_mo, C^T S C = 1, occupied first
  Eigen::MatrixXd density;           // D = 2 C_o C_o^T
  Eigen::MatrixXd fock;              // F(D)
  std::array<double, 3> dipole_au{};  // electronic + nuclear, origin at the coordinate origin
  int n_occupied = 0;
  int n_iter = 0;
  bool converged = false;
  double gradient_norm = 0.0;
  double last_energy_change = 0.0;
  double n_electrons_integrated = 0.0;
  bool used_level_shift = false;  // the fallback stage ran
  int incremental_fock_builds = 0;  // iterations whose J/K came from a Delta-D update
  std::map<std::string, double> timings_s;  // by phase: "guess", "fock", "diagonalize", ...
};

// Runs the SCF. Does not throw on non-convergence: the result says converged = false and the caller decides.
ScfResult run_scf(const chem::Molecule& molecule, const chem::BasisSet& basis, const FockBuilder& fock_builder,
                  const ScfOptions& options, const par::Eigensolver& eigensolver = par::LapackEigensolver());

}  // namespace dixc::scf
