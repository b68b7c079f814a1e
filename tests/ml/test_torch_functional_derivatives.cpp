// The potential and the TDDFT kernel of a TorchScript functional against finite differences, for learned models
// whose learned part contributes (last layers moved off zero): tau-dependent (mgga-mlp, xcdiff) and non-local
// (nonlocal). At a converged PBE density D of H2O and an orbital-rotation perturbation X:
//   tr(V[D] X) = dE/dt E[D + t X]           (potential, theory section 5)
//   G[D] X     = dV/dt V[D + t X]           (kernel, the XC part of the response operator)
// by fourth-order central differences, relative tolerance 1e-6.
#include <gtest/gtest.h>

#include <random>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/factory.hpp"
#include "support/learned_model.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

class TorchFunctionalDerivatives : public ::testing::TestWithParam<const char*> {};

TEST_P(TorchFunctionalDerivatives, PotentialAndKernelMatchFiniteDifferences) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis);
  const auto pbe = xc::make_functional({"pbe", "coarse"}, molecule, basis);
  const scf::FockBuilder fock(molecule, basis, jk, *pbe);
  const auto ground = scf::run_scf(molecule, basis, fock, {});
  ASSERT_TRUE(ground.converged);

  const auto xc = test::perturbed_model_functional(GetParam(), molecule, basis);

  // An orbital rotation X = D1[v] (theory section 2) with random v: D + tX stays a physical density to first
  // order, so tau >= tau_W and rho > 0 hold along the differences (a random symmetric X breaks them in the tails
  // and at the clamp of alpha, where the energy is not differentiable).
  const Eigen::Index no = ground.n_occupied, nv = ground.coefficients.cols() - no;
  std::mt19937_64 gen(17);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd v(nv, no);
  for (Eigen::Index i = 0; i < v.size(); ++i) v.data()[i] = normal(gen);
  const Eigen::MatrixXd c_o = ground.coefficients.leftCols(no), c_v = ground.coefficients.rightCols(nv);
  const Eigen::MatrixXd x = 2.0 * (c_v * v * c_o.transpose() + c_o * v.transpose() * c_v.transpose()) / v.norm();

  const double h = 1e-3;
  // The result type is spelled out so that Eigen evaluates before the values it refers to go out of scope.
  auto fd = [&](auto value) -> decltype(value(0.0)) {
    return (-value(2 * h) + 8 * value(h) - 8 * value(-h) + value(-2 * h)) / (12 * h);
  };
  const auto at = [&](double t) { return xc->semilocal(ground.density + t * x); };
  const double de_dt = fd([&](double t) { return at(t).energy; });
  const double v_dot_x = (xc->semilocal(ground.density).potential.cwiseProduct(x)).sum();
  EXPECT_NEAR(v_dot_x, de_dt, 1e-6 * std::abs(de_dt)) << GetParam();

  const Eigen::MatrixXd dv_dt = fd([&](double t) -> Eigen::MatrixXd { return at(t).potential; });
  const Eigen::MatrixXd kernel = xc->semilocal_kernel(ground.density, {x}).at(0);
  EXPECT_LT((kernel - dv_dt).norm(), 1e-6 * dv_dt.norm()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(TauDependentAndNonlocal, TorchFunctionalDerivatives,
                         ::testing::Values("gga-mlp", "mgga-mlp", "xcdiff", "nonlocal"), [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace dixc
