#include "dixc/grid/pruning.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "dixc/grid/lebedev.hpp"

namespace dixc::grid {

namespace {

// Smallest rule with positive weights and degree >= `degree`.
int positive_rule_for_degree(int degree) {
  int n = lebedev_size_for_degree(degree);
  while (n == 74 || n == 230 || n == 266) n = lebedev_size_for_degree(lebedev_rule(n).degree + 1);
  return n;
}

// (upper end of the region in Bragg radii, fraction of the full degree). Calibrated on def2-SVP-like model
// densities of H2O, CH4, C2H4 and HCN (tests/grid/test_grid_accuracy.cpp): the shells between one and four
// Bragg radii need the full rule, because there the Becke cell functions of the neighbours (polynomials of
// degree 27 in mu) multiply the bonding density; ending the full region at three radii already costs 2e-8 Eh
// of LDA exchange in CH4. Inside one radius the atom's own nearly spherical core dominates, and the tails
// beyond four are smooth. With 974 points this gives 50 / 110 / 302 / 974 / 590 points per shell, half the
// points of the unpruned grid at the same accuracy.
constexpr std::array<std::pair<double, double>, 4> kRegions{
    {{0.25, 0.2}, {0.5, 0.3}, {1.0, 0.54}, {4.0, 1.0}}};
constexpr double kOuterFraction = 0.77;

}  // namespace

int pruned_angular_size(double r_bohr, double bragg_radius_bohr, int max_points) {
  const int max_degree = lebedev_rule(max_points).degree;
  const double x = r_bohr / bragg_radius_bohr;
  double fraction = kOuterFraction;
  for (const auto& [upper, f] : kRegions) {
    if (x < upper) {
      fraction = f;
      break;
    }
  }
  const int degree = static_cast<int>(std::ceil(fraction * max_degree - 1e-9));
  return std::min(positive_rule_for_degree(degree), max_points);
}

}  // namespace dixc::grid
