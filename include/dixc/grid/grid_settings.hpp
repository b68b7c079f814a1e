#pragma once
// Size and shape of the molecular integration grid, and the named accuracy levels.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dixc/grid/partition.hpp"

namespace dixc::grid {

struct GridSettings {
  // Treutler-Ahlrichs radial points per period: H-He, Li-Ne, Na-Ar, K-Kr.
  std::array<int, 4> radial_points{};
  // Lebedev rule of the valence shells (and of every shell when prune is false).
  int angular_points = 0;
  // Smaller Lebedev rules near the nucleus (see pruning.hpp).
  bool prune = true;
  PartitionScheme partition = PartitionScheme::becke;
  SizeAdjustment size_adjustment = SizeAdjustment::treutler;
  // Points with |weight| below this are dropped (they cannot change any integral at 1e-15 relative).
  double weight_cutoff = 1e-15;
  // Spatial blocks hold between max_block_points/2 and max_block_points points.
  std::size_t max_block_points = 128;
};

// Named levels (numbers are radial points H / Li-Ne / Na-Ar / K-Kr, then the valence Lebedev rule):
//   "coarse"  50/ 60/ 70/ 80 x 302, pruned   quick tests and exploratory work only
//   "medium"  60/ 75/ 85/100 x 434, pruned
//   "fine"    75/ 99/110/125 x 590, pruned   = "default"; B3LYP energies of small organics within ~3e-7 Eh
//                                                of the grid limit
//   "xfine"  150/150/175/200 x 1202, not pruned  reference quality for checking the others
// Throws dixc::InputError for an unknown name, listing the valid ones. Names are case-sensitive.
GridSettings grid_level(std::string_view name);

// The accepted level names, "default" included.
const std::vector<std::string>& grid_level_names();

// Radial point count for element Z under these settings (by period). Throws std::invalid_argument outside 1..36.
int radial_points_for(const GridSettings& settings, int z);

}  // namespace dixc::grid
