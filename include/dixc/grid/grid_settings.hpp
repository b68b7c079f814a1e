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
  // Lebedev rule of the valence shells (and of every shell when unpruned) of H-Ne, and of Na-Kr. The heavier
  // rows need more: their polar bonds (Al-F, Si-Cl) put steep density gradients inside the big atom's cell;
  // with 590 points SiCl4 errs by 1.2e-5 Eh, with 974 by 3e-7 Eh.
  int angular_points = 0;
  int heavy_angular_points = 0;  // Na-Kr; 0: angular_points
  // Smaller Lebedev rules near the nucleus (see pruning.hpp), for H, He and B-Ne only: the pruning regions were
  // calibrated on those, and for Li (LiF: 5e-5 Eh) and the heavier rows they are not accurate.
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
//   "coarse"   50/ 60/ 70/ 80  x  302 (Na-Kr  590) pruned   ~8e-6 Eh   23k   quick looks only
//   "medium"   60/ 75/ 85/125  x  590 (Na-Kr  974) pruned   ~2e-7 Eh   58k
//   "fine"     75/ 99/110/125  x  974 (Na-Kr 1202) pruned   ~6e-9 Eh  112k
//   "default"  = "medium", the size class of NWChem's "fine" (H 60/590, C-F 70/590). Real B3LYP/def2-SVP SCF
//              energies (dixc scf, G2 geometries of H2O, NH3, CH4, HF, N2, CO, C2H4, HCN) differ from NWChem's
//              xfine grid (the reference in tests/data/reference_nwchem.json) by at most 7e-8 Eh, HOMO/LUMO
//              by 4e-8 Eh and dipoles by 5e-7 a.u.; NWChem's own "fine" errs by up to 2.1e-7 Eh. "fine"
//              gets within 1.1e-8 Eh at twice the XC cost. For scale, 99 x 590 unpruned (174k points for H2O)
//              errs by ~2e-7 Eh on the model tests.
//   "xfine"   150/150/175/200  x 1202 unpruned    ~1e-9 Eh  538k   reference for checking the others
// Pruning applies to H, He and B-Ne (see GridSettings::prune). SCF energies against "xfine" (B3LYP/def2-SVP, G2
// geometries): LiF medium -2.1e-7, fine 1.4e-7; AlF3 medium -8.0e-7, fine -4.8e-8; SiCl4 medium 3.0e-7, fine
// 4e-9 Eh. Pruning Li and Al-Cl, or 590 points for Na-Ar, cost 1e-5 to 7e-5 Eh on these.
// Names are case-sensitive. Throws dixc::InputError for an unknown name, listing the valid ones.
GridSettings grid_level(std::string_view name);

// The level a name stands for ("default" -> "medium"), so that datasets record what was used, not an alias
// whose meaning may change. Throws like grid_level.
std::string resolve_grid_level_name(std::string_view name);

// The accepted level names, "default" included.
const std::vector<std::string>& grid_level_names();

// Radial point count for element Z under these settings (by period). Throws std::invalid_argument
// outside 1..36.
int radial_points_for(const GridSettings& settings, int z);

// Lebedev rule of the valence shells of element z, and whether its shells are pruned.
int angular_points_for(const GridSettings& settings, int z);
bool pruned_for(const GridSettings& settings, int z);

}  // namespace dixc::grid
