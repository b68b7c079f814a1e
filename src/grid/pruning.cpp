#include "dixc/grid/pruning.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
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
// degree 27 in the angle) multiply the bonding density; a 3-radius boundary already costs 5e-8 Eh in C2H4.
// Inside, the density is dominated by the atom's own nearly spherical core; outside, the tails are smooth.
// With 974 points this gives 50 / 110 / 302 / 974 / 590 points.
constexpr std::array<std::pair<double, double>, 4> kRegions{{{0.25, 0.2}, {0.5, 0.3}, {1.0, 0.54}, {4.0, 1.0}}};
constexpr double kOuterFraction = 0.77;

}  // namespace

int pruned_angular_size(double r_bohr, double bragg_radius_bohr, int max_points) {
  if (const char* env = std::getenv("DIXC_PRUNE")) {  // EXPERIMENT: "x1:n1,x2:n2,..."
    std::string spec(env);
    const double x = r_bohr / bragg_radius_bohr;
    std::size_t pos = 0;
    while (pos < spec.size()) {
      std::size_t colon = spec.find(':', pos), comma = spec.find(',', pos);
      if (comma == std::string::npos) comma = spec.size();
      double ub = std::stod(spec.substr(pos, colon - pos));
      int n = std::stoi(spec.substr(colon + 1, comma - colon - 1));
      if (x < ub) return n;
      pos = comma + 1;
    }
    return max_points;
  }
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
