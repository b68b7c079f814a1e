// Lebedev rules against exact sphere integrals of monomials:
// int x^a y^b z^c dOmega = 0 if any exponent is odd, else 2 G((a+1)/2) G((b+1)/2) G((c+1)/2) /
// G((a+b+c+3)/2).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "dixc/grid/lebedev.hpp"

namespace dixc::grid {
namespace {

long double exact_monomial(int a, int b, int c) {
  if (a % 2 != 0 || b % 2 != 0 || c % 2 != 0) return 0.0L;
  return 2.0L * std::tgamma((a + 1) / 2.0L) * std::tgamma((b + 1) / 2.0L) * std::tgamma((c + 1) / 2.0L) /
         std::tgamma((a + b + c + 3) / 2.0L);
}

// Largest relative error (absolute for odd monomials, whose exact value is 0) over all a + b + c <= degree.
// With even_only, monomials with an odd exponent are skipped (they vanish by the rules' octahedral symmetry),
// which keeps the largest rules cheap.
struct MonomialErrors {
  double even_relative = 0.0;
  double odd_absolute = 0.0;
};

MonomialErrors monomial_errors(const AngularRule& rule, int degree, bool even_only) {
  const std::size_t n = rule.points.size();
  const int step = even_only ? 2 : 1;
  std::vector<double> v(n);
  MonomialErrors err;
  for (int a = 0; a <= degree; a += step) {
    for (int b = 0; a + b <= degree; b += step) {
      for (std::size_t i = 0; i < n; ++i) {
        v[i] = rule.weights[i] * std::pow(rule.points[i][0], a) * std::pow(rule.points[i][1], b);
      }
      for (int c = 0; a + b + c <= degree; c += step) {
        double sum = 0.0;
        for (std::size_t i = 0; i < n; ++i) sum += v[i];
        const long double exact = exact_monomial(a, b, c);
        if (exact == 0.0L) {
          err.odd_absolute = std::max(err.odd_absolute, std::abs(sum));
        } else {
          err.even_relative =
              std::max(err.even_relative, static_cast<double>(std::abs((sum - exact) / exact)));
        }
        for (std::size_t i = 0; i < n; ++i) {
          const double z = rule.points[i][2];
          v[i] *= step == 2 ? z * z : z;
        }
      }
    }
  }
  return err;
}

TEST(Lebedev, RequiredSizesAreAvailable) {
  const std::vector<int>& sizes = lebedev_sizes();
  for (int n : {6,   14,  26,  38,  50,  74,  86,  110, 146,  170,  194,
                230, 266, 302, 350, 434, 590, 770, 974, 1202, 1454, 5810}) {
    EXPECT_NE(std::find(sizes.begin(), sizes.end(), n), sizes.end()) << n;
  }
  EXPECT_TRUE(std::is_sorted(sizes.begin(), sizes.end()));
}

TEST(Lebedev, PointsOnUnitSphereAndWeightsSumToFourPi) {
  for (int n : lebedev_sizes()) {
    const AngularRule& rule = lebedev_rule(n);
    ASSERT_EQ(rule.points.size(), static_cast<std::size_t>(n));
    ASSERT_EQ(rule.weights.size(), static_cast<std::size_t>(n));
    double sum = 0.0;
    for (std::size_t i = 0; i < rule.points.size(); ++i) {
      const auto& p = rule.points[i];
      EXPECT_NEAR(std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]), 1.0, 1e-15) << "rule " << n;
      sum += rule.weights[i];
    }
    EXPECT_NEAR(sum / (4.0 * std::numbers::pi), 1.0, 1e-13) << "rule " << n;
  }
}

TEST(Lebedev, PointsAreDistinct) {
  for (int n : lebedev_sizes()) {
    auto pts = lebedev_rule(n).points;
    std::sort(pts.begin(), pts.end());
    for (std::size_t i = 1; i < pts.size(); ++i) {
      const double d =
          std::hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1], pts[i][2] - pts[i - 1][2]);
      EXPECT_GT(d, 1e-6) << "rule " << n;
    }
  }
}

// Every rule is exact up to its degree.
TEST(Lebedev, IntegratesMonomialsExactlyUpToDegree) {
  for (int n : lebedev_sizes()) {
    const AngularRule& rule = lebedev_rule(n);
    const bool small = n <= 1202;  // all monomials for the rules dixc's levels use, even ones for the rest
    const MonomialErrors err = monomial_errors(rule, rule.degree, !small);
    EXPECT_LT(err.even_relative, 1e-13) << "rule " << n << " degree " << rule.degree;
    EXPECT_LT(err.odd_absolute, 1e-13) << "rule " << n;
  }
}

// Zonal harmonics about a generic axis: int P_l(u.r) dOmega = 0 for l >= 1. Exact for l <= degree, and the
// stated degree is sharp: P_{degree+1} (even, not killed by the octahedral symmetry) is not integrated.
TEST(Lebedev, ZonalHarmonicsAndSharpDegree) {
  const double norm = std::sqrt(0.3 * 0.3 + 0.5 * 0.5 + 0.81 * 0.81);
  const std::array<double, 3> u{0.3 / norm, 0.5 / norm, 0.81 / norm};
  for (int n : lebedev_sizes()) {
    const AngularRule& rule = lebedev_rule(n);
    std::vector<double> sums(rule.degree + 2, 0.0);
    for (std::size_t i = 0; i < rule.points.size(); ++i) {
      const double t = u[0] * rule.points[i][0] + u[1] * rule.points[i][1] + u[2] * rule.points[i][2];
      double p_prev = 1.0, p = t;  // Bonnet: (l+1) P_{l+1} = (2l+1) t P_l - l P_{l-1}
      sums[1] += rule.weights[i] * p;
      for (int l = 1; l <= rule.degree; ++l) {
        const double next = ((2 * l + 1) * t * p - l * p_prev) / (l + 1);
        p_prev = p;
        p = next;
        sums[l + 1] += rule.weights[i] * p;
      }
    }
    for (int l = 1; l <= rule.degree; ++l) EXPECT_NEAR(sums[l], 0.0, 1e-13) << "rule " << n << ", l = " << l;
    EXPECT_GT(std::abs(sums[rule.degree + 1]), 1e-6) << "rule " << n;
  }
}

TEST(Lebedev, KnownDegrees) {
  EXPECT_EQ(lebedev_rule(6).degree, 3);
  EXPECT_EQ(lebedev_rule(302).degree, 29);
  EXPECT_EQ(lebedev_rule(590).degree, 41);
  EXPECT_EQ(lebedev_rule(974).degree, 53);
  EXPECT_EQ(lebedev_rule(5810).degree, 131);
}

TEST(Lebedev, SizeForDegree) {
  EXPECT_EQ(lebedev_size_for_degree(0), 6);
  EXPECT_EQ(lebedev_size_for_degree(3), 6);
  EXPECT_EQ(lebedev_size_for_degree(4), 14);
  EXPECT_EQ(lebedev_size_for_degree(41), 590);
  EXPECT_EQ(lebedev_size_for_degree(42), 770);
  EXPECT_EQ(lebedev_size_for_degree(131), 5810);
  EXPECT_THROW(lebedev_size_for_degree(132), std::invalid_argument);
}

TEST(Lebedev, UnknownSizeListsAvailableOnes) {
  try {
    lebedev_rule(7);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("7"), std::string::npos);
    EXPECT_NE(msg.find("590"), std::string::npos);
    EXPECT_NE(msg.find("5810"), std::string::npos);
  }
}

}  // namespace
}  // namespace dixc::grid
