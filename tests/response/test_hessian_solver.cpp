// The conjugate-gradient solve of H x = b (response/hessian_solver.hpp) against a dense solve of the Hessian
// assembled column by column from Hessian products, for B3LYP (exact exchange in H) and PBE on H2O.
#include <gtest/gtest.h>

#include <random>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/response/hessian_solver.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/factory.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

class HessianSolve : public ::testing::TestWithParam<const char*> {};

TEST_P(HessianSolve, EqualsDenseSolve) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis, {1e-14, 1e-16});
  const auto functional = xc::make_functional({GetParam(), "coarse"}, molecule, basis);
  const scf::FockBuilder fock_builder(molecule, basis, jk, *functional);
  const auto scf = scf::run_scf(molecule, basis, fock_builder, {});
  ASSERT_TRUE(scf.converged);
  const response::OrbitalHessian h(fock_builder, scf.coefficients, scf.n_occupied);
  const int nv = h.n_vir(), no = h.n_occ(), n = nv * no;

  std::vector<Eigen::MatrixXd> units(n, Eigen::MatrixXd::Zero(nv, no));
  for (int k = 0; k < n; ++k) units[k].data()[k] = 1.0;
  const auto columns = h.hessian_products(units);
  Eigen::MatrixXd dense(n, n);
  for (int k = 0; k < n; ++k) dense.col(k) = Eigen::Map<const Eigen::VectorXd>(columns[k].data(), n);
  ASSERT_LT((dense - dense.transpose()).norm(), 1e-10 * dense.norm());

  std::mt19937 gen(5);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd b(nv, no);
  for (int k = 0; k < n; ++k) b.data()[k] = normal(gen);
  const Eigen::VectorXd expected = dense.ldlt().solve(Eigen::Map<const Eigen::VectorXd>(b.data(), n));

  const auto solved = response::solve_hessian(h, b, {1e-11, 200});
  ASSERT_TRUE(solved.converged) << solved.relative_residual;
  const Eigen::Map<const Eigen::VectorXd> x(solved.solution.data(), n);
  EXPECT_LT((x - expected).norm(), 1e-9 * expected.norm());
  // Preconditioned by the orbital-energy differences, far fewer products than unknowns.
  EXPECT_LT(solved.n_iter, n / 2) << n << " unknowns";
}

INSTANTIATE_TEST_SUITE_P(B3lypPbe, HessianSolve, ::testing::Values("b3lyp", "pbe"));

TEST(HessianSolveIndefinite, ASaddlePointStopsUnconvergedAndSaysSo) {
  // HOMO and LUMO of the RHF solution swapped: rotating them back lowers the energy, so H has a negative
  // eigenvalue along that pair.
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis, {1e-14, 1e-16});
  const auto functional = xc::make_functional({"hf", "coarse"}, molecule, basis);
  const scf::FockBuilder fock_builder(molecule, basis, jk, *functional);
  const auto scf = scf::run_scf(molecule, basis, fock_builder, {});
  ASSERT_TRUE(scf.converged);
  Eigen::MatrixXd c = scf.coefficients;
  c.col(scf.n_occupied - 1).swap(c.col(scf.n_occupied));
  const response::OrbitalHessian h(fock_builder, c, scf.n_occupied);
  Eigen::MatrixXd b = Eigen::MatrixXd::Zero(h.n_vir(), h.n_occ());
  b(0, h.n_occ() - 1) = 1.0;
  const auto solved = response::solve_hessian(h, b);
  EXPECT_TRUE(solved.indefinite);
  EXPECT_FALSE(solved.converged);
}

}  // namespace
}  // namespace dixc
