#include "dixc/par/batch_schedule.hpp"

#include <algorithm>
#include <list>
#include <numeric>
#include <random>
#include <stdexcept>

#include "dixc/par/schedule.hpp"

namespace dixc::par {

namespace {

// Items in largest_first order cut into groups of `group_size`, a group taking the next items whose families it
// does not hold yet (a skipped item stays first in line for the next group). Where every item left is of a family
// the group holds, the group is filled in order rather than left short. A list: a skipped item is passed over,
// taken ones are unlinked, so a group costs the scan over the few items skipped before it.
std::vector<std::vector<std::size_t>> cost_groups(const std::vector<double>& cost,
                                                  const std::vector<std::size_t>& family, std::size_t group_size) {
  const std::vector<std::size_t> order = largest_first(cost);
  std::list<std::size_t> waiting(order.begin(), order.end());
  std::vector<std::vector<std::size_t>> groups;
  while (!waiting.empty()) {
    std::vector<std::size_t>& group = groups.emplace_back();
    auto holds_family = [&](std::size_t item) {
      return std::any_of(group.begin(), group.end(), [&](std::size_t m) { return family[m] == family[item]; });
    };
    for (auto it = waiting.begin(); it != waiting.end() && group.size() < group_size;)
      if (holds_family(*it)) {
        ++it;
      } else {
        group.push_back(*it);
        it = waiting.erase(it);
      }
    while (group.size() < group_size && !waiting.empty()) {
      group.push_back(waiting.front());
      waiting.pop_front();
    }
  }
  return groups;
}

}  // namespace

BatchSchedule balanced_batches(const std::vector<double>& cost, const std::vector<std::size_t>& family,
                               std::size_t group_size, std::size_t batch_size, int ranks) {
  if (group_size < 1 || batch_size < 1 || ranks < 1)
    throw std::invalid_argument("balanced_batches: group size, batch size and ranks must be at least 1");
  if (family.size() != cost.size()) throw std::invalid_argument("balanced_batches: one family per item is needed");
  BatchSchedule s;
  s.group_size = std::min(group_size, batch_size);
  s.groups_per_batch = std::max<std::size_t>(1, batch_size / s.group_size);
  s.groups = cost_groups(cost, family, s.group_size);
  s.owner.assign(cost.size(), 0);
  std::vector<double> load(static_cast<std::size_t>(ranks), 0.0);
  for (const std::vector<std::size_t>& group : s.groups) {
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
