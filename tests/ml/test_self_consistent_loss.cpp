// Energy + density supervision through the model's SCF (ml/self_consistent_loss.hpp, theory.md section 7): the
// implicit parameter gradient (one linear solve with the model's orbital Hessian at its SCF solution) against
// central finite differences of the loss through fully converged SCFs, along a random direction in parameter
// space, for a local (gga-mlp) and a non-local model, with the energy term alone and with both terms.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "dixc/calc/reference_data.hpp"
#include "dixc/ml/models.hpp"
#include "dixc/ml/self_consistent_loss.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

const data::MoleculeRecord& water_reference() {
  static const data::MoleculeRecord record = [] {
    calc::ReferenceSettings s;
    s.grid = "coarse";
    s.n_roots = 1;
    s.n_dir = 1;
    chem::Molecule molecule = test::reference_geometry("H2O");
    molecule.name = "H2O";
    return calc::compute_reference(molecule, s);
  }();
  return record;
}

std::vector<torch::Tensor> unit_direction(const std::vector<torch::Tensor>& params, unsigned seed) {
  torch::manual_seed(seed);
  std::vector<torch::Tensor> d;
  double norm2 = 0.0;
  for (const auto& p : params) {
    d.push_back(torch::randn_like(p));
    norm2 += d.back().pow(2).sum().item<double>();
  }
  for (auto& t : d) t /= std::sqrt(norm2);
  return d;
}

void shift(const std::vector<torch::Tensor>& params, const std::vector<torch::Tensor>& direction, double h) {
  torch::NoGradGuard no_grad;
  for (std::size_t k = 0; k < params.size(); ++k) params[k].add_(h * direction[k]);
}

struct Case {
  const char* architecture;
  double energy_weight, density_weight;
  ml::EnergyNormalisation normalisation = ml::EnergyNormalisation::per_electron;
};

class ImplicitGradient : public ::testing::TestWithParam<Case> {};

TEST_P(ImplicitGradient, MatchesFiniteDifferencesThroughConvergedScf) {
  const Case c = GetParam();
  const ml::SelfConsistentMolecule molecule(water_reference(), "def2-svp", "coarse", 1000000);
  auto model = ml::make_model(c.architecture, 7);
  ml::perturb_parameters(model, 0.05, 11);
  ml::SelfConsistentSettings s;
  s.energy_weight = c.energy_weight;
  s.density_weight = c.density_weight;
  s.energy_normalisation = c.normalisation;
  s.scf.energy_threshold = 1e-12;
  s.scf.gradient_threshold = 1e-11;
  s.solve.residual_threshold = 1e-11;

  const auto params = ml::ordered_parameters(model);
  for (const auto& p : params)
    if (p.grad().defined()) p.mutable_grad().zero_();
  const ml::SelfConsistentTerms t = molecule.loss(model, s, 1.0, true);
  ASSERT_TRUE(t.converged) << t.message;
  ASSERT_GT(t.solve_iterations, 0);
  const auto direction = unit_direction(params, 3);
  double analytic = 0.0;
  for (std::size_t k = 0; k < params.size(); ++k)
    if (params[k].grad().defined()) analytic += (params[k].grad() * direction[k]).sum().item<double>();

  // Central differences with Richardson extrapolation over h and h/2 (error O(h^4)).
  auto loss_at = [&](double h) {
    shift(params, direction, h);
    const auto shifted = molecule.loss(model, s, 1.0, false);
    shift(params, direction, -h);
    EXPECT_TRUE(shifted.converged) << shifted.message;
    return shifted.total;
  };
  const double h = 2e-3;
  const double d1 = (loss_at(h) - loss_at(-h)) / (2 * h);
  const double d2 = (loss_at(h / 2) - loss_at(-h / 2)) / h;
  const double fd = (4 * d2 - d1) / 3;
  EXPECT_NEAR(analytic, fd, 1e-6 * std::abs(fd)) << "central " << d1 << ", " << d2 << "; loss " << t.total
                                                 << " (energy " << t.energy << ", density " << t.density << ")";
}

INSTANTIATE_TEST_SUITE_P(LocalAndNonlocal, ImplicitGradient,
                         ::testing::Values(Case{"gga-mlp", 1.0, 0.0},
                                           Case{"gga-mlp", 1e-2, 0.0, ml::EnergyNormalisation::total},
                                           Case{"gga-mlp", 1.0, 30.0}, Case{"nonlocal", 1.0, 30.0}),
                         [](const auto& info) {
                           std::string n = info.param.architecture;
                           for (auto& ch : n)
                             if (ch == '-') ch = '_';
                           return n + (info.param.density_weight > 0 ? "_energy_density" : "_energy") +
                                  (info.param.normalisation == ml::EnergyNormalisation::total ? "_total" : "");
                         });

}  // namespace
}  // namespace dixc
