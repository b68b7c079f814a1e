#include "dixc/ml/dataset_split.hpp"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

using dixc::ml::DatasetSplit;
using dixc::ml::Split;

// 25 parents with two rattled conformers each, as the ablation dataset.
std::vector<std::string> parents_with_conformers(int n_parents) {
  std::vector<std::string> names;
  for (int p = 0; p < n_parents; ++p)
    for (const char* suffix : {"", "_r1", "_r2"}) names.push_back("mol" + std::to_string(p) + suffix);
  return names;
}

TEST(DatasetSplit, ParentNameStripsOnlyRattleSuffixes) {
  EXPECT_EQ(dixc::ml::parent_name("CH3CHO_r12"), "CH3CHO");
  EXPECT_EQ(dixc::ml::parent_name("CH3CHO"), "CH3CHO");
  EXPECT_EQ(dixc::ml::parent_name("dimer_rA"), "dimer_rA");
  EXPECT_EQ(dixc::ml::parent_name("x_r"), "x_r");
}

TEST(DatasetSplit, FixedSharesOfParentsWithConformersTogether) {
  const auto names = parents_with_conformers(25);
  for (std::uint64_t seed : {0ull, 11ull, 12345ull}) {
    const DatasetSplit split(names, seed, 0.15, 0.2);
    EXPECT_EQ(split.parent_count(Split::test), 5u);        // round(0.2 * 25)
    EXPECT_EQ(split.parent_count(Split::validation), 4u);  // round(0.15 * 25) = round(3.75)
    EXPECT_EQ(split.parent_count(Split::train), 16u);
    for (int p = 0; p < 25; ++p) {
      const std::string parent = "mol" + std::to_string(p);
      EXPECT_EQ(split.of(parent + "_r1"), split.of(parent));
      EXPECT_EQ(split.of(parent + "_r2"), split.of(parent));
    }
  }
}

TEST(DatasetSplit, IndependentOfOrderAndDuplicatesButNotOfSeed) {
  auto names = parents_with_conformers(40);
  const DatasetSplit reference(names, 7, 0.1, 0.2);
  std::shuffle(names.begin(), names.end(), std::mt19937(3));
  names.push_back("mol3");
  const DatasetSplit shuffled(names, 7, 0.1, 0.2);
  std::set<std::string> test_a, test_b;
  for (const auto& n : names) {
    EXPECT_EQ(reference.of(n), shuffled.of(n)) << n;
    if (reference.of(n) == Split::test) test_a.insert(n);
    if (DatasetSplit(names, 8, 0.1, 0.2).of(n) == Split::test) test_b.insert(n);
  }
  EXPECT_NE(test_a, test_b);
  // select: the names of one split, sorted, duplicates kept as given
  const auto selected = shuffled.select(names, Split::test);
  EXPECT_TRUE(std::is_sorted(selected.begin(), selected.end()));
  EXPECT_EQ(std::set<std::string>(selected.begin(), selected.end()), test_a);
}

TEST(DatasetSplit, SmallSetsKeepATrainingParentAndEveryRequestedSplit) {
  const DatasetSplit three({"a", "b", "c"}, 1, 0.1, 0.1);
  EXPECT_EQ(three.parent_count(Split::test), 1u);
  EXPECT_EQ(three.parent_count(Split::validation), 1u);
  EXPECT_EQ(three.parent_count(Split::train), 1u);
  const DatasetSplit two({"a", "b"}, 1, 0.4, 0.4);
  EXPECT_GE(two.parent_count(Split::train), 1u);
  const DatasetSplit train_only({"a", "b", "c"}, 1, 0.0, 0.0);
  EXPECT_EQ(train_only.parent_count(Split::train), 3u);
  EXPECT_THROW(DatasetSplit({"a"}, 1, 0.6, 0.5), std::invalid_argument);
  EXPECT_THROW(three.of("unknown"), std::out_of_range);
}

}  // namespace
