#include "dixc/ml/element_coverage.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dixc/util/error.hpp"

namespace {

using dixc::ml::DatasetSplit;
using dixc::ml::ElementCoverage;
using dixc::ml::Split;

// 30 hydrocarbon parents (C and H in every one), two conformers each, plus the molecules a test adds.
struct Names {
  std::vector<std::string> names, formulas;
  Names() {
    for (int p = 0; p < 30; ++p)
      for (const char* suffix : {"", "_r1", "_r2"}) add("hc" + std::to_string(p) + suffix, "C2H6");
  }
  void add(const std::string& name, const std::string& formula) {
    names.push_back(name);
    formulas.push_back(formula);
  }
};

// The first seed from 0 whose split (0.15 / 0.2) puts each parent where `wanted` says.
std::uint64_t seed_with(const std::vector<std::string>& names,
                        const std::vector<std::pair<std::string, Split>>& wanted) {
  for (std::uint64_t seed = 0;; ++seed) {
    const DatasetSplit split(names, seed, 0.15, 0.2);
    if (std::all_of(wanted.begin(), wanted.end(), [&](const auto& w) { return split.of(w.first) == w.second; }))
      return seed;
  }
}

TEST(ElementCoverage, CountsTrainingParentsNotConformers) {
  Names n;
  for (const char* suffix : {"", "_r1", "_r2"}) n.add(std::string("CH3Cl") + suffix, "CH3Cl");
  n.add("HCl", "HCl");
  n.add("BH3", "BH3");
  const auto seed = seed_with(n.names, {{"CH3Cl", Split::train}, {"HCl", Split::test}, {"BH3", Split::validation}});
  const DatasetSplit split(n.names, seed, 0.15, 0.2);
  const ElementCoverage coverage(n.names, n.formulas, split);
  EXPECT_EQ(coverage.training_parents(17), 1u);  // three conformers, one parent
  EXPECT_EQ(coverage.training_parents(5), 0u);
  std::size_t hydrocarbons_in_training = 0;
  for (int p = 0; p < 30; ++p) hydrocarbons_in_training += split.of("hc" + std::to_string(p)) == Split::train;
  EXPECT_EQ(coverage.training_parents(6), hydrocarbons_in_training + 1);
  EXPECT_EQ(coverage.training_parents(1), hydrocarbons_in_training + 1);

  const auto rare = coverage.rare_elements("HCl");
  ASSERT_EQ(rare.size(), 1u);
  EXPECT_EQ(rare[0].z, 17);
  EXPECT_EQ(rare[0].training_parents, 1u);
  EXPECT_TRUE(coverage.rare_elements("HCl", 1).empty());
  EXPECT_TRUE(coverage.rare_elements("C2H6").empty());
  EXPECT_EQ(dixc::ml::describe(coverage.rare_elements("BCl3")), "B in 0 training parents, Cl in 1 training parent");
  EXPECT_EQ(dixc::ml::rare_element_report(n.names, n.formulas, split),
            "  test HCl: Cl in 1 training parent\n  validation BH3: B in 0 training parents\n");
}

TEST(ElementCoverage, CoveringSeedsAreThoseThatTrainOnTheOnlyParentOfAnElement) {
  // Boron is in BH3 alone, so a split covers every held-out element exactly when BH3 is trained on.
  Names n;
  n.add("BH3", "BH3");
  const auto seeds = dixc::ml::covering_split_seeds(n.names, n.formulas, 0.15, 0.2, 1000, 2, 60);
  std::vector<std::uint64_t> expected;
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    const DatasetSplit split(n.names, seed, 0.15, 0.2);
    if (split.of("BH3") == Split::train) expected.push_back(seed);
    EXPECT_EQ(dixc::ml::rare_element_report(n.names, n.formulas, split).empty(), split.of("BH3") == Split::train)
        << "seed " << seed;
  }
  EXPECT_EQ(seeds, expected);
  EXPECT_GT(seeds.size(), 5u);
  EXPECT_LT(seeds.size(), 55u);
  EXPECT_EQ(dixc::ml::covering_split_seeds(n.names, n.formulas, 0.15, 0.2, 3, 2, 60),
            std::vector<std::uint64_t>(seeds.begin(), seeds.begin() + 3));
}

TEST(ElementCoverage, MalformedFormulaIsAnInputError) {
  Names n;
  n.add("bad", "h2o");
  const DatasetSplit split(n.names, 1, 0.15, 0.2);
  EXPECT_THROW(ElementCoverage(n.names, n.formulas, split), dixc::InputError);
}

}  // namespace
