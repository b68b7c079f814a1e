#pragma once
// Singlet excitation energies of closed-shell TDDFT/TDHF from the response operators of OrbitalHessian:
//   RPA (Casida):  (A-B)(A+B)(X+Y) = w^2 (X+Y),   TDA:  A X = w X,  A = ((A+B) + (A-B)) / 2.
// Both are solved with a block Davidson iteration in the Stratmann-Scuseria-Frisch form (J. Chem. Phys. 109,
// 8218 (1998)): the subspace problem M- M+ z = w^2 z is solved through the symmetric M-^(1/2) M+ M-^(1/2).
// Convergence: every wanted root's residual norms (|(A+B)Z - w(X-Y)| and |(A-B)(X-Y) - wZ| for RPA,
// |AX - wX| for TDA) below `residual_threshold`; excitation energies then converge to ~threshold^2.
// Degenerate roots and roots of other symmetries: the subspace starts with more guesses than roots
// (n_roots + extra_guesses, plus every orbital-energy difference within 1e-4 Eh of the last one), and a few roots
// above the requested ones (guards) are converged as well, to `guard_threshold` (guards within guard_threshold of
// the last wanted root as tightly as the wanted ones), so a state whose guess starts high still gets corrected and
// is found if it falls below the last wanted root. Unit guesses carry only their own symmetries, so `random_guesses`
// dense pseudo-random vectors join them: without them a low state of another irreducible representation enters
// only through rounding noise (benzene B3LYP/def2-SVP: missed roots 0.23 eV off).
// Without exact exchange A-B is the orbital-energy difference Delta (diagonal in canonical orbitals) and the RPA is
// solved as the symmetric Delta^(1/2) (A+B) Delta^(1/2) y = w^2 y, with (A+B) products only and one residual per
// root (the same convergence measure: its (A-B) residual vanishes identically).
#include <array>
#include <iosfwd>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "dixc/response/orbital_hessian.hpp"

namespace dixc::response {

struct TddftOptions {
  int n_roots = 5;
  bool tda = false;
  double residual_threshold = 1e-6;
  // Residual norm to which the guard roots above the wanted ones are converged (only their order matters).
  double guard_threshold = 1e-3;
  int max_iter = 100;
  int extra_guesses = 6;
  // Dense pseudo-random start vectors (deterministic), so states of every symmetry and every partner of a
  // degenerate set (up to this many) are in the subspace from the start.
  int random_guesses = 3;
  // RPA without exact exchange as the symmetric problem Delta^(1/2) (A+B) Delta^(1/2) (one product and one
  // residual per root); false: the general two-residual RPA (a test oracle).
  bool reduce_semilocal_rpa = true;
  std::ostream* log = nullptr;
};

struct Excitation {
  double energy = 0.0;                        // Eh
  double oscillator_strength = 0.0;           // length gauge, 2/3 w |mu|^2
  std::array<double, 3> transition_dipole{};  // a.u.
  Eigen::MatrixXd x_plus_y;                   // n_vir x n_occ, normalised (X+Y)^T (X-Y) = 1 (TDA: X^T X = 1)
  Eigen::MatrixXd x_minus_y;
};

struct TddftResult {
  std::vector<Excitation> excitations;  // ascending energy
  int n_iter = 0;
  bool converged = false;
  double max_residual = 0.0;        // largest residual norm of the wanted roots (and guards within guard_threshold)
  double max_guard_residual = 0.0;  // largest residual norm of the other guard roots
  int n_products = 0;               // trial vectors multiplied by (A+B) and (A-B) (reduced RPA: (A+B) only)
};

// dipole_ao: <mu| r_k |nu> (integrals::dipole). Requires canonical-or-not orthonormal orbitals at an SCF
// solution (the operators are used as given; away from stationarity the result has no physical meaning).
TddftResult solve_tddft(const OrbitalHessian& hessian, const std::array<Eigen::MatrixXd, 3>& dipole_ao,
                        const TddftOptions& options);

// "max residual ... of the wanted roots, ... of the guard roots above them, after N Davidson iterations": what an
// error message about an unconverged result says.
std::string convergence_summary(const TddftResult& result);

}  // namespace dixc::response
