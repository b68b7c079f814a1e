#pragma once
// Internal: raw Lebedev-Laikov orbit table (generated into lebedev_table.cpp by
// scripts/gen_lebedev_table.sh).
#include <vector>

namespace dixc::grid::detail {

// One octahedral orbit of a Lebedev rule: all signed permutations of (x, y, z) share the weight.
struct LebedevOrbit {
  int n_points;    // size of the rule this orbit belongs to
  int degree;      // algebraic degree of that rule
  double x, y, z;  // representative with x >= y >= z >= 0
  double weight;   // per point, normalized so that a rule's weights sum to 1
  int count;       // number of distinct points in the orbit (6, 8, 12, 24 or 48)
};

// Rows grouped by rule, rules in increasing size.
const std::vector<LebedevOrbit>& lebedev_orbits();

}  // namespace dixc::grid::detail
