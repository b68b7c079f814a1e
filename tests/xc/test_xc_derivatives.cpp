// Finite-difference checks of the XC derivatives with respect to the AO density matrix, for an LDA, a GGA and a
// hybrid: V_xc = dE_xc/dD (the Fock matrix F = dE/dD as a whole) and the kernel contraction = dV_sl/dD [X].
#include <gtest/gtest.h>

#include <random>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/scf/fock_builder.hpp"
#include "dixc/scf/guess.hpp"
#include "dixc/util/error.hpp"
#include "dixc/xc/factory.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

using Matrix = Eigen::MatrixXd;

Matrix random_symmetric(int n, unsigned seed, double scale) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> g(0.0, scale);
  Matrix m(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) m(i, j) = g(gen);
  return 0.5 * (m + m.transpose());
}

class XcDerivatives : public ::testing::TestWithParam<const char*> {};

TEST_P(XcDerivatives, FockIsEnergyGradientAndKernelIsPotentialDerivative) {
  const chem::Molecule molecule = test::reference_geometry("HCN");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis);
  const auto functional = xc::make_functional({GetParam(), "coarse"}, molecule, basis);
  const scf::FockBuilder fock_builder(molecule, basis, jk, *functional);
  const Matrix d = scf::sad_guess_density(molecule, basis, par::LapackEigensolver());
  const int n = static_cast<int>(basis.nbf);
  const Matrix x = random_symmetric(n, 7, 0.02);
  const double h = 1e-3;

  // Central difference of E along X versus <F, X>: relative error O(h^2) with h^2 ~ 1e-6 times a modest
  // third derivative; 1e-6 relative leaves room for that and none for a wrong factor.
  const double e_plus = fock_builder.build(d + h * x).energy.total();
  const double e_minus = fock_builder.build(d - h * x).energy.total();
  const double fd = (e_plus - e_minus) / (2 * h);
  const double analytic = fock_builder.build(d).fock.cwiseProduct(x).sum();
  EXPECT_NEAR(fd, analytic, 1e-6 * std::abs(analytic)) << GetParam();

  // Kernel: dV_sl/dD [X] by central differences of the semilocal potential.
  const Matrix v_plus = functional->semilocal(d + h * x).potential;
  const Matrix v_minus = functional->semilocal(d - h * x).potential;
  const Matrix fd_kernel = (v_plus - v_minus) / (2 * h);
  const Matrix kernel = functional->semilocal_kernel(d, {x})[0];
  EXPECT_LT((fd_kernel - kernel).norm(), 1e-5 * kernel.norm()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(LdaGgaHybrid, XcDerivatives, ::testing::Values("svwn", "pbe", "b3lyp"));

// The functional keeps the kernel's ground-state factors for the last density and the orbitals on the grid for the
// last C: products at a new density or with new orbitals must equal those of a functional that never saw the old
// ones, in both the AO and the MO-block paths.
TEST(XcKernelFactors, KeptOnlyForTheDensityTheyBelongTo) {
  const chem::Molecule molecule = test::reference_geometry("HCN");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const int n = static_cast<int>(basis.nbf), n_occ = 7;
  const Matrix d_a = scf::sad_guess_density(molecule, basis, par::LapackEigensolver());
  const Matrix d_b = d_a + random_symmetric(n, 3, 1e-3);
  const Matrix c = Matrix::Identity(n, n) + random_symmetric(n, 5, 0.05);
  const Matrix c_occ = c.leftCols(n_occ), c_vir = c.rightCols(n - n_occ);
  const std::vector<Matrix> directions = {random_symmetric(n, 9, 0.1).bottomLeftCorner(n - n_occ, n_occ)};
  const std::vector<Matrix> x = {random_symmetric(n, 11, 0.02)};

  const auto used = xc::make_functional({"b3lyp", "coarse"}, molecule, basis);
  const Matrix ov_a = used->semilocal_kernel_ov(d_a, c_occ, c_vir, directions)[0];
  const Matrix ov_b = used->semilocal_kernel_ov(d_b, c_occ, c_vir, directions)[0];
  const Matrix ao_b = used->semilocal_kernel(d_b, x)[0];
  const Matrix ao_a = used->semilocal_kernel(d_a, x)[0];
  EXPECT_GT((ov_a - ov_b).norm(), 1e-8 * ov_a.norm());  // the two densities give different kernels

  const auto fresh_a = xc::make_functional({"b3lyp", "coarse"}, molecule, basis);
  const auto fresh_b = xc::make_functional({"b3lyp", "coarse"}, molecule, basis);
  EXPECT_LT((ov_b - fresh_b->semilocal_kernel_ov(d_b, c_occ, c_vir, directions)[0]).norm(), 1e-13 * ov_b.norm());
  EXPECT_LT((ao_b - fresh_b->semilocal_kernel(d_b, x)[0]).norm(), 1e-13 * ao_b.norm());
  EXPECT_LT((ao_a - fresh_a->semilocal_kernel(d_a, x)[0]).norm(), 1e-13 * ao_a.norm());
  EXPECT_LT((ov_a - fresh_a->semilocal_kernel_ov(d_a, c_occ, c_vir, directions)[0]).norm(), 1e-13 * ov_a.norm());

  // Orbitals on the grid are kept per (C_occ, C_vir): other orbitals at the same density are not the kept ones.
  const Matrix c2 = Matrix::Identity(n, n) + random_symmetric(n, 13, 0.05);
  const Matrix ov_c2 = used->semilocal_kernel_ov(d_a, c2.leftCols(n_occ), c2.rightCols(n - n_occ), directions)[0];
  const auto fresh_c2 = xc::make_functional({"b3lyp", "coarse"}, molecule, basis);
  EXPECT_LT(
      (ov_c2 - fresh_c2->semilocal_kernel_ov(d_a, c2.leftCols(n_occ), c2.rightCols(n - n_occ), directions)[0]).norm(),
      1e-13 * ov_c2.norm());
  EXPECT_GT((ov_c2 - ov_a).norm(), 1e-8 * ov_a.norm());
}

TEST(XcFactory, ExactExchangeFractionsComeFromLibxc) {
  const chem::Molecule molecule = test::reference_geometry("HF");
  const auto basis = chem::load_basis("def2-svp", molecule);
  EXPECT_DOUBLE_EQ(xc::make_functional({"b3lyp", "coarse"}, molecule, basis)->exact_exchange_fraction(), 0.20);
  EXPECT_DOUBLE_EQ(xc::make_functional({"pbe0", "coarse"}, molecule, basis)->exact_exchange_fraction(), 0.25);
  EXPECT_DOUBLE_EQ(xc::make_functional({"pbe", "coarse"}, molecule, basis)->exact_exchange_fraction(), 0.0);
  EXPECT_DOUBLE_EQ(xc::make_functional({"hf", "coarse"}, molecule, basis)->exact_exchange_fraction(), 1.0);
  EXPECT_THROW(xc::make_functional({"no-such-functional", "coarse"}, molecule, basis), InputError);
  EXPECT_THROW(xc::make_functional({"b3lyp", "no-such-grid"}, molecule, basis), InputError);
}

}  // namespace
}  // namespace dixc
