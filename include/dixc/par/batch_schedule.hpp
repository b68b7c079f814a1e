#pragma once
// Training batches whose work splits evenly over the ranks (`dixc train`). A step ends in the gradient allreduce,
// so it takes as long as its slowest rank, and a rank keeps its molecules' features for the whole run (fixed
// owners). Drawing a batch molecule by molecule from a permutation left a batch of 4 on 2 ranks with 3 or 4 of its
// molecules on one rank about half the time (measured on the reduced G2 data: one rank waited 35-51 s of each
// 165-184 s epoch). Here the molecules are grouped once: neighbours in largest_first order, `group_size` of them
// of similar cost and of different families (a family: a parent molecule and its conformers, which cost the same
// and would otherwise always share a group, halving the distinct molecules of a batch: on the reduced G2 benchmark
// 7 of its 8 models came out 1-8 mEh worse that way, one seed); a group's members go to different ranks (largest member
// first, each to the least-loaded rank not yet used by its group); a batch is batch_size / group_size whole groups,
// drawn at random every epoch. With group_size = rank count each rank does one member of every group in a step, so
// the step's work is balanced up to the cost difference of neighbours, and the shards stay balanced in total.
// The batches depend on group_size and the seed, not on the rank count: the same group size gives the same batches
// (and the same parameters) on any number of ranks.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dixc::par {

struct BatchSchedule {
  std::vector<std::vector<std::size_t>> groups;  // item indices, similar cost, largest first
  std::vector<int> owner;                        // owner rank of each item
  std::size_t groups_per_batch = 1;

  std::size_t batches_per_epoch() const { return (groups.size() + groups_per_batch - 1) / groups_per_batch; }
  // The batches (item indices) of one epoch: the groups in the order of a permutation seeded by `seed`.
  std::vector<std::vector<std::size_t>> epoch_batches(std::uint64_t seed) const;
};

// Groups of `group_size` items (at most batch_size; the last group may be smaller), no two of one family unless
// only that family is left (items with equal family[i] are related), batch_size / group_size groups per batch (at
// least one), owners over `ranks`. Deterministic for given arguments.
BatchSchedule balanced_batches(const std::vector<double>& cost, const std::vector<std::size_t>& family,
                               std::size_t group_size, std::size_t batch_size, int ranks);

}  // namespace dixc::par
