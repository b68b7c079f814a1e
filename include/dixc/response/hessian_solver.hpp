#pragma once
// Solves H x = b for the orbital Hessian of OrbitalHessian (theory.md section 2) at an SCF solution: the linear
// response equation of implicit differentiation through the SCF (theory.md section 7). At a stable minimum H is
// symmetric positive definite, so preconditioned conjugate gradients converge; the preconditioner is the diagonal
// orbital-energy part 4 (F_aa - F_ii) (exact for the uncoupled Hessian in canonical orbitals). One Hessian
// product per iteration. At a saddle point of the SCF (a direction of non-positive curvature) the solve stops
// unconverged and says so (`indefinite`).
#include <Eigen/Dense>

#include "dixc/response/orbital_hessian.hpp"

namespace dixc::response {

struct HessianSolveOptions {
  double residual_threshold = 1e-10;  // |H x - b| / |b|
  int max_iter = 200;
};

struct HessianSolveResult {
  Eigen::MatrixXd solution;  // n_vir x n_occ
  int n_iter = 0;
  double relative_residual = 0.0;
  bool converged = false;
  bool indefinite = false;  // stopped at a direction of non-positive curvature: not a minimum of the SCF
};

HessianSolveResult solve_hessian(const OrbitalHessian& hessian, const Eigen::MatrixXd& rhs,
                                 const HessianSolveOptions& options = {});

}  // namespace dixc::response
