// Treutler-Ahlrichs radial rules against int_0^inf r^2 exp(-a r^2) dr = sqrt(pi) / (4 a^(3/2)).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "dixc/grid/grid_settings.hpp"
#include "dixc/grid/radial.hpp"

namespace dixc::grid {
namespace {

double gaussian_moment(double a) { return std::sqrt(std::numbers::pi) / (4.0 * std::pow(a, 1.5)); }

double integrate_gaussian(const RadialRule& rule, double a) {
  double sum = 0.0;
  for (std::size_t i = 0; i < rule.r.size(); ++i) sum += rule.w[i] * std::exp(-a * rule.r[i] * rule.r[i]);
  return sum;
}

TEST(Radial, PointsIncreaseAndWeightsArePositive) {
  const RadialRule rule = treutler_ahlrichs_rule(75, 0.9);
  ASSERT_EQ(rule.r.size(), 75u);
  ASSERT_EQ(rule.w.size(), 75u);
  for (std::size_t i = 0; i < rule.r.size(); ++i) {
    EXPECT_GT(rule.r[i], 0.0);
    EXPECT_GT(rule.w[i], 0.0);
    if (i > 0) {
      EXPECT_GT(rule.r[i], rule.r[i - 1]);
    }
  }
}

// Gaussians from very diffuse to very tight (a = 1e-2 .. 1e4) with a wide mapping and enough points.
TEST(Radial, GaussiansOverSixDecades) {
  const RadialRule rule = treutler_ahlrichs_rule(200, 3.0);
  for (double log_a = -2.0; log_a <= 4.0 + 1e-9; log_a += 0.25) {
    const double a = std::pow(10.0, log_a);
    EXPECT_NEAR(integrate_gaussian(rule, a) / gaussian_moment(a), 1.0, 1e-10) << "a = " << a;
  }
}

// With each element's own xi and a level's point counts, the exponents a def2-SVP density contains (0.2 ..
// twice the tightest basis exponent) integrate to `tolerance` (to `tolerance_tight` above 1e5).
void expect_level_covers_basis_exponents(const std::string& level, double tolerance, double tolerance_tight) {
  const GridSettings settings = grid_level(level);
  struct Case {
    int z;
    double tightest;
  };
  for (const Case c : {Case{1, 26.0}, Case{6, 2.5e3}, Case{8, 4.6e3}, Case{17, 2.1e4}, Case{26, 1.2e5}}) {
    const RadialRule rule = treutler_ahlrichs_rule(radial_points_for(settings, c.z), treutler_xi(c.z));
    for (double a = 0.2; a <= c.tightest * 1.0001; a *= 2.0) {
      EXPECT_NEAR(integrate_gaussian(rule, a) / gaussian_moment(a), 1.0, a < 1e5 ? tolerance : tolerance_tight)
          << level << ": Z = " << c.z << ", a = " << a;
    }
  }
}

TEST(Radial, FineCountsCoverBasisSetExponents) { expect_level_covers_basis_exponents("fine", 1e-9, 5e-9); }

// "medium" is the default level.
TEST(Radial, MediumCountsCoverBasisSetExponents) { expect_level_covers_basis_exponents("medium", 1e-8, 5e-8); }

// A Slater function has the nuclear cusp that Gaussians lack: int r^2 exp(-2 zeta r) dr = 2 / (2 zeta)^3.
TEST(Radial, SlaterFunctionWithCusp) {
  const RadialRule rule = treutler_ahlrichs_rule(150, 1.8);
  for (double zeta : {1.0, 5.0, 30.0}) {
    double sum = 0.0;
    for (std::size_t i = 0; i < rule.r.size(); ++i) sum += rule.w[i] * std::exp(-2.0 * zeta * rule.r[i]);
    EXPECT_NEAR(sum / (2.0 / std::pow(2.0 * zeta, 3)), 1.0, 1e-12) << "zeta = " << zeta;
  }
}

TEST(Radial, TreutlerXiTable) {
  EXPECT_DOUBLE_EQ(treutler_xi(1), 0.8);
  EXPECT_DOUBLE_EQ(treutler_xi(3), 1.8);
  EXPECT_DOUBLE_EQ(treutler_xi(6), 1.1);
  EXPECT_DOUBLE_EQ(treutler_xi(8), 0.9);
  EXPECT_DOUBLE_EQ(treutler_xi(19), 1.5);
  EXPECT_DOUBLE_EQ(treutler_xi(36), 0.9);
  EXPECT_THROW(treutler_xi(0), std::invalid_argument);
  EXPECT_THROW(treutler_xi(37), std::invalid_argument);
}

TEST(Radial, RejectsBadArguments) {
  EXPECT_THROW(treutler_ahlrichs_rule(0, 1.0), std::invalid_argument);
  EXPECT_THROW(treutler_ahlrichs_rule(10, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace dixc::grid
