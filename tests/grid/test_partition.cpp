// Fuzzy-cell partition: weights are a partition of unity, lie in [0, 1], and favour the atom a point is near.
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

#include "dixc/grid/partition.hpp"
#include "dixc/util/error.hpp"
#include "model_density.hpp"

namespace dixc::grid {
namespace {

chem::Molecule random_cluster(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> coord(-4.0, 4.0);
  const int elements[] = {1, 6, 7, 8, 9, 14, 17, 26};
  chem::Molecule m;
  m.name = "cluster";
  for (int z : elements) m.atoms.push_back({z, {coord(rng), coord(rng), coord(rng)}});
  return m;
}

struct Case {
  PartitionScheme scheme;
  SizeAdjustment adjustment;
};
constexpr Case kCases[] = {{PartitionScheme::becke, SizeAdjustment::treutler},
                           {PartitionScheme::becke, SizeAdjustment::becke},
                           {PartitionScheme::becke, SizeAdjustment::none},
                           {PartitionScheme::ssf, SizeAdjustment::none}};

TEST(Partition, WeightsSumToOneAtRandomPoints) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> coord(-6.0, 6.0);
  for (const chem::Molecule& mol :
       {gridtest::test_molecule("H2O"), gridtest::test_molecule("C2H4"), random_cluster(1)}) {
    for (const Case c : kCases) {
      const AtomicPartition partition(mol, c.scheme, c.adjustment);
      std::vector<double> all, scratch;
      for (int k = 0; k < 2000; ++k) {
        const std::array<double, 3> r{coord(rng), coord(rng), coord(rng)};
        partition.weights(r, all);
        ASSERT_EQ(all.size(), mol.atoms.size());
        double sum = 0.0, sum_single = 0.0;
        for (std::size_t a = 0; a < all.size(); ++a) {
          EXPECT_GE(all[a], 0.0);
          EXPECT_LE(all[a], 1.0 + 1e-15);
          sum += all[a];
          const double single = partition.weight(a, r, scratch);
          EXPECT_NEAR(single, all[a], 1e-14);
          sum_single += single;
        }
        EXPECT_NEAR(sum, 1.0, 1e-14) << mol.name;
        EXPECT_NEAR(sum_single, 1.0, 1e-14) << mol.name;
      }
    }
  }
}

TEST(Partition, NucleusBelongsToItsAtom) {
  const chem::Molecule mol = gridtest::test_molecule("HCN");
  for (const Case c : kCases) {
    const AtomicPartition partition(mol, c.scheme, c.adjustment);
    std::vector<double> scratch;
    for (std::size_t a = 0; a < mol.atoms.size(); ++a) {
      EXPECT_NEAR(partition.weight(a, mol.atoms[a].position_bohr, scratch), 1.0, 1e-15);
      for (std::size_t b = 0; b < mol.atoms.size(); ++b) {
        if (b != a) {
          EXPECT_NEAR(partition.weight(b, mol.atoms[a].position_bohr, scratch), 0.0, 1e-15);
        }
      }
    }
  }
}

// The size adjustment moves the cell boundary towards the smaller atom: at the C-H midpoint carbon owns more.
TEST(Partition, SizeAdjustmentFavoursLargerAtom) {
  chem::Molecule ch;
  ch.atoms = {{6, {0.0, 0.0, 0.0}}, {1, {0.0, 0.0, 2.0}}};
  const std::array<double, 3> mid{0.0, 0.0, 1.0};
  std::vector<double> scratch;
  const double none =
      AtomicPartition(ch, PartitionScheme::becke, SizeAdjustment::none).weight(0, mid, scratch);
  const double treutler =
      AtomicPartition(ch, PartitionScheme::becke, SizeAdjustment::treutler).weight(0, mid, scratch);
  const double becke =
      AtomicPartition(ch, PartitionScheme::becke, SizeAdjustment::becke).weight(0, mid, scratch);
  EXPECT_NEAR(none, 0.5, 1e-15);
  EXPECT_GT(treutler, 0.5);
  EXPECT_GT(becke, treutler);
}

TEST(Partition, SingleAtomWeightIsOne) {
  chem::Molecule he;
  he.atoms = {{2, {0.1, 0.2, 0.3}}};
  const AtomicPartition partition(he, PartitionScheme::becke);
  std::vector<double> scratch;
  EXPECT_EQ(partition.weight(0, {5.0, -3.0, 1.0}, scratch), 1.0);
}

TEST(Partition, CoincidingAtomsAreAnInputError) {
  chem::Molecule bad;
  bad.name = "bad";
  bad.atoms = {{1, {0.0, 0.0, 0.0}}, {1, {0.0, 0.0, 0.0}}};
  EXPECT_THROW(AtomicPartition(bad, PartitionScheme::becke), InputError);
}

}  // namespace
}  // namespace dixc::grid
