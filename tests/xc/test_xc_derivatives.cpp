// Finite-difference checks of the XC derivatives with respect to the AO density matrix, for an LDA, a GGA and a
// hybrid: V_xc = dE_xc/dD (the Fock matrix F = dE/dD as a whole) and the kernel contraction = dV_sl/dD [X].
#include <gtest/gtest.h>

#include <random>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/scf/fock_builder.hpp"
#include "dixc/scf/guess.hpp"
#include "dixc/xc/factory.hpp"
#include "dixc/util/error.hpp"
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
