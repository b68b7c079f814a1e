// The MO-basis kernel contraction with a whole-grid kernel (first-order densities of all blocks first, then the
// kernel on every point at once, then the contraction of its weighted coefficients; the path of non-local
// learned functionals) against the per-block path, for one made-up point-diagonal meta-GGA kernel written both
// ways: equal to 1e-12 relative for every direction, with the AO-basis contraction as a third, independent
// route (C_v^T V1[S] C_o).
#include <gtest/gtest.h>

#include <random>

#include "dixc/chem/basis.hpp"
#include "dixc/grid/grid_settings.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/xc/semilocal_integrator.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

Eigen::MatrixXd random_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& gen, double scale) {
  std::normal_distribution<double> normal(0.0, scale);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(gen);
  return m;
}

// A point-diagonal kernel with rho, sigma and tau terms: a1 = rho rho1 + 0.3 sigma1, b1 = 0.2 rho grad rho1,
// c1 = 0.5 rho tau1 with sigma1 = 2 grad rho . grad rho1 (unweighted; `weights` multiplies them when given).
std::vector<xc::PointPotential> made_up_kernel(const xc::PointDensity& ground,
                                               const std::vector<xc::PointDensity>& first,
                                               const Eigen::VectorXd* weights) {
  std::vector<xc::PointPotential> out(first.size());
  const Eigen::VectorXd w = weights ? *weights : Eigen::VectorXd::Ones(ground.rho.size());
  for (std::size_t x = 0; x < first.size(); ++x) {
    const Eigen::VectorXd sigma1 = 2.0 * ground.grad.cwiseProduct(first[x].grad).rowwise().sum();
    out[x].a = w.cwiseProduct(ground.rho.cwiseProduct(first[x].rho) + 0.3 * sigma1);
    out[x].b = (0.2 * w.cwiseProduct(ground.rho)).asDiagonal() * first[x].grad;
    out[x].c = 0.5 * w.cwiseProduct(ground.rho.cwiseProduct(first[x].tau));
  }
  return out;
}

TEST(SemilocalIntegratorWholeGrid, EqualsPerBlockKernel) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const xc::SemilocalIntegrator integrator(basis, grid::build_molecular_grid(molecule, grid::grid_level("coarse")),
                                           xc::DensityOrder::meta_gga);
  std::mt19937_64 gen(3);
  const Eigen::Index nbf = basis.nbf, no = 5, nv = 9;
  const Eigen::MatrixXd c_occ = random_matrix(nbf, no, gen, 0.3), c_vir = random_matrix(nbf, nv, gen, 0.3);
  const Eigen::MatrixXd density = 2.0 * c_occ * c_occ.transpose();
  std::vector<Eigen::MatrixXd> directions;
  for (int k = 0; k < 3; ++k) directions.push_back(random_matrix(nv, no, gen, 1.0));

  xc::SemilocalIntegrator::ResponseKernel per_block;
  per_block.factors = [](const xc::PointDensity&, std::size_t) { return Eigen::MatrixXd(); };
  per_block.apply = [](const xc::PointDensity& ground, const Eigen::MatrixXd&,
                       const std::vector<xc::PointDensity>& first,
                       std::vector<xc::PointPotential>& out) { out = made_up_kernel(ground, first, nullptr); };
  const xc::PointDensity ground = integrator.density_on_grid(density);
  const Eigen::VectorXd weights = Eigen::Map<const Eigen::VectorXd>(
      integrator.grid().weights.data(), static_cast<Eigen::Index>(integrator.grid().size()));
  xc::SemilocalIntegrator::ResponseKernel whole;
  whole.factors = per_block.factors;
  whole.whole_grid = [&](const std::vector<xc::PointDensity>& first) {
    return made_up_kernel(ground, first, &weights);
  };

  const auto expected = integrator.kernel_contraction_ov(density, c_occ, c_vir, directions, per_block);
  // Twice: the first call evaluates the orbitals on the fly, the second uses the kept ones.
  for (int call = 0; call < 2; ++call) {
    const auto got = integrator.kernel_contraction_ov(density, c_occ, c_vir, directions, whole);
    ASSERT_EQ(got.size(), directions.size());
    for (std::size_t k = 0; k < directions.size(); ++k) {
      ASSERT_GT(expected[k].norm(), 0.0);
      EXPECT_LT((got[k] - expected[k]).norm(), 1e-12 * expected[k].norm()) << "call " << call << " direction " << k;
      const Eigen::MatrixXd s = c_vir * directions[k] * c_occ.transpose();
      const Eigen::MatrixXd ao = integrator.kernel_contraction(density, {s + s.transpose()}, per_block).at(0);
      EXPECT_LT((c_vir.transpose() * ao * c_occ - expected[k]).norm(), 1e-10 * expected[k].norm()) << "direction " << k;
    }
  }
}

}  // namespace
}  // namespace dixc
