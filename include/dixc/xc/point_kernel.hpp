#pragma once
// The first-order potential of a point-wise (LDA, GGA, meta-GGA) functional from its per-point second
// derivatives, shared by every functional that supplies them (libxc, learned models; theory.md section 2).
#include <vector>

#include <Eigen/Dense>

#include "dixc/xc/semilocal_integrator.hpp"

namespace dixc::xc {

// Columns of the per-point factor matrix (n_points x 1 for LDA, 4 for GGA, 7 for meta-GGA); all unweighted
// derivatives of the energy density per volume e(rho, sigma, tau).
enum PointKernelColumn : int {
  kV2Rho2 = 0,
  kV2RhoSigma = 1,
  kV2Sigma2 = 2,
  kVSigma = 3,
  kV2RhoTau = 4,
  kV2SigmaTau = 5,
  kV2Tau2 = 6,
};

// For each first-order density (rho1, grad rho1, tau1), with s1 = 2 grad rho . grad rho1:
//   a1 = e_rr rho1 + e_rs s1 + e_rt tau1,
//   b1 = 2 (e_rs rho1 + e_ss s1 + e_st tau1) grad rho + 2 e_s grad rho1,
//   c1 = e_rt rho1 + e_st s1 + e_tt tau1.
void apply_point_kernel(const PointDensity& ground, const Eigen::MatrixXd& factors,
                        const std::vector<PointDensity>& first, std::vector<PointPotential>& out);

}  // namespace dixc::xc
