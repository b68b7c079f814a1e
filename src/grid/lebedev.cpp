#include "dixc/grid/lebedev.hpp"

#include <algorithm>
#include <map>
#include <numbers>
#include <stdexcept>
#include <string>

#include "lebedev_table.hpp"

namespace dixc::grid {

namespace {

// All distinct signed permutations of the representative: the octahedral group (48 elements) acting on it.
// Coordinates are only permuted and negated, so duplicates compare equal bit for bit (0.0 == -0.0).
void expand_orbit(const detail::LebedevOrbit& orbit, double weight, AngularRule& rule) {
  static constexpr std::array<std::array<int, 3>, 6> perms{
      {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}};
  const std::array<double, 3> rep{orbit.x, orbit.y, orbit.z};
  const std::size_t first = rule.points.size();
  for (const auto& p : perms) {
    for (int signs = 0; signs < 8; ++signs) {
      std::array<double, 3> v{};
      for (int k = 0; k < 3; ++k) v[k] = (signs >> k & 1) ? -rep[p[k]] : rep[p[k]];
      const bool seen = std::any_of(rule.points.begin() + first, rule.points.end(), [&](const auto& q) {
        return q[0] == v[0] && q[1] == v[1] && q[2] == v[2];
      });
      if (!seen) {
        rule.points.push_back(v);
        rule.weights.push_back(weight);
      }
    }
  }
  if (rule.points.size() - first != static_cast<std::size_t>(orbit.count)) {
    throw std::logic_error("lebedev table: orbit of rule " + std::to_string(orbit.n_points) + " expands to " +
                           std::to_string(rule.points.size() - first) + " points, table says " +
                           std::to_string(orbit.count));
  }
}

const std::map<int, AngularRule>& all_rules() {
  static const std::map<int, AngularRule> rules = [] {
    std::map<int, AngularRule> out;
    constexpr double four_pi = 4.0 * std::numbers::pi;
    for (const auto& orbit : detail::lebedev_orbits()) {
      AngularRule& rule = out[orbit.n_points];
      rule.degree = orbit.degree;
      expand_orbit(orbit, four_pi * orbit.weight, rule);
    }
    for (const auto& [n, rule] : out) {
      if (rule.points.size() != static_cast<std::size_t>(n)) {
        throw std::logic_error("lebedev table: rule " + std::to_string(n) + " has " +
                               std::to_string(rule.points.size()) + " points");
      }
    }
    return out;
  }();
  return rules;
}

}  // namespace

const std::vector<int>& lebedev_sizes() {
  static const std::vector<int> sizes = [] {
    std::vector<int> s;
    for (const auto& [n, rule] : all_rules()) s.push_back(n);
    return s;
  }();
  return sizes;
}

const AngularRule& lebedev_rule(int n_points) {
  const auto& rules = all_rules();
  const auto it = rules.find(n_points);
  if (it == rules.end()) {
    std::string msg = "no Lebedev rule with " + std::to_string(n_points) + " points; available sizes:";
    for (int n : lebedev_sizes()) msg += " " + std::to_string(n);
    throw std::invalid_argument(msg);
  }
  return it->second;
}

int lebedev_size_for_degree(int degree) {
  for (const auto& [n, rule] : all_rules()) {
    if (rule.degree >= degree) return n;
  }
  throw std::invalid_argument("no Lebedev rule of degree " + std::to_string(degree) + "; the largest is " +
                              std::to_string(all_rules().rbegin()->second.degree));
}

}  // namespace dixc::grid
