#include "dixc/response/hessian_solver.hpp"

#include <algorithm>
#include <stdexcept>

namespace dixc::response {

namespace {

// 4 (F_aa - F_ii), floored so that a near-degenerate pair cannot blow the preconditioned residual up.
Eigen::MatrixXd preconditioner(const OrbitalHessian& h) {
  const Eigen::VectorXd f_vv = (h.c_vir().transpose() * h.fock() * h.c_vir()).diagonal();
  const Eigen::VectorXd f_oo = (h.c_occ().transpose() * h.fock() * h.c_occ()).diagonal();
  Eigen::MatrixXd d(f_vv.size(), f_oo.size());
  for (Eigen::Index i = 0; i < d.cols(); ++i)
    for (Eigen::Index a = 0; a < d.rows(); ++a) d(a, i) = std::max(4.0 * (f_vv(a) - f_oo(i)), 1e-2);
  return d;
}

double dot(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { return a.cwiseProduct(b).sum(); }

}  // namespace

HessianSolveResult solve_hessian(const OrbitalHessian& hessian, const Eigen::MatrixXd& rhs,
                                 const HessianSolveOptions& options) {
  if (rhs.rows() != hessian.n_vir() || rhs.cols() != hessian.n_occ())
    throw std::invalid_argument("solve_hessian: right-hand side is not n_vir x n_occ");
  HessianSolveResult out;
  out.solution = Eigen::MatrixXd::Zero(rhs.rows(), rhs.cols());
  const double b_norm = rhs.norm();
  if (b_norm == 0.0) {
    out.converged = true;
    return out;
  }
  const Eigen::MatrixXd diag = preconditioner(hessian);
  Eigen::MatrixXd r = rhs;
  Eigen::MatrixXd z = r.cwiseQuotient(diag);
  Eigen::MatrixXd p = z;
  double rz = dot(r, z);
  out.relative_residual = 1.0;
  for (out.n_iter = 0; out.n_iter < options.max_iter;) {
    // The product of the unit direction, scaled back: the J/K builder screens by |density| in absolute terms, so
    // H p of a tiny late-iteration p would lose its Coulomb part (H is linear, its implementation only nearly).
    const double p_norm = p.norm();
    const Eigen::MatrixXd hp = p_norm * hessian.hessian_products({p / p_norm})[0];
    ++out.n_iter;
    const double curvature = dot(p, hp);
    if (!(curvature > 0.0)) {
      out.indefinite = true;
      break;
    }
    const double alpha = rz / curvature;
    out.solution += alpha * p;
    r -= alpha * hp;
    out.relative_residual = r.norm() / b_norm;
    if (out.relative_residual < options.residual_threshold) {
      out.converged = true;
      break;
    }
    z = r.cwiseQuotient(diag);
    const double rz_next = dot(r, z);
    p = z + (rz_next / rz) * p;
    rz = rz_next;
  }
  return out;
}

}  // namespace dixc::response
