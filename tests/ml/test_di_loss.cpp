// The learned-functional machinery against independent numbers:
// - zero-loss: a parameter-free TorchScript PBE on reference data generated with libxc PBE reproduces the stored
//   E_xc, g_xc and h_xc (theory.md section 3) to 1e-10 relative, which ties together the features, the autograd
//   derivatives through D(kappa) and the stored targets;
// - every architecture's autograd gradient and Hessian-vector products match central finite differences.
#include <gtest/gtest.h>

#include <random>

#include "dixc/data/reference_calculation.hpp"
#include "dixc/ml/di_loss.hpp"
#include "dixc/ml/models.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

ml::MoleculeTensors pbe_reference(const std::string& name, std::size_t chunk) {
  data::ReferenceSettings s;
  s.functional = "pbe";
  s.grid = "coarse";
  s.n_roots = 2;
  s.n_dir = 4;
  s.seed = 3;
  chem::Molecule molecule = test::reference_geometry(name);
  molecule.name = name;
  const auto record = data::compute_reference(molecule, s);
  return ml::load_molecule_tensors(record, "def2-svp", "coarse", chunk);
}

class ZeroLoss : public ::testing::TestWithParam<const char*> {};

TEST_P(ZeroLoss, TorchPbeReproducesLibxcPbeTargets) {
  // A small chunk size forces several chunks, so the chunked two-pass evaluation is exercised too.
  const auto m = pbe_reference(GetParam(), 5000);
  ASSERT_GT(m.chunks.size(), 2u);
  auto model = ml::make_model("pbe", 0);
  const auto t = ml::di_loss(model, m, ml::LossMode::di, {}, 1.0, false);
  EXPECT_LT(t.relative_energy, 1e-10) << GetParam();
  EXPECT_LT(t.relative_gradient, 1e-10) << GetParam();
  EXPECT_LT(t.relative_hessian, 1e-10) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(H2oHcn, ZeroLoss, ::testing::Values("H2O", "HCN"));

class ModelDerivatives : public ::testing::TestWithParam<const char*> {};

TEST_P(ModelDerivatives, AutogradMatchesFiniteDifferences) {
  static const auto m = pbe_reference("H2O", 20000);
  auto model = ml::make_model(GetParam(), 7);
  // Move the zero-initialised last layers off zero so the learned part contributes to the derivatives.
  torch::NoGradGuard no_grad;
  auto gen = at::detail::createCPUGenerator(11);
  for (auto& p : ml::ordered_parameters(model)) p.add_(0.05 * torch::randn(p.sizes(), gen, torch::kDouble));
  const auto r = [&] {
    torch::AutoGradMode enable(true);
    return ml::model_response(model, m, true);
  }();
  torch::AutoGradMode enable(true);
  const torch::Tensor v = m.directions[0];
  auto energy = [&](double t) { return ml::model_energy(model, m, t * v).item<double>(); };
  auto gradient = [&](double t) {
    const torch::Tensor kappa = (t * v).detach().requires_grad_(true);
    return torch::autograd::grad({ml::model_energy(model, m, kappa)}, {kappa})[0];
  };
  const double h = 1e-4;
  const double fd = (-energy(2 * h) + 8 * energy(h) - 8 * energy(-h) + energy(-2 * h)) / (12 * h);
  const double g_dot_v = (r.gradient * v).sum().item<double>();
  EXPECT_NEAR(fd, g_dot_v, 1e-6 * r.gradient.norm().item<double>()) << GetParam();
  const torch::Tensor fd_hv = (-gradient(2 * h) + 8 * gradient(h) - 8 * gradient(-h) + gradient(-2 * h)) / (12 * h);
  EXPECT_LT((fd_hv - r.hessian_products[0]).norm().item<double>(), 1e-5 * r.hessian_products[0].norm().item<double>())
      << GetParam();
}

INSTANTIATE_TEST_SUITE_P(AllArchitectures, ModelDerivatives,
                         ::testing::Values("pbe", "gga-mlp", "mgga-mlp", "xcdiff", "nonlocal"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace dixc
