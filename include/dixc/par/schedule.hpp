#pragma once
// How molecules are distributed over ranks, one rule in two forms: largest first (by calc/cost_model.hpp), to
// whichever rank has the least work.
// - Dynamic (generate, evaluate): the molecules in largest_first order, each drawn by the next free rank or team
//   from a shared counter (TieredSchedule, par/tiered_schedule.hpp), so a slow molecule never holds up the others.
// - Static (train): a rank keeps its molecules' features in memory for the whole run and every step needs all
//   ranks, so owners are fixed once, the same for every epoch: the validation molecules by owners_by_cost, the
//   training molecules by their cost groups, so that each step, not only the shard, is balanced
//   (par/batch_schedule.hpp).
#include <vector>

namespace dixc::par {

// Indices of `cost` by decreasing cost, ties in index order (so every rank computes the same order).
std::vector<std::size_t> largest_first(const std::vector<double>& cost);

// Owner rank of each item: largest cost first, to the rank with the least cost so far (ties: the lower rank),
// so that the shards weigh alike (greedy longest-processing-time). Deterministic for a given rank count.
std::vector<int> owners_by_cost(const std::vector<double>& cost, int ranks);

}  // namespace dixc::par
