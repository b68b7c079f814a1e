#pragma once
// Molecular integration grid: atom-centred Treutler-Ahlrichs x Lebedev grids, combined with fuzzy-cell
// partition weights, so that sum_i weights[i] f(points[i]) ~ int f(r) d^3r over all space.
#include <array>
#include <cstddef>
#include <vector>

#include "dixc/chem/molecule.hpp"
#include "dixc/grid/blocking.hpp"
#include "dixc/grid/grid_settings.hpp"

namespace dixc::grid {

struct MolecularGrid {
  std::vector<std::array<double, 3>> points;  // Bohr
  std::vector<double> weights;                // radial x angular x partition weight
  std::vector<int> parent_atom;               // atom whose grid the point came from (for weight derivatives)
  std::vector<GridBlock> blocks;              // cover [0, size()) in order, each spatially compact

  std::size_t size() const { return points.size(); }
};

// Builds the grid (OpenMP over radial shells). The result depends only on the molecule and the settings: the
// same input gives bit-identical points, weights and blocks whatever the thread count.
// Throws dixc::InputError for coinciding atoms or an element outside H-Kr, std::invalid_argument for settings
// that name no Lebedev rule or have fewer than one radial point.
MolecularGrid build_molecular_grid(const chem::Molecule& molecule, const GridSettings& settings);

// Points of one atom's grid under these settings before the partition cutoff drops any (the sum over its radial
// shells of their Lebedev rule sizes): a molecule's grid has at most the sum over its atoms, and for cost
// estimates that is close enough without building it. Throws like build_molecular_grid for bad settings.
std::size_t atomic_grid_points(const GridSettings& settings, int z);

}  // namespace dixc::grid
