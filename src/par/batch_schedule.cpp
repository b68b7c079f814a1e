#include "dixc/par/batch_schedule.hpp"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

#include "dixc/par/schedule.hpp"

namespace dixc::par {

BatchSchedule balanced_batches(const std::vector<double>& cost, std::size_t group_size, std::size_t batch_size,
                               int ranks) {
  if (group_size < 1 || batch_size < 1 || ranks < 1)
    throw std::invalid_argument("balanced_batches: group size, batch size and ranks must be at least 1");
  group_size = std::min(group_size, batch_size);
  BatchSchedule s;
  s.groups_per_batch = std::max<std::size_t>(1, batch_size / group_size);
  s.owner.assign(cost.size(), 0);
  const std::vector<std::size_t> order = largest_first(cost);
  std::vector<double> load(static_cast<std::size_t>(ranks), 0.0);
  for (std::size_t first = 0; first < order.size(); first += group_size) {
    const std::size_t last = std::min(order.size(), first + group_size);
    std::vector<std::size_t>& group = s.groups.emplace_back(order.begin() + first, order.begin() + last);
    std::vector<bool> used(load.size(), false);
    for (const std::size_t item : group) {
      if (std::all_of(used.begin(), used.end(), [](bool u) { return u; })) used.assign(load.size(), false);
      std::size_t best = load.size();
      for (std::size_t r = 0; r < load.size(); ++r)
        if (!used[r] && (best == load.size() || load[r] < load[best])) best = r;
      s.owner[item] = static_cast<int>(best);
      used[best] = true;
      load[best] += cost[item];
    }
  }
  return s;
}

std::vector<std::vector<std::size_t>> BatchSchedule::epoch_batches(std::uint64_t seed) const {
  std::vector<std::size_t> order(groups.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 gen(seed);
  std::shuffle(order.begin(), order.end(), gen);
  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t first = 0; first < order.size(); first += groups_per_batch) {
    std::vector<std::size_t>& batch = batches.emplace_back();
    for (std::size_t k = first; k < std::min(order.size(), first + groups_per_batch); ++k)
      batch.insert(batch.end(), groups[order[k]].begin(), groups[order[k]].end());
  }
  return batches;
}

}  // namespace dixc::par
