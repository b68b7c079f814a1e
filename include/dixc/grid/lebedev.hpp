#pragma once
// Lebedev-Laikov angular quadratures on the unit sphere (V. I. Lebedev and D. N. Laikov, Doklady Mathematics
// 59, 477 (1999)): octahedrally invariant rules that integrate every polynomial of degree <= `degree`
// exactly. The numbers come from a generated table (scripts/gen_lebedev_table.sh records their source).
#include <array>
#include <vector>

namespace dixc::grid {

struct AngularRule {
  int degree = 0;                             // exact for x^a y^b z^c with a + b + c <= degree
  std::vector<std::array<double, 3>> points;  // unit vectors
  std::vector<double> weights;                // sum to 4*pi, so sum_i w_i f(p_i) ~ int f dOmega
};

// The rule with exactly n_points points, built once and cached (thread-safe).
// Throws std::invalid_argument listing the available sizes when there is no such rule.
const AngularRule& lebedev_rule(int n_points);

// Available rule sizes in increasing order: 6, 14, 26, 38, 50, 74, 86, 110, 146, 170, 194, 230, 266, 302,
// 350, 434, 590, 770, 974, 1202, 1454, 1730, 2030, 2354, 2702, 3074, 3470, 3890, 4334, 4802, 5294, 5810.
const std::vector<int>& lebedev_sizes();

// Size of the smallest rule of at least this degree (degree <= 0 gives 6).
// Throws std::invalid_argument above the largest available degree (131).
int lebedev_size_for_degree(int degree);

}  // namespace dixc::grid
