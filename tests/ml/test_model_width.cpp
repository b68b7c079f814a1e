// The hidden width of the learned architectures (ml::make_model's `hidden`, dixc train --hidden): the layer shapes
// follow it (the non-local model's atom networks get half), the model records it, the default is the architecture's,
// a width out of range is refused, and the untrained model is the same functional at any width (the last layers
// start at zero, so every width starts from the base functional).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "dixc/ml/models.hpp"
#include "dixc/util/error.hpp"

namespace dixc {
namespace {

std::map<std::string, std::vector<std::int64_t>> shapes(const torch::jit::Module& model) {
  std::map<std::string, std::vector<std::int64_t>> out;
  for (const auto& p : model.named_parameters(false)) out[p.name] = p.value.sizes().vec();
  return out;
}

using Shape = std::vector<std::int64_t>;

TEST(ModelWidth, LayersFollowTheWidth) {
  auto gga = shapes(ml::make_model("gga-mlp", 1, 12));
  EXPECT_EQ(gga["w1"], (Shape{2, 12}));
  EXPECT_EQ(gga["w2"], (Shape{12, 12}));
  EXPECT_EQ(gga["w3"], (Shape{12, 2}));
  EXPECT_EQ(shapes(ml::make_model("mgga-mlp", 1, 12))["w1"], (Shape{3, 12}));
  auto xcdiff = shapes(ml::make_model("xcdiff", 1, 12));
  EXPECT_EQ(xcdiff["wx2"], (Shape{12, 12}));
  EXPECT_EQ(xcdiff["wc2"], (Shape{12, 12}));
  auto nonlocal = shapes(ml::make_model("nonlocal", 1, 12));
  EXPECT_EQ(nonlocal["w1"], (Shape{11, 12}));
  EXPECT_EQ(nonlocal["wa1"], (Shape{8, 6}));
  EXPECT_EQ(nonlocal["wa3"], (Shape{6, 8}));
  EXPECT_EQ(nonlocal["wm2"], (Shape{6, 6}));
}

TEST(ModelWidth, RecordedWithTheArchitectureDefault) {
  for (const std::string arch : {"gga-mlp", "mgga-mlp", "xcdiff", "nonlocal"}) {
    EXPECT_EQ(ml::hidden_width(ml::make_model(arch, 1)), ml::default_hidden_width(arch)) << arch;
    EXPECT_EQ(ml::hidden_width(ml::make_model(arch, 1, 40)), 40) << arch;
  }
  EXPECT_EQ(ml::default_hidden_width("gga-mlp"), 32);
  EXPECT_EQ(ml::default_hidden_width("xcdiff"), 24);
  EXPECT_EQ(shapes(ml::make_model("gga-mlp", 1))["w1"], (Shape{2, 32}));
  EXPECT_EQ(ml::hidden_width(ml::make_model("pbe", 1)), 0);
  EXPECT_THROW(ml::make_model("gga-mlp", 1, -1), InputError);
  EXPECT_THROW(ml::make_model("gga-mlp", 1, 5000), InputError);
}

// What --init and --resume check before copying parameters into a new model.
TEST(ModelWidth, ParameterShapesTellWidthsAndArchitecturesApart) {
  auto params = [](const std::string& arch, int hidden) {
    return ml::ordered_parameters(ml::make_model(arch, 1, hidden));
  };
  EXPECT_TRUE(ml::same_parameter_shapes(params("mgga-mlp", 0), params("mgga-mlp", 32)));
  EXPECT_FALSE(ml::same_parameter_shapes(params("mgga-mlp", 0), params("mgga-mlp", 64)));
  EXPECT_FALSE(ml::same_parameter_shapes(params("mgga-mlp", 0), params("gga-mlp", 0)));
  EXPECT_FALSE(ml::same_parameter_shapes(params("nonlocal", 16), params("nonlocal", 18)));
  EXPECT_FALSE(ml::same_parameter_shapes(params("xcdiff", 0), {}));
}

TEST(ModelWidth, UntrainedModelIsTheSameFunctionalAtAnyWidth) {
  auto gen = at::detail::createCPUGenerator(3);
  const std::int64_t n = 200;
  const torch::Tensor rho = torch::pow(10.0, torch::rand({n}, gen, torch::kDouble) * 6.0 - 4.0);
  const torch::Tensor sigma = torch::rand({n}, gen, torch::kDouble) * torch::pow(rho, 8.0 / 3.0) * 20.0;
  const torch::Tensor tau = sigma / (8.0 * rho) + torch::rand({n}, gen, torch::kDouble) * torch::pow(rho, 5.0 / 3.0);
  const torch::Tensor points = torch::randn({n, 3}, gen, torch::kDouble);
  const torch::Tensor weights = torch::rand({n}, gen, torch::kDouble);
  const torch::Tensor atoms = torch::randn({2, 3}, gen, torch::kDouble);
  const torch::Tensor z = torch::tensor({6.0, 1.0}, torch::kDouble);
  torch::NoGradGuard no_grad;
  for (const std::string arch : {"gga-mlp", "mgga-mlp", "xcdiff", "nonlocal"}) {
    auto energy = [&](int hidden) {
      auto model = ml::make_model(arch, 2, hidden);
      return model.forward({rho, sigma, tau, points, weights, atoms, z}).toTensor();
    };
    const torch::Tensor narrow = energy(0), wide = energy(64);
    ASSERT_GT(narrow.abs().max().item<double>(), 0.0) << arch;
    EXPECT_TRUE(torch::equal(narrow, wide)) << arch;
  }
}

}  // namespace
}  // namespace dixc
