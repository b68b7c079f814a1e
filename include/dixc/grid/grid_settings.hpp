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
  // Points whose partition weight (the share of the point owned by its atom) is below this are dropped. The
  // cutoff is not applied to the full weight: near a nucleus r^2 dr makes that ~1e-20 while core densities
  // reach 1e4 and more, and dropping those points cost 1e-8 of a tight Gaussian's integral in tests.
  double partition_cutoff = 1e-15;
  // Spatial blocks hold between max_block_points/2 and max_block_points points.
  std::size_t max_block_points = 128;
};

// Named levels: radial points H-He / Li-Ne / Na-Ar / K-Kr x Lebedev rule of the valence shells. The error
// column is the largest deviation of LDA and B88 model exchange energies of H2O, CH4, C2H4 and HCN
// (def2-SVP-like densities, tests/grid/test_grid_accuracy.cpp) from a 250 x 2030 unpruned grid.
//   level      radial             angular          error     H2O points
//   "coarse"   50/ 60/ 70/ 80  x  302 pruned      ~8e-6 Eh   23k   quick looks only
//   "medium"   60/ 75/ 85/100  x  590 pruned      ~2e-7 Eh   58k
//   "fine"     75/ 99/110/125  x  974 pruned      ~6e-9 Eh  112k
//   "default"  = "fine". Real B3LYP/def2-SVP SCF energies (dixc scf, G2 geometries of H2O, NH3, CH4, HF, N2,
//              CO, C2H4, HCN) differ from "xfine" by at most 7e-9 Eh and from NWChem's xfine grid (the
//              reference in tests/data/reference_nwchem.json) by at most 1.1e-8 Eh; "medium" by at most
//              7e-8 Eh from "xfine", at a third of the SCF time. For scale, 99 x 590 unpruned (174k points
//              for H2O) errs by ~2e-7 Eh on the model tests.
//   "xfine"   150/150/175/200  x 1202 unpruned    ~1e-9 Eh  538k   reference for checking the others
// Names are case-sensitive. Throws dixc::InputError for an unknown name, listing the valid ones.
GridSettings grid_level(std::string_view name);

// The accepted level names, "default" included.
const std::vector<std::string>& grid_level_names();

// Radial point count for element Z under these settings (by period). Throws std::invalid_argument
// outside 1..36.
int radial_points_for(const GridSettings& settings, int z);

}  // namespace dixc::grid
