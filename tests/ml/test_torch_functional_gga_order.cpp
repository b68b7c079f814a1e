// Tau-free models (uses_tau false) run on a GGA-order integrator, without tau on the grid. The attribute must be
// true to the model's forward (a tau-free model ignores tau, the others do not), and the GGA-order functional
// must give the numbers of the meta-GGA-order one it replaces: energy and potential to 1e-12, kernel products to
// 1e-10 relative.
#include <gtest/gtest.h>

#include <memory>

#include <torch/torch.h>

#include "dixc/grid/grid_settings.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/integrals/jk_builder.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/torch_functional.hpp"
#include "dixc/scf/scf.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

// e_p of `model` on fixed random (rho, sigma) with the given tau
torch::Tensor energy_density(torch::jit::Module& model, const torch::Tensor& tau) {
  const auto gen = at::detail::createCPUGenerator(7);
  const std::int64_t n = tau.size(0);
  const torch::Tensor rho = torch::rand({n}, gen, torch::kDouble) + 0.01;
  const torch::Tensor sigma = torch::rand({n}, gen, torch::kDouble) * rho.pow(8.0 / 3.0);
  const torch::Tensor points = torch::rand({n, 3}, gen, torch::kDouble);
  const torch::Tensor weights = torch::ones({n}, torch::kDouble);
  const torch::Tensor atoms = torch::zeros({1, 3}, torch::kDouble), z = torch::ones({1}, torch::kDouble);
  return model.forward({rho, sigma, tau, points, weights, atoms, z}).toTensor();
}

TEST(ModelUsesTau, AttributeMatchesTheModel) {
  for (const auto& name : ml::model_names()) {
    auto model = ml::make_model(name, 3);
    ml::perturb_parameters(model, 0.05, 5);
    const std::int64_t n = 64;
    const torch::Tensor tau = torch::rand({n}, at::detail::createCPUGenerator(9), torch::kDouble);
    const double change = (energy_density(model, tau) - energy_density(model, torch::zeros({n}, torch::kDouble)))
                              .abs()
                              .max()
                              .item<double>();
    if (ml::uses_tau(model))
      EXPECT_GT(change, 1e-8) << name << " says it uses tau but ignores it";
    else
      EXPECT_EQ(change, 0.0) << name << " says it is tau-free but depends on tau";
  }
  EXPECT_FALSE(ml::uses_tau(ml::make_model("gga-mlp", 3)));
  // A model file without the attribute (older exports) is run with tau: correct, only slower.
  torch::jit::Module bare("bare");
  EXPECT_TRUE(ml::uses_tau(bare));
}

TEST(TorchFunctionalGgaOrder, EqualsMetaGgaOrder) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  auto model = ml::make_model("gga-mlp", 3);
  ml::perturb_parameters(model, 0.05, 5);
  const auto integrator = ml::model_integrator(model, basis, molecule, "coarse");
  ASSERT_EQ(integrator->order(), xc::DensityOrder::gga);
  const auto meta = std::make_shared<const xc::SemilocalIntegrator>(
      basis, grid::build_molecular_grid(molecule, grid::grid_level("coarse")), xc::DensityOrder::meta_gga);
  const ml::TorchFunctional gga_order(model, molecule, integrator), meta_order(model, molecule, meta);

  const integrals::JKBuilder jk(basis);
  const scf::FockBuilder fock(molecule, basis, jk, gga_order);
  const auto ground = scf::run_scf(molecule, basis, fock, {});
  ASSERT_TRUE(ground.converged);
  const auto a = gga_order.semilocal(ground.density), b = meta_order.semilocal(ground.density);
  EXPECT_NEAR(a.energy, b.energy, 1e-12);
  EXPECT_LT((a.potential - b.potential).cwiseAbs().maxCoeff(), 1e-12);

  const Eigen::Index no = ground.n_occupied;
  const Eigen::MatrixXd c_o = ground.coefficients.leftCols(no), c_v = ground.coefficients.rightCols(basis.nbf - no);
  const Eigen::MatrixXd v = Eigen::MatrixXd::Random(basis.nbf - no, no);
  const Eigen::MatrixXd x = c_v * v * c_o.transpose() + c_o * v.transpose() * c_v.transpose();
  for (const bool autograd : {false, true}) {
    const Eigen::MatrixXd ka = autograd ? gga_order.semilocal_kernel_autograd(ground.density, {x}).at(0)
                                        : gga_order.semilocal_kernel(ground.density, {x}).at(0);
    const Eigen::MatrixXd kb = meta_order.semilocal_kernel_autograd(ground.density, {x}).at(0);
    EXPECT_LT((ka - kb).norm(), 1e-10 * kb.norm()) << (autograd ? "autograd kernel" : "table kernel");
  }
}

TEST(TorchFunctionalGgaOrder, TauDependentModelRefusesGgaOrder) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const auto gga = std::make_shared<const xc::SemilocalIntegrator>(
      basis, grid::build_molecular_grid(molecule, grid::grid_level("coarse")), xc::DensityOrder::gga);
  EXPECT_THROW(ml::TorchFunctional(ml::make_model("mgga-mlp", 3), molecule, gga), std::logic_error);
}

}  // namespace
}  // namespace dixc
