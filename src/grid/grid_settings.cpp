#include "dixc/grid/grid_settings.hpp"

#include <stdexcept>
#include <utility>

#include "dixc/util/error.hpp"

namespace dixc::grid {

namespace {

GridSettings make(std::array<int, 4> radial, int angular, bool prune) {
  GridSettings s;
  s.radial_points = radial;
  s.angular_points = angular;
  s.prune = prune;
  return s;
}

// Calibration and measured errors: see grid_settings.hpp and tests/grid/test_grid_accuracy.cpp.
const std::vector<std::pair<std::string, GridSettings>>& levels() {
  static const std::vector<std::pair<std::string, GridSettings>> table{
      {"coarse", make({50, 60, 70, 80}, 302, true)},      {"medium", make({60, 75, 85, 100}, 590, true)},
      {"fine", make({75, 99, 110, 125}, 974, true)},      {"default", make({75, 99, 110, 125}, 974, true)},
      {"xfine", make({150, 150, 175, 200}, 1202, false)},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& grid_level_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, settings] : levels()) out.push_back(name);
    return out;
  }();
  return names;
}

GridSettings grid_level(std::string_view name) {
  for (const auto& [level, settings] : levels()) {
    if (level == name) return settings;
  }
  std::string msg = "unknown grid level '" + std::string(name) + "'; valid levels:";
  for (const auto& level : grid_level_names()) msg += " " + level;
  throw InputError(msg);
}

int radial_points_for(const GridSettings& settings, int z) {
  if (z < 1 || z > 36)
    throw std::invalid_argument("radial_points_for: Z = " + std::to_string(z) + " not in 1..36");
  const int period = z <= 2 ? 0 : z <= 10 ? 1 : z <= 18 ? 2 : 3;
  return settings.radial_points[period];
}

}  // namespace dixc::grid
