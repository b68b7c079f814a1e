#include "dixc/grid/molecular_grid.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "dixc/chem/element.hpp"
#include "dixc/grid/lebedev.hpp"
#include "dixc/grid/partition.hpp"
#include "dixc/grid/pruning.hpp"
#include "dixc/grid/radial.hpp"

namespace dixc::grid {

namespace {

// One radial shell of one atom: the unit of parallel work.
struct Shell {
  int atom;
  double r;
  double w_radial;
  const AngularRule* angular;
};

struct ShellPoints {
  std::vector<std::array<double, 3>> points;
  std::vector<double> weights;
};

// Lebedev rule size of element z's radial shell at r (pruned near the nucleus and far out, pruning.hpp).
int shell_rule_size(const GridSettings& settings, int z, double r_bohr) {
  const int full = angular_points_for(settings, z);
  if (!pruned_for(settings, z)) return full;
  return pruned_angular_size(r_bohr, chem::element_by_number(z).bragg_radius_angstrom / chem::bohr_in_angstrom, full);
}

}  // namespace

std::size_t atomic_grid_points(const GridSettings& settings, int z) {
  std::size_t n = 0;
  for (const double r : treutler_ahlrichs_rule(radial_points_for(settings, z), treutler_xi(z)).r)
    n += lebedev_rule(shell_rule_size(settings, z, r)).points.size();  // validates the size like the build
  return n;
}

MolecularGrid build_molecular_grid(const chem::Molecule& molecule, const GridSettings& settings) {
  lebedev_rule(settings.angular_points);  // validates the sizes before any work
  if (settings.heavy_angular_points > 0) lebedev_rule(settings.heavy_angular_points);
  const AtomicPartition partition(molecule, settings.partition, settings.size_adjustment);

  std::vector<Shell> shells;
  for (std::size_t a = 0; a < molecule.atoms.size(); ++a) {
    const int z = molecule.atoms[a].Z;
    const RadialRule radial = treutler_ahlrichs_rule(radial_points_for(settings, z), treutler_xi(z));
    for (std::size_t i = 0; i < radial.r.size(); ++i)
      shells.push_back(
          {static_cast<int>(a), radial.r[i], radial.w[i], &lebedev_rule(shell_rule_size(settings, z, radial.r[i]))});
  }

  // Each shell writes only its own slot, so the concatenation below is independent of the schedule.
  std::vector<ShellPoints> out(shells.size());
#pragma omp parallel
  {
    std::vector<double> scratch;
#pragma omp for schedule(dynamic, 4)
    for (std::size_t s = 0; s < shells.size(); ++s) {
      const Shell& shell = shells[s];
      const auto& center = molecule.atoms[static_cast<std::size_t>(shell.atom)].position_bohr;
      const AngularRule& ang = *shell.angular;
      for (std::size_t j = 0; j < ang.points.size(); ++j) {
        const std::array<double, 3> p{center[0] + shell.r * ang.points[j][0], center[1] + shell.r * ang.points[j][1],
                                      center[2] + shell.r * ang.points[j][2]};
        const double w_cell = partition.weight(static_cast<std::size_t>(shell.atom), p, scratch);
        if (w_cell < settings.partition_cutoff) continue;
        out[s].points.push_back(p);
        out[s].weights.push_back(shell.w_radial * ang.weights[j] * w_cell);
      }
    }
  }

  std::vector<std::array<double, 3>> points;
  std::vector<double> weights;
  std::vector<int> parent;
  for (std::size_t s = 0; s < shells.size(); ++s) {
    points.insert(points.end(), out[s].points.begin(), out[s].points.end());
    weights.insert(weights.end(), out[s].weights.begin(), out[s].weights.end());
    parent.insert(parent.end(), out[s].points.size(), shells[s].atom);
  }

  MolecularGrid grid;
  const std::vector<std::size_t> order = spatial_blocks(points, settings.max_block_points, grid.blocks);
  grid.points.reserve(order.size());
  grid.weights.reserve(order.size());
  grid.parent_atom.reserve(order.size());
  for (std::size_t i : order) {
    grid.points.push_back(points[i]);
    grid.weights.push_back(weights[i]);
    grid.parent_atom.push_back(parent[i]);
  }
  return grid;
}

}  // namespace dixc::grid
