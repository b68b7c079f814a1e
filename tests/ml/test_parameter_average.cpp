// The parameters' moving average of dixc train --ema (ml::ParameterAverage): each update is
// avg <- d_t avg + (1 - d_t) theta with d_t = min(d, (1 + t) / (10 + t)), checked against the formula evaluated by
// hand over a ramped and an unramped run; swap exchanges average and live values and a second swap restores them;
// the saved average resumes with its update count, and a file of another decay or layout is refused by name.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "dixc/ml/parameter_average.hpp"
#include "dixc/util/error.hpp"

namespace dixc {
namespace {

std::vector<torch::Tensor> parameters(double a, double b) {
  return {torch::full({2, 3}, a, torch::kDouble), torch::full({4}, b, torch::kDouble)};
}

void set(const std::vector<torch::Tensor>& params, double a, double b) {
  params[0].fill_(a);
  params[1].fill_(b);
}

// The average's values, read through a swap (and restored by a second one).
std::pair<double, double> averaged(ml::ParameterAverage& average, const std::vector<torch::Tensor>& params) {
  average.swap(params);
  const std::pair<double, double> out{params[0][1][2].item<double>(), params[1][3].item<double>()};
  average.swap(params);
  return out;
}

TEST(ParameterAverage, FollowsTheRampedDecay) {
  const std::vector<torch::Tensor> params = parameters(1.0, -2.0);
  ml::ParameterAverage average(0.98, params);
  // By hand: d_0 = 1/10, d_1 = 2/11, d_2 = 3/12 (all below 0.98).
  double a = 1.0, b = -2.0;
  const double theta[3][2] = {{3.0, 5.0}, {-1.0, 0.5}, {7.0, -4.0}};
  const double d[3] = {1.0 / 10.0, 2.0 / 11.0, 3.0 / 12.0};
  for (int t = 0; t < 3; ++t) {
    EXPECT_DOUBLE_EQ(average.next_decay(), d[t]);
    set(params, theta[t][0], theta[t][1]);
    average.update(params);
    a = d[t] * a + (1.0 - d[t]) * theta[t][0];
    b = d[t] * b + (1.0 - d[t]) * theta[t][1];
    const auto [ga, gb] = averaged(average, params);
    EXPECT_NEAR(ga, a, 1e-15);
    EXPECT_NEAR(gb, b, 1e-15);
    // The second swap restored the live values.
    EXPECT_EQ(params[0][0][0].item<double>(), theta[t][0]);
    EXPECT_EQ(params[1][0].item<double>(), theta[t][1]);
  }
  EXPECT_EQ(average.updates(), 3);
}

TEST(ParameterAverage, SmallDecayIsNotRamped) {
  const std::vector<torch::Tensor> params = parameters(0.0, 0.0);
  ml::ParameterAverage average(0.05, params);
  set(params, 2.0, 4.0);
  average.update(params);
  set(params, 6.0, 8.0);
  average.update(params);
  const auto [a, b] = averaged(average, params);
  EXPECT_NEAR(a, 0.05 * (0.95 * 2.0) + 0.95 * 6.0, 1e-15);
  EXPECT_NEAR(b, 0.05 * (0.95 * 4.0) + 0.95 * 8.0, 1e-15);
}

TEST(ParameterAverage, SavedAverageResumesAndOtherDecaysAreRefused) {
  const std::vector<torch::Tensor> params = parameters(1.0, 1.0);
  ml::ParameterAverage average(0.9, params);
  set(params, 3.0, -3.0);
  average.update(params);
  const std::filesystem::path file = std::filesystem::temp_directory_path() / "dixc_test_parameter_average.pt";
  average.save(file);

  ml::ParameterAverage resumed(0.9, parameters(0.0, 0.0));
  resumed.load(file);
  EXPECT_EQ(resumed.updates(), 1);
  // Both go on identically.
  set(params, 5.0, 2.0);
  average.update(params);
  resumed.update(params);
  const auto [a, b] = averaged(average, params);
  const auto [ra, rb] = averaged(resumed, params);
  EXPECT_EQ(a, ra);
  EXPECT_EQ(b, rb);

  ml::ParameterAverage other_decay(0.95, params);
  try {
    other_decay.load(file);
    FAIL() << "a file of another decay was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--ema 0.9"), std::string::npos) << e.what();
  }
  ml::ParameterAverage other_layout(0.9, {torch::zeros({3}, torch::kDouble)});
  EXPECT_THROW(other_layout.load(file), InputError);
  std::filesystem::remove(file);
}

TEST(ParameterAverage, DecayOutsideTheOpenUnitIntervalIsRefused) {
  EXPECT_THROW(ml::ParameterAverage(1.0, parameters(0.0, 0.0)), InputError);
  EXPECT_THROW(ml::ParameterAverage(0.0, parameters(0.0, 0.0)), InputError);
}

}  // namespace
}  // namespace dixc
