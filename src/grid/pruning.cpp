#include "dixc/grid/pruning.hpp"

#include <algorithm>
#include <array>

#include "dixc/grid/lebedev.hpp"

namespace dixc::grid {

namespace {

// Smallest rule with positive weights and degree >= `degree`.
int positive_rule_for_degree(int degree) {
  int n = lebedev_size_for_degree(degree);
  while (n == 74 || n == 230 || n == 266) n = lebedev_size_for_degree(lebedev_rule(n).degree + 1);
  return n;
}

}  // namespace

int pruned_angular_size(double r_bohr, double bragg_radius_bohr, int max_points) {
  const int max_degree = lebedev_rule(max_points).degree;
  // (upper bound of the region in Bragg radii, fraction of the valence degree)
  static constexpr std::array<std::pair<double, double>, 3> regions{{{0.25, 0.35}, {0.5, 0.6}, {0.8, 0.8}}};
  const double x = r_bohr / bragg_radius_bohr;
  for (const auto& [upper, fraction] : regions) {
    if (x < upper) {
      const int n = positive_rule_for_degree(static_cast<int>(fraction * max_degree));
      return std::min(n, max_points);
    }
  }
  return max_points;
}

}  // namespace dixc::grid
