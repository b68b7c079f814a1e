// The separable form of the learned corrections (docs/theory.md section 4): for gga-mlp, mgga-mlp and xcdiff
// with perturbed parameters, the point derivatives assembled from the network's forward-mode jet and the fixed
// maps (ml::point_jets) equal autograd's first and second derivatives of the model's own correction(...) with
// respect to rho, sigma and tau, point by point, on features spanning tails, bonds and cores (including points
// below the density mask); the DI-Loss's backward form of a linear functional of them (jet_weights) equals it.
// Models without the separable methods (non-local, parameter-free) are reported as such,
// so the DI-Loss keeps its generic path for them.
#include <gtest/gtest.h>

#include "dixc/ml/input_gradients.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/point_feature_jets.hpp"
#include "dixc/ml/separable_model.hpp"
#include "dixc/ml/separable_point_kernel.hpp"

namespace dixc {
namespace {

struct Features {
  torch::Tensor rho, sigma, tau;
};

// rho log-uniform in [1e-8, 1e2] plus two masked points, s^2 in [0, 4], tau = tau_W + tau_unif * alpha with
// alpha in [0.01, 3] (away from the alpha = 0 clamp, where the derivatives are one-sided).
Features random_features(std::int64_t n) {
  auto gen = at::detail::createCPUGenerator(11);
  torch::Tensor rho = torch::pow(10.0, torch::rand({n}, gen, torch::kDouble) * 10.0 - 8.0);
  rho.narrow(0, 0, 2).fill_(1e-16);
  const torch::Tensor s2 = torch::rand({n}, gen, torch::kDouble) * 4.0;
  const torch::Tensor sigma = s2 * 4.0 * 9.570780000627305 * torch::pow(rho, 8.0 / 3.0);
  const torch::Tensor alpha = 0.01 + 2.99 * torch::rand({n}, gen, torch::kDouble);
  const torch::Tensor tau = sigma / (8.0 * rho) + alpha * 0.3 * 9.570780000627305 * torch::pow(rho, 5.0 / 3.0);
  return {rho, sigma, tau};
}

double max_abs(const torch::Tensor& t) { return t.abs().max().item<double>(); }

std::vector<torch::Tensor> leaves(const Features& f) {
  return {f.rho.clone().requires_grad_(true), f.sigma.clone().requires_grad_(true), f.tau.clone().requires_grad_(true)};
}

// The model's own correction(...) at leaves r (autograd through the whole energy density: the oracle).
torch::Tensor correction_of(torch::jit::Module& model, const std::vector<torch::Tensor>& r) {
  const std::int64_t n = r[0].size(0);
  return model
      .get_method("correction")({r[0], r[1], r[2], torch::zeros({n, 3}, torch::kDouble),
                                 torch::ones({n}, torch::kDouble), torch::zeros({1, 3}, torch::kDouble),
                                 torch::ones({1}, torch::kDouble)})
      .toTensor();
}

class SeparableModel : public testing::TestWithParam<std::string> {};

TEST_P(SeparableModel, JetsEqualAutogradOfTheCorrection) {
  auto model = ml::make_model(GetParam(), 5);
  ASSERT_TRUE(ml::is_separable(model));
  ml::perturb_parameters(model, 0.3, 8);
  const std::int64_t n = 400;
  const Features f = random_features(n);
  const ml::SeparableMaps maps = ml::separable_maps(model, f.rho, f.sigma, f.tau);
  const std::vector<torch::Tensor> r = leaves(f);
  const torch::Tensor e = correction_of(model, r);
  const auto first = ml::input_gradients(e.sum(), r, true, true);
  ASSERT_GT(max_abs(torch::stack(first, 1)), 0.0);  // the perturbed network contributes
  std::vector<std::vector<torch::Tensor>> second(3);
  for (int a = 0; a < 3; ++a) second[a] = ml::input_gradients(first[a].sum(), r, false, true);
  // Without autograd (the per-point kernel, separable_point_kernel.hpp) and with it (the torch form, for the
  // parameters' graph).
  for (const bool differentiable : {false, true}) {
    ml::PointJets jets;
    {
      torch::AutoGradMode mode(differentiable);
      jets = ml::point_jets(model, maps, true);
      ASSERT_EQ(jets.e_rr.requires_grad(), differentiable);
    }
    EXPECT_LE(max_abs(jets.e.detach() - e.detach()), 1e-12 * max_abs(e)) << "differentiable " << differentiable;
    for (int a = 0; a < 3; ++a) {
      const torch::Tensor expected = first[a].detach();
      EXPECT_LE(max_abs(jets.e_r.detach().select(1, a) - expected), 1e-10 * max_abs(expected) + 1e-300)
          << "r index " << a << ", differentiable " << differentiable;
      for (int b = 0; b < 3; ++b) {
        const double scale = max_abs(second[a][b]);
        EXPECT_LE(max_abs(jets.e_rr.detach().select(1, a).select(1, b) - second[a][b]), 1e-10 * scale + 1e-300)
            << "second derivative " << a << "," << b << ", differentiable " << differentiable;
      }
    }
    // Masked points: no contribution at all.
    EXPECT_EQ(max_abs(jets.e_r.detach().narrow(0, 0, 2)), 0.0);
    EXPECT_EQ(max_abs(jets.e_rr.detach().narrow(0, 0, 2)), 0.0);
  }
}

// jet_weights + weighted_jet (the DI-Loss's backward) equal the same linear functional of point_jets' e, e_r and
// e_rr in value and in every parameter's gradient, for random weights (non-symmetric Omega included).
TEST_P(SeparableModel, JetWeightsGiveTheFunctionalOfThePointDerivatives) {
  auto model = ml::make_model(GetParam(), 6);
  ml::perturb_parameters(model, 0.3, 9);
  const std::int64_t n = 300;
  const Features f = random_features(n);
  const ml::SeparableMaps maps = ml::separable_maps(model, f.rho, f.sigma, f.tau);
  auto gen = at::detail::createCPUGenerator(4);
  const torch::Tensor eps = torch::randn({n}, gen, torch::kDouble);
  const torch::Tensor omega = torch::randn({n, 3}, gen, torch::kDouble);
  const torch::Tensor omega2 = torch::randn({n, 3, 3}, gen, torch::kDouble);
  const std::vector<torch::Tensor> params = ml::ordered_parameters(model);
  for (const bool second : {false, true}) {
    torch::AutoGradMode enable(true);
    const ml::PointJets jets = ml::point_jets(model, maps, second);
    torch::Tensor direct = (eps * jets.e).sum() + (omega * jets.e_r).sum();
    if (second) direct = direct + (omega2 * jets.e_rr).sum();
    const torch::Tensor via_jet =
        ml::weighted_jet(model, maps, ml::jet_weights(maps, eps, omega, second ? omega2 : torch::Tensor()));
    EXPECT_NEAR(via_jet.item<double>(), direct.item<double>(), 1e-11 * std::abs(direct.item<double>()))
        << "second " << second;
    const auto g_direct = torch::autograd::grad({direct}, params, {}, false, false, true);
    const auto g_jet = torch::autograd::grad({via_jet}, params, {}, false, false, true);
    double scale = 0.0, diff = 0.0;
    for (std::size_t k = 0; k < params.size(); ++k) {
      if (!g_direct[k].defined()) continue;
      ASSERT_TRUE(g_jet[k].defined()) << "parameter " << k;
      scale = std::max(scale, max_abs(g_direct[k]));
      diff = std::max(diff, max_abs(g_jet[k] - g_direct[k]));
    }
    ASSERT_GT(scale, 0.0);
    EXPECT_LE(diff, 1e-10 * scale) << "second " << second;
    // The same gradient without autograd, for the one-MLP networks (the DI step's path for them).
    const auto g_kernel = ml::weighted_jet_parameter_gradient(
        model, maps, ml::jet_weights(maps, eps, omega, second ? omega2 : torch::Tensor()));
    if (GetParam() == "xcdiff") {
      EXPECT_TRUE(g_kernel.empty());
      continue;
    }
    ASSERT_EQ(g_kernel.size(), params.size());
    for (std::size_t k = 0; k < params.size(); ++k) {
      ASSERT_EQ(g_kernel[k].defined(), g_jet[k].defined()) << "parameter " << k;
      if (g_jet[k].defined())
        EXPECT_LE(max_abs(g_kernel[k] - g_jet[k]), 1e-12 * scale) << "parameter " << k << ", second " << second;
    }
  }
}

// The training cache's estimate of the maps' size equals the maps' bytes per point.
TEST_P(SeparableModel, BytesPerPointEqualTheMaps) {
  auto model = ml::make_model(GetParam(), 1);
  const Features f = random_features(50);
  EXPECT_EQ(ml::separable_bytes_per_point(model) * 50, ml::separable_maps(model, f.rho, f.sigma, f.tau).bytes());
}

INSTANTIATE_TEST_SUITE_P(LocalLearnedModels, SeparableModel, testing::Values("gga-mlp", "mgga-mlp", "xcdiff"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(SeparableModel, NonlocalAndParameterFreeModelsAreNotSeparable) {
  EXPECT_FALSE(ml::is_separable(ml::make_model("nonlocal", 1)));
  EXPECT_FALSE(ml::is_separable(ml::make_model("pbe", 1)));
  EXPECT_FALSE(ml::is_separable(ml::make_model("blyp", 1)));
  // The non-local model's point part has mgga-mlp's maps (point_feature_jets.hpp); parameter-free models none.
  auto nonlocal = ml::make_model("nonlocal", 1), mgga = ml::make_model("mgga-mlp", 1), blyp = ml::make_model("blyp", 1);
  EXPECT_TRUE(ml::has_point_feature_jets(nonlocal));
  EXPECT_FALSE(ml::has_point_feature_jets(mgga));
  EXPECT_EQ(ml::separable_bytes_per_point(nonlocal), ml::separable_bytes_per_point(mgga));
  EXPECT_EQ(ml::separable_bytes_per_point(blyp), 0u);
}

// The non-local model's point jets in r' = (rho, sigma, tau, f) by the per-point kernel equal their torch form
// (the differentiable path, which the oracle tests validated before the kernel existed), for every block: rr, rf,
// fr, ff; a jet with random values, so no block is zero by construction.
TEST(SeparablePointKernel, PointFeatureJetsEqualTheirTorchForm) {
  auto model = ml::make_model("nonlocal", 5);
  const std::int64_t n = 300, nf = 5;
  const Features f = random_features(n);
  const ml::SeparableMaps maps = ml::separable_maps(model, f.rho, f.sigma, f.tau);
  const std::int64_t m = maps.p.size(1), k = maps.x.size(1) + nf;
  torch::manual_seed(4);
  const ml::MlpJet jet{torch::randn({n, m}, torch::kDouble), torch::randn({n, m, k}, torch::kDouble),
                       torch::randn({n, m, k, k}, torch::kDouble)};
  ml::PointJets fast;
  {
    torch::NoGradGuard no_grad;
    fast = ml::point_feature_jets(maps, jet, nf, true);
  }
  torch::AutoGradMode enable(true);
  const ml::MlpJet leaves{jet.f.clone().requires_grad_(true), jet.j.clone().requires_grad_(true),
                          jet.h.clone().requires_grad_(true)};
  const ml::PointJets torch_form = ml::point_feature_jets(maps, leaves, nf, true);
  ASSERT_TRUE(torch_form.e_rr.requires_grad());  // the torch path, not the kernel
  EXPECT_LT(max_abs(fast.e - torch_form.e.detach()), 1e-12 * max_abs(torch_form.e));
  EXPECT_LT(max_abs(fast.e_r - torch_form.e_r.detach()), 1e-12 * max_abs(torch_form.e_r));
  EXPECT_LT(max_abs(fast.e_rr - torch_form.e_rr.detach()), 1e-12 * max_abs(torch_form.e_rr));
  EXPECT_EQ(fast.e_rr.sizes(), (std::vector<std::int64_t>{n, 3 + nf, 3 + nf}));
}

// The per-point products of the non-local backward and the adjoint weights equal torch's einsum (non-square
// blocks and a non-contiguous input, so a transposed index or a stride assumption shows).
TEST(SeparablePointKernel, PerPointProductsEqualEinsum) {
  torch::manual_seed(3);
  const auto options = torch::TensorOptions().dtype(torch::kDouble);
  const torch::Tensor m = torch::randn({7, 5, 4}, options);
  const torch::Tensor v = torch::randn({3, 4, 7}, options).transpose(1, 2);  // (3, 7, 4), strided
  ASSERT_FALSE(v.is_contiguous());
  EXPECT_TRUE(torch::allclose(ml::per_point_matvec(m, v), torch::einsum("pab,kpb->kpa", {m, v}), 1e-14, 1e-14));
  const torch::Tensor u = torch::randn({3, 7, 5}, options);
  EXPECT_TRUE(torch::allclose(ml::per_point_outer_sum(u, v), torch::einsum("kpa,kpb->pab", {u, v}), 1e-14, 1e-14));
}

}  // namespace
}  // namespace dixc
