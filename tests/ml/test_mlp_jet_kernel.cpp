// The fused MLP jet kernel (ml/mlp_jet_kernel.hpp) against its oracle, the models' TorchScript mlp_jet (through
// network_jet of gga-mlp and mgga-mlp, whose network is that one MLP): values, Jacobians and Hessians to 1e-12
// relative, and the parameter gradient of sum_p [alpha . f + beta : J + gamma : H] (random weights, gamma not
// symmetric) and its input gradient against autograd through the TorchScript jet, for 2 and 3 inputs, the default width
// and an odd one, and a point count that is not a multiple of the kernel's block.
#include <algorithm>

#include <gtest/gtest.h>

#include "dixc/ml/mlp_jet_kernel.hpp"
#include "dixc/ml/models.hpp"

namespace dixc {
namespace {

double max_abs(const torch::Tensor& t) { return t.abs().max().item<double>(); }

void expect_close(const torch::Tensor& actual, const torch::Tensor& expected, double rel, const std::string& what) {
  ASSERT_EQ(actual.sizes(), expected.sizes()) << what;
  const double scale = max_abs(expected);
  ASSERT_GT(scale, 0.0) << what << ": the oracle is zero, the comparison would prove nothing";
  EXPECT_LE(max_abs(actual - expected), rel * scale) << what;
}

struct Case {
  std::string architecture;
  int hidden;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.architecture << " width " << c.hidden; }

class MlpJetKernel : public testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    model = ml::make_model(GetParam().architecture, 4, GetParam().hidden);
    ml::perturb_parameters(model, 0.4, 12);  // the last layer off zero: every term of the jet contributes
    auto t = [&](const char* name) { return model.attr(name).toTensor(); };
    weights = {t("w1"), t("b1"), t("w2"), t("b2"), t("w3"), t("b3")};
    k = weights.w1.size(0);
    m = weights.w3.size(1);
    auto gen = at::detail::createCPUGenerator(3);
    x = torch::rand({n, k}, gen, torch::kDouble);  // the models' bounded inputs lie in [0, 1]
    alpha = torch::randn({n, m}, gen, torch::kDouble);
    beta = torch::randn({n, m, k}, gen, torch::kDouble);
    gamma = torch::randn({n, m, k, k}, gen, torch::kDouble);
  }
  // The TorchScript jet (f, J, H), with a graph to the parameters when grad mode is on.
  std::vector<torch::Tensor> script_jet(bool second) {
    const auto jet = model.get_method("network_jet")({x, second}).toTuple();
    return {jet->elements()[0].toTensor(), jet->elements()[1].toTensor(), jet->elements()[2].toTensor()};
  }
  std::vector<torch::Tensor> parameters() const {
    return {weights.w1, weights.b1, weights.w2, weights.b2, weights.w3, weights.b3};
  }

  const std::int64_t n = 301;
  torch::jit::Module model;
  ml::MlpWeights weights;
  std::int64_t k = 0, m = 0;
  torch::Tensor x, alpha, beta, gamma;
};

TEST_P(MlpJetKernel, ValuesJacobiansAndHessiansEqualTheTorchScriptJet) {
  torch::NoGradGuard no_grad;
  const auto expected = script_jet(true);
  for (int order = 0; order <= 2; ++order) {
    const ml::MlpJet jet = ml::mlp_jet(weights, x, order);
    expect_close(jet.f, expected[0], 1e-12, "f, order " + std::to_string(order));
    EXPECT_EQ(jet.j.defined(), order >= 1);
    EXPECT_EQ(jet.h.defined(), order >= 2);
    if (order >= 1) expect_close(jet.j, expected[1], 1e-12, "J");
    if (order >= 2) expect_close(jet.h, expected[2], 1e-12, "H");
  }
}

TEST_P(MlpJetKernel, ParameterGradientEqualsAutogradThroughTheTorchScriptJet) {
  for (int order = 0; order <= 2; ++order) {
    torch::AutoGradMode enable(true);
    const auto jet = script_jet(order == 2);
    torch::Tensor s = (alpha * jet[0]).sum();
    if (order >= 1) s = s + (beta * jet[1]).sum();
    if (order >= 2) s = s + (gamma * jet[2]).sum();
    const auto expected = torch::autograd::grad({s}, parameters());
    const ml::MlpWeights g = ml::mlp_jet_parameter_gradient(weights, x, alpha, order >= 1 ? beta : torch::Tensor(),
                                                            order >= 2 ? gamma : torch::Tensor());
    const std::vector<torch::Tensor> actual = {g.w1, g.b1, g.w2, g.b2, g.w3, g.b3};
    const char* names[] = {"w1", "b1", "w2", "b2", "w3", "b3"};
    for (std::size_t i = 0; i < actual.size(); ++i)
      expect_close(actual[i], expected[i], 1e-11, std::string("d/d") + names[i] + ", order " + std::to_string(order));
  }
}

// The autograd function (the DI-Loss's surrogate path): backward through a loss of f, J and H gives the same
// gradient, and the forward the same jet.
TEST_P(MlpJetKernel, DifferentiableJetBackpropagatesToTheParameters) {
  torch::AutoGradMode enable(true);
  const ml::MlpJet jet = ml::differentiable_mlp_jet(weights, x, 2);
  const torch::Tensor s = (alpha * jet.f).sum() + (beta * jet.j).sum() + (gamma * jet.h).sum();
  const auto actual = torch::autograd::grad({s}, parameters());
  const ml::MlpWeights g = ml::mlp_jet_parameter_gradient(weights, x, alpha, beta, gamma);
  const std::vector<torch::Tensor> expected = {g.w1, g.b1, g.w2, g.b2, g.w3, g.b3};
  for (std::size_t i = 0; i < actual.size(); ++i)
    expect_close(actual[i], expected[i], 1e-14, "parameter " + std::to_string(i));
  // Only J used: H's adjoint is absent, and the gradient is that of the first-order functional.
  const ml::MlpJet first = ml::differentiable_mlp_jet(weights, x, 1);
  EXPECT_FALSE(first.h.defined());
  const auto only_j = torch::autograd::grad({(beta * first.j).sum()}, parameters());
  const ml::MlpWeights gj = ml::mlp_jet_parameter_gradient(weights, x, torch::zeros_like(alpha), beta, {});
  expect_close(only_j[2], gj.w2, 1e-14, "w2 from J alone");
}

// The input gradient (the non-local model's atom features are inputs that depend on its parameters): the kernel's
// x gradient, and the autograd function's backward to x, equal autograd through the TorchScript jet at each order.
TEST_P(MlpJetKernel, InputGradientEqualsAutogradThroughTheTorchScriptJet) {
  torch::AutoGradMode enable(true);
  const torch::Tensor x0 = x;
  x = x0.clone().requires_grad_(true);
  for (int order = 0; order <= 2; ++order) {
    const auto jet = script_jet(order == 2);
    torch::Tensor s = (alpha * jet[0]).sum();
    if (order >= 1) s = s + (beta * jet[1]).sum();
    if (order >= 2) s = s + (gamma * jet[2]).sum();
    const torch::Tensor expected = torch::autograd::grad({s}, {x})[0];
    torch::Tensor actual;
    ml::mlp_jet_parameter_gradient(weights, x0, alpha, order >= 1 ? beta : torch::Tensor(),
                                   order >= 2 ? gamma : torch::Tensor(), &actual);
    expect_close(actual, expected, 1e-11, "d/dx, order " + std::to_string(order));
    const ml::MlpJet fused = ml::differentiable_mlp_jet(weights, x, std::max(order, 1));
    torch::Tensor t = (alpha * fused.f).sum();
    if (order >= 1) t = t + (beta * fused.j).sum();
    if (order >= 2) t = t + (gamma * fused.h).sum();
    expect_close(torch::autograd::grad({t}, {x})[0], actual, 1e-14,
                 "autograd function d/dx, order " + std::to_string(order));
  }
  x = x0;
  EXPECT_THROW(ml::mlp_jet(weights, x.narrow(1, 0, 1), 2), std::invalid_argument);  // wrong input count
}

INSTANTIATE_TEST_SUITE_P(Models, MlpJetKernel,
                         testing::Values(Case{"gga-mlp", 0}, Case{"mgga-mlp", 0}, Case{"mgga-mlp", 7},
                                         Case{"gga-mlp", 5}),
                         [](const testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.architecture + "_h" + std::to_string(info.param.hidden);
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace dixc
