// The density on the grid from a factor of the density matrix (psi = phi L with L L^T = D: rho = |psi|^2,
// grad rho = 2 psi . grad psi, tau = 1/2 |grad psi|^2), which the integrator takes for positive semidefinite
// densities, against the density-matrix route it takes for indefinite ones: by linearity, rho[D] (factor) must
// equal rho[D + X] - rho[X] (both indefinite, so both by the density matrix) for every grid quantity, to 1e-12
// relative; and the factor is found exactly for ground-state-like densities (rank = occupied orbitals) and refused
// for indefinite ones.
#include <gtest/gtest.h>

#include "dixc/chem/basis.hpp"
#include "dixc/grid/grid_settings.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/xc/semilocal_integrator.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

double relative_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

TEST(SemilocalIntegratorFactor, EqualsTheDensityMatrixRoute) {
  const chem::Molecule molecule = test::reference_geometry("C2H4");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const Eigen::Index nbf = static_cast<Eigen::Index>(basis.nbf), n_occ = 8;
  // A closed-shell density of orthonormal-enough orbitals (any full-rank C: D = 2 C_o C_o^T is PSD of rank n_occ).
  Eigen::MatrixXd c = Eigen::MatrixXd::Random(nbf, n_occ) * 0.3;
  const Eigen::MatrixXd density = 2.0 * c * c.transpose();
  Eigen::MatrixXd x = Eigen::MatrixXd::Random(nbf, nbf) * 0.05;
  x = (x + x.transpose()).eval();  // symmetric, indefinite

  const Eigen::MatrixXd l = xc::SemilocalIntegrator::positive_factor(density);
  ASSERT_EQ(l.cols(), n_occ);
  EXPECT_LT(relative_difference(l * l.transpose(), density), 1e-13);
  EXPECT_EQ(xc::SemilocalIntegrator::positive_factor(x).size(), 0);
  EXPECT_EQ(xc::SemilocalIntegrator::positive_factor(density + x).size(), 0);

  for (const auto order : {xc::DensityOrder::lda, xc::DensityOrder::gga, xc::DensityOrder::meta_gga}) {
    const xc::SemilocalIntegrator integrator(basis, grid::build_molecular_grid(molecule, grid::grid_level("coarse")),
                                             order);
    const xc::PointDensity a = integrator.density_on_grid(density);
    const xc::PointDensity sum = integrator.density_on_grid(density + x), part = integrator.density_on_grid(x);
    EXPECT_LT(relative_difference(a.rho, sum.rho - part.rho), 1e-12);
    if (order == xc::DensityOrder::lda) continue;
    EXPECT_LT(relative_difference(a.grad, sum.grad - part.grad), 1e-12);
    if (order == xc::DensityOrder::meta_gga) EXPECT_LT(relative_difference(a.tau, sum.tau - part.tau), 1e-12);
  }
}

}  // namespace
}  // namespace dixc
