#pragma once
// Training batches whose work splits evenly over the ranks (`dixc train`). A step ends in the gradient allreduce,
// so it takes as long as its slowest rank, and a rank keeps its molecules' features for the whole run (fixed
// owners). Drawing a batch molecule by molecule from a permutation left a batch of 4 on 2 ranks with 3 or 4 of its
// molecules on one rank about half the time (measured on the reduced G2 data: one rank waited 35-51 s of each
// 165-184 s epoch). Here the molecules are grouped once: neighbours in largest_first order, `group_size` of them
// of similar cost and of different families (a family: a parent molecule and its conformers; they cost the same
// and would otherwise always share a group, so a batch would hold half as many parents, a correlated sample). A
// group's members go to different ranks (largest member first, each to the least-loaded rank not yet used by its
// group); a batch is batch_size / group_size whole groups, drawn at random every epoch. With group_size = rank
// count each rank does one member of every group in a step, so the step's work is balanced up to the error of the
// cost estimate between neighbours (calc/cost_model.hpp; docs/performance.md has the waits this leaves), and the
// shards stay balanced in total.
// The batches depend on group_size and the seed, not on the rank count: the same group size gives the same batches
// (and the same parameters) on any number of ranks.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dixc::par {

struct BatchSchedule {
  std::vector<std::vector<std::size_t>> groups;  // item indices, similar cost, in cost order
  std::vector<int> owner;                        // owner rank of each item
  std::size_t group_size = 1;                    // members of a group (the last may have fewer)
  std::size_t groups_per_batch = 1;              // so a batch is group_size x groups_per_batch items

  std::size_t batches_per_epoch() const { return (groups.size() + groups_per_batch - 1) / groups_per_batch; }
  // The batches (item indices) of one epoch: the groups in the order of a permutation seeded by `seed`.
  std::vector<std::vector<std::size_t>> epoch_batches(std::uint64_t seed) const;
};

// Groups of `group_size` items (at most batch_size; the last group may be smaller), no two of one family where
// another item is waiting (items with equal family[i] are related), batch_size / group_size groups per batch
// (rounded down, at least one: a batch size that is not a multiple of the group size gives smaller steps), owners
// over `ranks`. Deterministic for given arguments.
BatchSchedule balanced_batches(const std::vector<double>& cost, const std::vector<std::size_t>& family,
                               std::size_t group_size, std::size_t batch_size, int ranks);

}  // namespace dixc::par
