#include "dixc/par/schedule.hpp"

#include <algorithm>
#include <numeric>

namespace dixc::par {

std::vector<std::size_t> largest_first(const std::vector<double>& cost) {
  std::vector<std::size_t> order(cost.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  return order;
}

std::vector<int> owners_by_cost(const std::vector<double>& cost, int ranks) {
  std::vector<double> load(ranks, 0.0);
  std::vector<int> owner(cost.size(), 0);
  for (const std::size_t i : largest_first(cost)) {
    const int r = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[i] = r;
    load[r] += cost[i];
  }
  return owner;
}

}  // namespace dixc::par
