#include "dixc/grid/grid_settings.hpp"

#include <stdexcept>
#include <utility>

#include "dixc/util/error.hpp"

namespace dixc::grid {

namespace {

GridSettings make(std::array<int, 4> radial, int angular, int heavy_angular, bool prune) {
  GridSettings s;
  s.radial_points = radial;
  s.angular_points = angular;
  s.heavy_angular_points = heavy_angular;
  s.prune = prune;
  return s;
}

// Calibration and measured errors: see grid_settings.hpp and tests/grid/test_grid_accuracy.cpp.
const std::vector<std::pair<std::string, GridSettings>>& levels() {
  static const std::vector<std::pair<std::string, GridSettings>> table{
      {"coarse", make({50, 60, 70, 80}, 302, 590, true)},
      {"medium", make({60, 75, 85, 125}, 590, 974, true)},
      {"fine", make({75, 99, 110, 125}, 974, 1202, true)},
      {"xfine", make({150, 150, 175, 200}, 1202, 1202, false)},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& grid_level_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, settings] : levels()) out.push_back(name);
    out.push_back("default");
    return out;
  }();
  return names;
}

std::string resolve_grid_level_name(std::string_view name) {
  if (name == "default") return "medium";
  for (const auto& [level, settings] : levels()) {
    if (level == name) return level;
  }
  std::string msg = "unknown grid level '" + std::string(name) + "'; valid levels:";
  for (const auto& level : grid_level_names()) msg += " " + level;
  throw InputError(msg);
}

GridSettings grid_level(std::string_view name) {
  const std::string level = resolve_grid_level_name(name);
  for (const auto& [known, settings] : levels()) {
    if (known == level) return settings;
  }
  throw std::logic_error("grid level table lacks '" + level + "'");
}

int radial_points_for(const GridSettings& settings, int z) {
  if (z < 1 || z > 36)
    throw std::invalid_argument("radial_points_for: Z = " + std::to_string(z) + " not in 1..36");
  const int period = z <= 2 ? 0 : z <= 10 ? 1 : z <= 18 ? 2 : 3;
  return settings.radial_points[period];
}

int angular_points_for(const GridSettings& settings, int z) {
  return z > 10 && settings.heavy_angular_points > 0 ? settings.heavy_angular_points : settings.angular_points;
}

bool pruned_for(const GridSettings& settings, int z) { return settings.prune && (z <= 2 || (z >= 5 && z <= 10)); }

}  // namespace dixc::grid
