// Training batches of whole cost groups (par/batch_schedule.hpp): every molecule once per epoch, a group's members
// on different ranks, the same batches for any rank count at a fixed group size, and a step's work balanced over
// the ranks where drawing molecule by molecule (the schedule before) is not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "dixc/par/batch_schedule.hpp"
#include "dixc/par/schedule.hpp"

namespace dixc {
namespace {

// Costs spread over three orders of magnitude, more than the G2 molecules' (calc::training_step_cost: ~2 orders).
std::vector<double> skewed_costs(std::size_t n) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> exponent(2.0, 5.0);
  std::vector<double> c(n);
  for (auto& x : c) x = std::pow(10.0, exponent(gen));
  return c;
}

// Every item its own family (no parent shares a group with its conformers in these tests).
std::vector<std::size_t> unrelated(std::size_t n) {
  std::vector<std::size_t> f(n);
  std::iota(f.begin(), f.end(), 0);
  return f;
}

// sum over steps of the slowest rank's work / sum over steps of the mean rank's work (1: perfectly balanced).
double step_imbalance(const std::vector<std::vector<std::size_t>>& batches, const std::vector<int>& owner,
                      const std::vector<double>& cost, int ranks) {
  double slowest = 0.0, mean = 0.0;
  for (const auto& batch : batches) {
    std::vector<double> load(static_cast<std::size_t>(ranks), 0.0);
    for (const std::size_t i : batch) load[static_cast<std::size_t>(owner[i])] += cost[i];
    slowest += *std::max_element(load.begin(), load.end());
    mean += std::accumulate(load.begin(), load.end(), 0.0) / ranks;
  }
  return slowest / mean;
}

TEST(BatchSchedule, EveryMoleculeOncePerEpochInWholeGroups) {
  const std::vector<double> cost = skewed_costs(87);
  const par::BatchSchedule s = par::balanced_batches(cost, unrelated(cost.size()), 2, 4, 2);
  EXPECT_EQ(s.groups.size(), 44u);  // 43 pairs and a last single
  EXPECT_EQ(s.groups_per_batch, 2u);
  EXPECT_EQ(s.batches_per_epoch(), 22u);
  for (const std::uint64_t seed : {1u, 2u}) {
    const auto batches = s.epoch_batches(seed);
    ASSERT_EQ(batches.size(), s.batches_per_epoch());
    std::multiset<std::size_t> seen;
    std::size_t short_batches = 0;
    for (const auto& b : batches) {
      // A batch is whole groups: each group's members appear together, in the group's order.
      for (std::size_t k = 0; k < b.size();) {
        const auto g = std::find_if(s.groups.begin(), s.groups.end(), [&](const auto& grp) { return grp[0] == b[k]; });
        ASSERT_NE(g, s.groups.end());
        ASSERT_LE(k + g->size(), b.size());
        EXPECT_TRUE(std::equal(g->begin(), g->end(), b.begin() + static_cast<std::ptrdiff_t>(k)));
        k += g->size();
      }
      EXPECT_LE(b.size(), 4u);
      short_batches += b.size() < 4;
      seen.insert(b.begin(), b.end());
    }
    EXPECT_EQ(short_batches, 1u);  // the batch holding the single
    EXPECT_EQ(seen.size(), cost.size());
    EXPECT_EQ(std::set<std::size_t>(seen.begin(), seen.end()).size(), cost.size());
  }
  EXPECT_EQ(s.epoch_batches(1), s.epoch_batches(1));
  EXPECT_NE(s.epoch_batches(1), s.epoch_batches(2));
  // Groups are neighbours by cost, largest first.
  for (std::size_t g = 0; g + 1 < s.groups.size(); ++g)
    EXPECT_GE(cost[s.groups[g].back()], cost[s.groups[g + 1].front()]);
}

TEST(BatchSchedule, GroupMembersOnDifferentRanksAndShardsBalanced) {
  const std::vector<double> cost = skewed_costs(120);
  for (const int ranks : {2, 3, 4}) {
    const par::BatchSchedule s =
        par::balanced_batches(cost, unrelated(cost.size()), static_cast<std::size_t>(ranks), 8, ranks);
    std::vector<double> load(static_cast<std::size_t>(ranks), 0.0);
    for (const auto& g : s.groups) {
      std::set<int> owners;
      for (const std::size_t i : g) owners.insert(s.owner[i]);
      EXPECT_EQ(owners.size(), g.size()) << ranks << " ranks";
    }
    for (std::size_t i = 0; i < cost.size(); ++i) load[static_cast<std::size_t>(s.owner[i])] += cost[i];
    const double largest = *std::max_element(cost.begin(), cost.end());
    EXPECT_LE(*std::max_element(load.begin(), load.end()) - *std::min_element(load.begin(), load.end()), largest);
  }
  // One large molecule: least-loaded alone would put both members of every later pair on the other rank.
  const par::BatchSchedule one_large = par::balanced_batches({100.0, 1.0, 1.0, 1.0, 1.0, 1.0}, unrelated(6), 2, 4, 2);
  for (const auto& g : one_large.groups) EXPECT_NE(one_large.owner[g.front()], one_large.owner[g.back()]);
  // More members than ranks: every rank is used before one is used twice.
  const par::BatchSchedule s = par::balanced_batches(cost, unrelated(cost.size()), 4, 4, 2);
  for (const auto& g : s.groups) {
    int on_zero = 0;
    for (const std::size_t i : g) on_zero += s.owner[i] == 0;
    EXPECT_EQ(on_zero, 2);
  }
}

TEST(BatchSchedule, AParentAndItsConformersInDifferentGroups) {
  // 30 parents, each with two conformers of the same cost (as rattled G2 geometries): grouping neighbours alone
  // would make every group of 3 one parent's family.
  std::vector<double> cost;
  std::vector<std::size_t> family;
  const std::vector<double> parent_cost = skewed_costs(30);
  for (std::size_t p = 0; p < parent_cost.size(); ++p)
    for (int k = 0; k < 3; ++k) {
      cost.push_back(parent_cost[p]);
      family.push_back(p);
    }
  for (const std::size_t group_size : {2u, 3u}) {
    const par::BatchSchedule s = par::balanced_batches(cost, family, group_size, 6, 2);
    std::size_t members = 0;
    for (const auto& g : s.groups) {
      std::set<std::size_t> families;
      for (const std::size_t i : g) families.insert(family[i]);
      EXPECT_EQ(families.size(), g.size()) << "group size " << group_size;
      members += g.size();
    }
    EXPECT_EQ(members, cost.size());
    // Still neighbours by cost: a group's parents are at most group_size places apart in cost order.
    std::vector<std::size_t> place = par::largest_first(parent_cost), place_of(parent_cost.size());
    for (std::size_t k = 0; k < place.size(); ++k) place_of[place[k]] = k;
    for (const auto& g : s.groups) {
      std::size_t lo = place.size(), hi = 0;
      for (const std::size_t i : g) {
        lo = std::min(lo, place_of[family[i]]);
        hi = std::max(hi, place_of[family[i]]);
      }
      EXPECT_LE(hi - lo, group_size);
    }
  }
  // A family larger than the group (5 conformers, groups of 2) spreads over consecutive groups.
  const par::BatchSchedule five = par::balanced_batches({9.0, 9.0, 9.0, 9.0, 9.0, 5.0, 4.0, 3.0, 2.0, 1.0},
                                                        {0, 0, 0, 0, 0, 1, 2, 3, 4, 5}, 2, 4, 2);
  for (const auto& g : five.groups) EXPECT_FALSE(g.size() == 2 && g[0] < 5 && g[1] < 5);
  // Only one family left: it fills the group rather than leaving it short.
  const par::BatchSchedule one_family = par::balanced_batches({1.0, 1.0, 1.0, 1.0}, {0, 0, 0, 0}, 2, 4, 2);
  EXPECT_EQ(one_family.groups.size(), 2u);
  EXPECT_THROW(par::balanced_batches({1.0, 1.0}, {0}, 2, 4, 2), std::invalid_argument);
}

TEST(BatchSchedule, SameBatchesForAnyRankCountAtAFixedGroupSize) {
  const std::vector<double> cost = skewed_costs(50);
  const auto reference = par::balanced_batches(cost, unrelated(cost.size()), 2, 4, 1).epoch_batches(9);
  for (const int ranks : {2, 3, 5})
    EXPECT_EQ(par::balanced_batches(cost, unrelated(cost.size()), 2, 4, ranks).epoch_batches(9), reference);
  // A group larger than the batch is cut to the batch.
  const par::BatchSchedule s = par::balanced_batches(cost, unrelated(cost.size()), 8, 4, 2);
  EXPECT_EQ(s.groups.front().size(), 4u);
  EXPECT_EQ(s.groups_per_batch, 1u);
  EXPECT_THROW(par::balanced_batches(cost, unrelated(cost.size()), 0, 4, 2), std::invalid_argument);
  // A batch size that is not a multiple of the group size: whole groups, rounded down.
  const par::BatchSchedule five_of_two = par::balanced_batches(cost, unrelated(cost.size()), 2, 5, 2);
  EXPECT_EQ(five_of_two.group_size, 2u);
  EXPECT_EQ(five_of_two.groups_per_batch, 2u);
}

TEST(BatchSchedule, StepWorkBalancedWhereMoleculeByMoleculeBatchesAreNot) {
  const std::vector<double> cost = skewed_costs(86);
  for (const int ranks : {2, 4}) {
    const std::size_t batch = 4;
    const par::BatchSchedule s =
        par::balanced_batches(cost, unrelated(cost.size()), static_cast<std::size_t>(ranks), batch, ranks);
    // Before: owners by cost, batches of consecutive molecules of a permutation.
    const std::vector<int> owner = par::owners_by_cost(cost, ranks);
    double grouped = 0.0, drawn = 0.0;
    for (std::uint64_t epoch = 0; epoch < 8; ++epoch) {
      grouped += step_imbalance(s.epoch_batches(epoch), s.owner, cost, ranks);
      std::vector<std::size_t> order(cost.size());
      std::iota(order.begin(), order.end(), 0);
      std::mt19937_64 gen(epoch);
      std::shuffle(order.begin(), order.end(), gen);
      std::vector<std::vector<std::size_t>> batches;
      for (std::size_t k = 0; k < order.size(); k += batch)
        batches.emplace_back(order.begin() + k, order.begin() + std::min(order.size(), k + batch));
      drawn += step_imbalance(batches, owner, cost, ranks);
    }
    grouped /= 8;
    drawn /= 8;
    EXPECT_LT(grouped, 1.15) << ranks << " ranks";
    EXPECT_GT(drawn, 1.3) << ranks << " ranks";
  }
}

}  // namespace
}  // namespace dixc
