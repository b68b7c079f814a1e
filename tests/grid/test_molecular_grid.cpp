// Molecular grids: exact integrals of atom-centred Gaussians, block geometry, determinism, settings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "dixc/grid/lebedev.hpp"
#include "dixc/grid/molecular_grid.hpp"
#include "dixc/grid/pruning.hpp"
#include "dixc/util/error.hpp"
#include "model_density.hpp"

namespace dixc::grid {
namespace {

// sum_i w_i (a/pi)^(3/2) exp(-a |r_i - R_A|^2) summed over the atoms in `atoms`; exact value: atoms.size().
double integrate_normalized_gaussians(const MolecularGrid& grid, const std::vector<chem::Atom>& atoms, double a) {
  const double norm = std::pow(a / std::numbers::pi, 1.5);
  double sum = 0.0;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    for (const auto& atom : atoms) {
      double d2 = 0.0;
      for (int k = 0; k < 3; ++k) d2 += std::pow(grid.points[i][k] - atom.position_bohr[k], 2);
      sum += grid.weights[i] * norm * std::exp(-a * d2);
    }
  }
  return sum;
}

// Diffuse valence to a tight 1s-like core (3000 ~ the O 1s density of def2-SVP); H gets the exponents a
// hydrogen density has (its tightest def2-SVP density exponent is 26).
TEST(MolecularGrid, IntegratesNormalizedGaussians) {
  for (const std::string name : {"H2O", "C2H4"}) {
    const chem::Molecule mol = gridtest::test_molecule(name);
    std::vector<chem::Atom> heavy, hydrogen;
    for (const auto& atom : mol.atoms) (atom.Z == 1 ? hydrogen : heavy).push_back(atom);
    // "medium" (the default) measured to 1.4e-7, the others to 1e-9.
    for (const auto& [level, tolerance] :
         {std::pair<std::string, double>{"medium", 3e-7}, {"fine", 1e-8}, {"xfine", 1e-8}}) {
      const MolecularGrid grid = build_molecular_grid(mol, grid_level(level));
      for (double a : {0.3, 1.0, 4.0, 30.0, 300.0, 3000.0}) {
        EXPECT_NEAR(integrate_normalized_gaussians(grid, heavy, a) / heavy.size(), 1.0, tolerance)
            << name << " " << level << " heavy atoms, a = " << a;
      }
      for (double a : {0.3, 1.0, 4.0, 10.0}) {
        EXPECT_NEAR(integrate_normalized_gaussians(grid, hydrogen, a) / hydrogen.size(), 1.0, tolerance)
            << name << " " << level << " hydrogens, a = " << a;
      }
    }
  }
}

TEST(MolecularGrid, BlocksAreCompactAndCoverAllPoints) {
  const chem::Molecule mol = gridtest::test_molecule("C2H4");
  GridSettings settings = grid_level("medium");
  for (std::size_t max_points : {64u, 128u, 256u}) {
    settings.max_block_points = max_points;
    const MolecularGrid grid = build_molecular_grid(mol, settings);
    ASSERT_FALSE(grid.blocks.empty());
    ASSERT_EQ(grid.weights.size(), grid.size());
    ASSERT_EQ(grid.parent_atom.size(), grid.size());
    std::size_t expected_begin = 0;
    for (const GridBlock& block : grid.blocks) {
      EXPECT_EQ(block.begin, expected_begin);
      ASSERT_GT(block.end, block.begin);
      EXPECT_LE(block.end - block.begin, max_points);
      EXPECT_GE(block.end - block.begin, max_points / 2);
      for (std::size_t i = block.begin; i < block.end; ++i) {
        const auto& p = grid.points[i];
        const double d = std::hypot(p[0] - block.center[0], p[1] - block.center[1], p[2] - block.center[2]);
        EXPECT_LE(d, block.radius * (1.0 + 1e-12) + 1e-300);
      }
      expected_begin = block.end;
    }
    EXPECT_EQ(expected_begin, grid.size());
  }
}

// Blocks must be local: their radii stay far below the molecule's size.
TEST(MolecularGrid, BlocksAreSmallComparedWithTheMolecule) {
  const MolecularGrid grid = build_molecular_grid(gridtest::test_molecule("C2H4"), grid_level("default"));
  std::vector<double> radii;
  for (const GridBlock& b : grid.blocks) radii.push_back(b.radius);
  std::sort(radii.begin(), radii.end());
  EXPECT_LT(radii[radii.size() / 2],
            1.5);  // median block radius in Bohr, near the nuclei the blocks are tiny
}

TEST(MolecularGrid, DropsPointsOutsideTheirCellAndRecordsParents) {
  const chem::Molecule mol = gridtest::test_molecule("HCN");
  GridSettings settings = grid_level("default");
  const MolecularGrid grid = build_molecular_grid(mol, settings);
  const AtomicPartition partition(mol, settings.partition, settings.size_adjustment);
  std::vector<double> scratch;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    EXPECT_GT(grid.weights[i], 0.0);  // Becke weights and the pruned rules are all positive
    ASSERT_GE(grid.parent_atom[i], 0);
    ASSERT_LT(grid.parent_atom[i], static_cast<int>(mol.atoms.size()));
    EXPECT_GE(partition.weight(static_cast<std::size_t>(grid.parent_atom[i]), grid.points[i], scratch), 1e-15);
  }
  settings.partition_cutoff = 0.0;
  EXPECT_GT(build_molecular_grid(mol, settings).size(), grid.size());
}

TEST(MolecularGrid, AtomicGridPointsCountTheGridBeforeTheCutoff) {
  for (const char* level : {"coarse", "default"})
    for (const char* name : {"HCN", "H2O"}) {
      const chem::Molecule mol = gridtest::test_molecule(name);
      GridSettings settings = grid_level(level);
      std::size_t sum = 0;
      for (const auto& atom : mol.atoms) sum += atomic_grid_points(settings, atom.Z);
      const std::size_t kept = build_molecular_grid(mol, settings).size();
      EXPECT_LT(kept, sum) << level << " " << name;
      EXPECT_GT(kept, sum * 8 / 10) << level << " " << name;
      settings.partition_cutoff = 0.0;
      EXPECT_EQ(build_molecular_grid(mol, settings).size(), sum) << level << " " << name;
    }
  // Unpruned rows: radial x angular exactly (coarse: Cl 70 x 590).
  EXPECT_EQ(atomic_grid_points(grid_level("coarse"), 17), 70u * 590u);
}

TEST(MolecularGrid, DeterministicWhateverTheThreadCount) {
  const chem::Molecule mol = gridtest::test_molecule("H2O");
  const GridSettings settings = grid_level("default");
  const MolecularGrid a = build_molecular_grid(mol, settings);
  const MolecularGrid b = build_molecular_grid(mol, settings);
#ifdef _OPENMP
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const MolecularGrid c = build_molecular_grid(mol, settings);
  omp_set_num_threads(threads);
#else
  const MolecularGrid c = build_molecular_grid(mol, settings);
#endif
  for (const MolecularGrid* other : {&b, &c}) {
    EXPECT_EQ(a.points, other->points);  // bitwise: operator== on doubles
    EXPECT_EQ(a.weights, other->weights);
    EXPECT_EQ(a.parent_atom, other->parent_atom);
    ASSERT_EQ(a.blocks.size(), other->blocks.size());
    for (std::size_t k = 0; k < a.blocks.size(); ++k) {
      EXPECT_EQ(a.blocks[k].begin, other->blocks[k].begin);
      EXPECT_EQ(a.blocks[k].end, other->blocks[k].end);
      EXPECT_EQ(a.blocks[k].center, other->blocks[k].center);
      EXPECT_EQ(a.blocks[k].radius, other->blocks[k].radius);
    }
  }
}

TEST(MolecularGrid, PruningKeepsTheBondingRegionFull) {
  const double bragg = 0.7 / chem::bohr_in_angstrom;
  EXPECT_EQ(pruned_angular_size(0.1 * bragg, bragg, 974), 50);
  EXPECT_EQ(pruned_angular_size(0.4 * bragg, bragg, 974), 110);
  EXPECT_EQ(pruned_angular_size(0.8 * bragg, bragg, 974), 302);
  EXPECT_EQ(pruned_angular_size(2.0 * bragg, bragg, 974), 974);
  EXPECT_EQ(pruned_angular_size(6.0 * bragg, bragg, 974), 590);
  // Never more than the maximum and never a rule with negative weights.
  for (int max_points : lebedev_sizes()) {
    for (double x : {0.01, 0.3, 0.6, 1.5, 10.0}) {
      const int n = pruned_angular_size(x * bragg, bragg, max_points);
      EXPECT_LE(n, max_points);
      if (n != max_points) {
        for (double w : lebedev_rule(n).weights) EXPECT_GT(w, 0.0) << n;
      }
    }
  }
}

TEST(MolecularGrid, PrunedGridIsSmallerAndAsAccurate) {
  const chem::Molecule mol = gridtest::test_molecule("H2O");
  GridSettings pruned = grid_level("default");
  GridSettings full = pruned;
  full.prune = false;
  const MolecularGrid gp = build_molecular_grid(mol, pruned);
  const MolecularGrid gf = build_molecular_grid(mol, full);
  EXPECT_LT(gp.size(), gf.size() * 6 / 10);
  EXPECT_NEAR(integrate_normalized_gaussians(gp, mol.atoms, 1.0), integrate_normalized_gaussians(gf, mol.atoms, 1.0),
              1e-9);
}

TEST(GridSettings, NamedLevels) {
  const GridSettings d = grid_level("default");
  const GridSettings m = grid_level("medium");
  EXPECT_EQ(d.radial_points, m.radial_points);
  EXPECT_EQ(d.angular_points, m.angular_points);
  EXPECT_EQ(d.radial_points, (std::array<int, 4>{60, 75, 85, 125}));
  EXPECT_EQ(d.angular_points, 590);
  EXPECT_EQ(grid_level("fine").angular_points, 974);
  EXPECT_TRUE(d.prune);
  EXPECT_EQ(d.partition, PartitionScheme::becke);
  EXPECT_FALSE(grid_level("xfine").prune);
  EXPECT_GT(grid_level("xfine").angular_points, d.angular_points);
  for (const std::string& name : grid_level_names()) EXPECT_NO_THROW(grid_level(name));
  EXPECT_EQ(radial_points_for(d, 1), 60);
  EXPECT_EQ(radial_points_for(d, 8), 75);
  EXPECT_EQ(radial_points_for(d, 17), 85);
  EXPECT_EQ(radial_points_for(d, 35), 125);
}

TEST(GridSettings, UnknownLevelListsValidNames) {
  try {
    grid_level("ultrafine");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("ultrafine"), std::string::npos);
    for (const char* name : {"coarse", "medium", "fine", "xfine", "default"}) {
      EXPECT_NE(msg.find(name), std::string::npos) << name;
    }
  }
}

TEST(MolecularGrid, RejectsBadInput) {
  const chem::Molecule mol = gridtest::test_molecule("H2O");
  GridSettings bad_angular = grid_level("default");
  bad_angular.angular_points = 100;
  EXPECT_THROW(build_molecular_grid(mol, bad_angular), std::invalid_argument);
  chem::Molecule clash = mol;
  clash.atoms[1].position_bohr = clash.atoms[0].position_bohr;
  EXPECT_THROW(build_molecular_grid(clash, grid_level("coarse")), InputError);
}

}  // namespace
}  // namespace dixc::grid
