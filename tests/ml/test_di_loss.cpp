// The DI-Loss against independent numbers:
// - zero-loss: a parameter-free TorchScript PBE on reference data generated with libxc PBE reproduces the stored
//   E_xc, g_xc and h_xc (theory section 3) to 1e-10 relative, which ties together the reference features, the
//   MO-basis assembly and the stored targets;
// - the training loss (autograd through the model only, MO-basis GEMMs) equals the autograd oracle (autograd
//   through D(kappa) -> AO values -> features) in E, g, every H v_k and dL/dtheta, for every architecture,
//   with one and with several model calls per molecule;
// - g and every H v_k match central finite differences of the energy along the stored directions.
#include <gtest/gtest.h>

#include <cmath>

#include <omp.h>

#include "dixc/calc/reference_data.hpp"
#include "dixc/ml/autograd_oracle.hpp"
#include "dixc/ml/di_loss.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/reference_features.hpp"
#include "dixc/ml/torch_runtime.hpp"
#include "dixc/util/error.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

ml::MoleculeTensors pbe_reference(const std::string& name, std::size_t chunk) {
  calc::ReferenceSettings s;
  s.functional = "pbe";
  s.grid = "coarse";
  s.n_roots = 2;
  s.n_dir = 4;
  s.seed = 3;
  chem::Molecule molecule = test::reference_geometry(name);
  molecule.name = name;
  const auto record = calc::compute_reference(molecule, s);
  return ml::load_molecule_tensors(record, "def2-svp", "coarse", chunk);
}

// H2O on the coarse grid in chunks of 4000 points (several model calls for local models) and in one chunk.
const ml::MoleculeTensors& water(bool chunked) {
  static const auto small = pbe_reference("H2O", 4000);
  static const auto whole = pbe_reference("H2O", 1000000);
  return chunked ? small : whole;
}

// A model whose learned part contributes: the zero-initialised last layers moved off zero.
torch::jit::Module perturbed_model(const std::string& architecture) {
  auto model = ml::make_model(architecture, 7);
  ml::perturb_parameters(model, 0.05, 11);
  return model;
}

double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).norm().item<double>() / b.norm().item<double>();
}

std::vector<torch::Tensor> parameter_gradients(torch::jit::Module& model, const std::function<void()>& backward) {
  auto params = ml::ordered_parameters(model);
  for (auto& p : params)
    if (p.grad().defined()) p.mutable_grad().zero_();
  backward();
  std::vector<torch::Tensor> out;
  for (auto& p : params) out.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  return out;
}

class ZeroLoss : public ::testing::TestWithParam<const char*> {};

TEST_P(ZeroLoss, TorchPbeReproducesLibxcPbeTargets) {
  // A small chunk size forces several chunks, so the chunked two-pass evaluation is exercised too.
  const auto m = pbe_reference(GetParam(), 5000);
  ASSERT_GT(m.chunks.size(), 2u);
  const auto f = ml::build_reference_features(m);
  auto model = ml::make_model("pbe", 0);
  const auto t = ml::di_loss(model, m, f, {}, 1.0, false);
  EXPECT_LT(t.relative_energy, 1e-10) << GetParam();
  EXPECT_LT(t.relative_gradient, 1e-10) << GetParam();
  EXPECT_LT(t.relative_hessian, 1e-10) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(H2oHcn, ZeroLoss, ::testing::Values("H2O", "HCN"));

struct OracleCase {
  const char* architecture;
  bool chunked;
};

class LossEqualsOracle : public ::testing::TestWithParam<OracleCase> {};

TEST_P(LossEqualsOracle, ResponseAndParameterGradient) {
  const auto [architecture, chunked] = GetParam();
  const auto& m = water(chunked);
  const auto f = ml::build_reference_features(m);
  auto model = perturbed_model(architecture);
  const ml::ModelResponse fast = ml::model_response(model, m, f, ml::ResponseOrder::hessian);
  const ml::ModelResponse oracle = ml::oracle::model_response(model, m);
  EXPECT_NEAR(fast.e_xc, oracle.e_xc, 1e-10 * std::abs(oracle.e_xc));
  EXPECT_LT(relative_difference(fast.gradient, oracle.gradient), 1e-10);
  for (std::int64_t k = 0; k < m.directions.size(0); ++k)
    EXPECT_LT(relative_difference(fast.hessian_products[k], oracle.hessian_products[k]), 1e-10) << "direction " << k;

  // dL/dtheta of each mode, with unequal weights and scales so that a misplaced factor shows.
  for (const auto mode : {ml::LossMode::energy, ml::LossMode::energy_gradient, ml::LossMode::di}) {
    ml::LossSettings s;
    s.mode = mode;
    s.weights = {1.0, 0.7, 0.3};
    s.scales = {2e-4, 3e-5, 5e-6};
    const auto g_fast = parameter_gradients(model, [&] { ml::di_loss(model, m, f, s, 0.5, true); });
    const auto g_oracle = parameter_gradients(model, [&] { ml::oracle::di_loss(model, m, s, 0.5, true); });
    const auto t_fast = ml::di_loss(model, m, f, s, 1.0, false);
    const auto t_oracle = ml::oracle::di_loss(model, m, s, 1.0, false);
    EXPECT_NEAR(t_fast.total, t_oracle.total, 1e-10 * t_oracle.total) << ml::to_string(mode);
    const torch::Tensor a = torch::cat([&] {
      std::vector<torch::Tensor> v;
      for (const auto& g : g_fast) v.push_back(g.reshape(-1));
      return v;
    }());
    const torch::Tensor b = torch::cat([&] {
      std::vector<torch::Tensor> v;
      for (const auto& g : g_oracle) v.push_back(g.reshape(-1));
      return v;
    }());
    ASSERT_GT(b.norm().item<double>(), 0.0);
    EXPECT_LT(relative_difference(a, b), 1e-10) << ml::to_string(mode);
  }
}

INSTANTIATE_TEST_SUITE_P(AllArchitectures, LossEqualsOracle,
                         ::testing::Values(OracleCase{"gga-mlp", true}, OracleCase{"mgga-mlp", true},
                                           OracleCase{"mgga-mlp", false}, OracleCase{"xcdiff", true},
                                           OracleCase{"nonlocal", true}, OracleCase{"nonlocal", false}),
                         [](const auto& info) {
                           std::string n = info.param.architecture;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n + (info.param.chunked ? "_chunked" : "_one_chunk");
                         });

TEST(LossModes, EachModeComputesOnlyItsTerms) {
  const auto& m = water(true);
  const auto f = ml::build_reference_features(m);
  auto model = perturbed_model("mgga-mlp");
  ml::LossSettings s;
  s.mode = ml::LossMode::energy;
  const auto e = ml::di_loss(model, m, f, s, 1.0, false);
  EXPECT_TRUE(std::isnan(e.gradient) && std::isnan(e.hessian));
  EXPECT_GT(e.energy, 0.0);
  // Features built for the energy alone (rho, sigma, tau) give the same energy term, and refuse more.
  const auto f_energy = ml::build_reference_features(m, 1000000, ml::ResponseOrder::energy);  // one model call
  EXPECT_LT(f_energy.bytes(), f.bytes() / 10);
  EXPECT_NEAR(ml::di_loss(model, m, f_energy, s, 1.0, false).energy, e.energy, 1e-12 * e.energy);  // sum order
  s.mode = ml::LossMode::energy_gradient;
  EXPECT_THROW(ml::di_loss(model, m, f_energy, s, 1.0, false), std::logic_error);
  const auto g = ml::di_loss(model, m, f, s, 1.0, false);
  EXPECT_TRUE(!std::isnan(g.gradient) && std::isnan(g.hessian));
  EXPECT_NEAR(g.energy, e.energy, 1e-14 * e.energy);
}

// The energy term's unit: total is dE^2 with dE from the model's E_xc and the stored target, per-electron
// (dE / N_e)^2; the parameter gradients of the two differ by exactly N_e^2 (the adjoint carries the same unit).
TEST(EnergyNormalisation, TotalIsTheSquaredErrorInHartree) {
  const auto& m = water(true);
  const auto f = ml::build_reference_features(m);
  auto model = perturbed_model("mgga-mlp");
  const double de = ml::model_response(model, m, f, ml::ResponseOrder::energy).e_xc - m.e_xc;
  ASSERT_GT(std::abs(de), 1e-6);
  ml::LossSettings s;
  s.mode = ml::LossMode::energy;
  s.scales.energy = 3e-4;
  const double n2 = static_cast<double>(m.n_electrons) * m.n_electrons;
  const auto per_electron = parameter_gradients(model, [&] { ml::di_loss(model, m, f, s, 1.0, true); });
  EXPECT_NEAR(ml::di_loss(model, m, f, s, 1.0, false).energy, de * de / n2, 1e-12 * de * de / n2);
  s.energy_normalisation = ml::EnergyNormalisation::total;
  const auto total = parameter_gradients(model, [&] { ml::di_loss(model, m, f, s, 1.0, true); });
  const auto t = ml::di_loss(model, m, f, s, 1.0, false);
  EXPECT_NEAR(t.energy, de * de, 1e-12 * de * de);
  EXPECT_NEAR(t.total, de * de / 3e-4, 1e-12 * t.total);
  for (std::size_t k = 0; k < total.size(); ++k)
    if (per_electron[k].norm().item<double>() > 0.0)
      EXPECT_LT(relative_difference(total[k], n2 * per_electron[k]), 1e-12) << "parameter " << k;
  EXPECT_EQ(ml::parse_energy_normalisation("total"), ml::EnergyNormalisation::total);
  EXPECT_EQ(ml::to_string(ml::parse_energy_normalisation("per-electron")), "per-electron");
  EXPECT_THROW(ml::parse_energy_normalisation("per-atom"), InputError);
}

// --grad-metric inverse-gap: the gradient term is sum_ai dg_ai^2 / (8 (eps_a - eps_i)), element by element, with
// the gaps oriented like g (virtual rows, occupied columns; the smallest at LUMO-HOMO); its parameter gradient equals
// central finite differences of the term along a random parameter direction (the oracle shares loss_terms' adjoint,
// so only differences check it).
TEST(GradientMetric, InverseGapTermAndItsParameterGradient) {
  const auto& m = water(true);
  const auto f = ml::build_reference_features(m);
  auto model = perturbed_model("mgga-mlp");
  const std::int64_t nv = m.g_xc.size(0), no = m.g_xc.size(1);
  ASSERT_EQ(m.gaps.sizes(), m.g_xc.sizes());
  EXPECT_EQ(m.gaps.min().item<double>(), m.gaps[0][no - 1].item<double>());
  EXPECT_EQ(m.gaps.max().item<double>(), m.gaps[nv - 1][0].item<double>());
  EXPECT_GT(m.gaps.min().item<double>(), 0.1);  // H2O PBE/def2-SVP: ~0.2 Eh
  const torch::Tensor dg = ml::model_response(model, m, f, ml::ResponseOrder::gradient).gradient - m.g_xc;
  double by_hand = 0.0, mean_square = 0.0;
  for (std::int64_t a = 0; a < nv; ++a)
    for (std::int64_t i = 0; i < no; ++i) {
      const double d = dg[a][i].item<double>();
      by_hand += d * d / (8.0 * m.gaps[a][i].item<double>());
      mean_square += d * d / static_cast<double>(nv * no);
    }
  ml::LossSettings s;
  s.mode = ml::LossMode::energy_gradient;
  s.weights = {0.0, 1.0, 0.0};
  s.scales.gradient = 3e-5;
  EXPECT_NEAR(ml::di_loss(model, m, f, s, 1.0, false).gradient, mean_square, 1e-12 * mean_square);
  s.gradient_metric = ml::GradientMetric::inverse_gap;
  const auto t = ml::di_loss(model, m, f, s, 1.0, false);
  EXPECT_NEAR(t.gradient, by_hand, 1e-12 * by_hand);
  EXPECT_NEAR(t.total, by_hand / 3e-5, 1e-12 * t.total);
  EXPECT_GT(std::abs(by_hand - mean_square), 0.1 * mean_square);

  const auto gradients = parameter_gradients(model, [&] { ml::di_loss(model, m, f, s, 1.0, true); });
  auto params = ml::ordered_parameters(model);
  torch::manual_seed(5);
  std::vector<torch::Tensor> direction;
  double along = 0.0;
  for (std::size_t k = 0; k < params.size(); ++k) {
    direction.push_back(torch::randn_like(params[k]));
    along += (gradients[k] * direction.back()).sum().item<double>();
  }
  auto total_at = [&](double h) {
    torch::NoGradGuard no_grad;
    for (std::size_t k = 0; k < params.size(); ++k) params[k].add_(h * direction[k]);
    const double value = ml::di_loss(model, m, f, s, 1.0, false).total;
    for (std::size_t k = 0; k < params.size(); ++k) params[k].sub_(h * direction[k]);
    return value;
  };
  const double h = 1e-4;  // fourth-order central differences
  const double fd = (-total_at(2 * h) + 8 * total_at(h) - 8 * total_at(-h) + total_at(-2 * h)) / (12 * h);
  ASSERT_GT(std::abs(along), 0.0);
  EXPECT_NEAR(fd, along, 1e-7 * std::abs(along));
  EXPECT_EQ(ml::to_string(ml::parse_gradient_metric("inverse-gap")), "inverse-gap");
  EXPECT_THROW(ml::parse_gradient_metric("diagonal"), InputError);
}

// A model's calls in a step run in parallel over the OpenMP threads and are summed in call order: with 2 and 3
// threads the loss and every parameter gradient are bit-for-bit the same; against one thread (no parallel region,
// so torch's own kernels take other paths) they agree to rounding. The non-local model's chunks (at fixed atom
// embeddings, nonlocal_model.hpp) too.
TEST(DiLossThreads, SameNumbersForAnyThreadCount) {
  const auto& m = water(true);
  const auto f = ml::build_reference_features(m);
  const int threads = omp_get_max_threads();
  for (const char* architecture : {"mgga-mlp", "xcdiff", "nonlocal"}) {
    auto model = perturbed_model(architecture);
    ml::LossSettings s;
    s.mode = ml::LossMode::di;
    std::vector<torch::Tensor> gradients;  // all parameters' gradients, flattened
    std::vector<double> totals;
    // TorchScript's first calls of a method may run a differently optimised graph (other roundings): warm up.
    ml::di_loss(model, m, f, s, 1.0, true);
    for (const int n : {1, 2, 3}) {
      ml::configure_torch(n);  // OpenMP and torch threads, as dixc-ml sets them for OMP_NUM_THREADS=n
      std::vector<torch::Tensor> flat;
      for (const auto& g :
           parameter_gradients(model, [&] { totals.push_back(ml::di_loss(model, m, f, s, 1.0, true).total); }))
        flat.push_back(g.reshape(-1));
      gradients.push_back(torch::cat(flat));
    }
    ml::configure_torch(threads);
    EXPECT_EQ(totals[2], totals[1]) << architecture;
    EXPECT_TRUE(torch::equal(gradients[2], gradients[1])) << architecture;
    EXPECT_NEAR(totals[1], totals[0], 1e-14 * totals[0]) << architecture;
    EXPECT_LT(relative_difference(gradients[1], gradients[0]), 1e-13) << architecture;
  }
}

class ModelDerivatives : public ::testing::TestWithParam<const char*> {};

TEST_P(ModelDerivatives, GradientAndEveryHessianProductMatchFiniteDifferences) {
  const auto& m = water(true);
  const auto f = ml::build_reference_features(m);
  auto model = perturbed_model(GetParam());
  const ml::ModelResponse r = ml::model_response(model, m, f, ml::ResponseOrder::hessian);
  torch::AutoGradMode enable(true);
  // Fourth-order central differences of the AO-level energy E(D(t v)) and of its kappa-gradient.
  const double h = 1e-4;
  auto fd = [&](auto value) { return (-value(2 * h) + 8 * value(h) - 8 * value(-h) + value(-2 * h)) / (12 * h); };
  for (std::int64_t k = 0; k < m.directions.size(0); ++k) {
    const torch::Tensor v = m.directions[k];
    auto energy = [&](double t) { return ml::oracle::model_energy(model, m, t * v).item<double>(); };
    auto gradient = [&](double t) {
      const torch::Tensor kappa = (t * v).detach().requires_grad_(true);
      return torch::autograd::grad({ml::oracle::model_energy(model, m, kappa)}, {kappa})[0];
    };
    const double g_dot_v = (r.gradient * v).sum().item<double>();
    EXPECT_NEAR(fd(energy), g_dot_v, 1e-6 * r.gradient.norm().item<double>()) << GetParam() << " direction " << k;
    const torch::Tensor fd_hv = fd(gradient);
    EXPECT_LT((fd_hv - r.hessian_products[k]).norm().item<double>(), 1e-5 * r.hessian_products[k].norm().item<double>())
        << GetParam() << " direction " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(AllArchitectures, ModelDerivatives,
                         ::testing::Values("pbe", "gga-mlp", "mgga-mlp", "xcdiff", "nonlocal"), [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace dixc
