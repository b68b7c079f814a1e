#include "dixc/grid/blocking.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace dixc::grid {

namespace {

struct Splitter {
  const std::vector<std::array<double, 3>>& points;
  std::size_t max_points;
  std::vector<std::size_t>& order;
  std::vector<GridBlock>& blocks;

  void emit(std::size_t lo, std::size_t hi) {
    std::sort(order.begin() + lo, order.begin() + hi);
    std::array<double, 3> lower{}, upper{};
    bounding_box(lo, hi, lower, upper);
    GridBlock block;
    block.begin = lo;
    block.end = hi;
    for (int k = 0; k < 3; ++k) block.center[k] = 0.5 * (lower[k] + upper[k]);
    double r2 = 0.0;
    for (std::size_t i = lo; i < hi; ++i) {
      const auto& p = points[order[i]];
      double d2 = 0.0;
      for (int k = 0; k < 3; ++k) d2 += (p[k] - block.center[k]) * (p[k] - block.center[k]);
      r2 = std::max(r2, d2);
    }
    block.radius = std::sqrt(r2);
    blocks.push_back(block);
  }

  void bounding_box(std::size_t lo, std::size_t hi, std::array<double, 3>& lower,
                    std::array<double, 3>& upper) {
    lower = upper = points[order[lo]];
    for (std::size_t i = lo + 1; i < hi; ++i) {
      for (int k = 0; k < 3; ++k) {
        lower[k] = std::min(lower[k], points[order[i]][k]);
        upper[k] = std::max(upper[k], points[order[i]][k]);
      }
    }
  }

  void split(std::size_t lo, std::size_t hi) {
    if (hi - lo <= max_points) {
      emit(lo, hi);
      return;
    }
    std::array<double, 3> lower{}, upper{};
    bounding_box(lo, hi, lower, upper);
    int axis = 0;
    for (int k = 1; k < 3; ++k) {
      if (upper[k] - lower[k] > upper[axis] - lower[axis]) axis = k;
    }
    // Strict total order (coordinate, then index), so the two halves are the same sets on every run.
    const auto less = [&](std::size_t a, std::size_t b) {
      const double ca = points[a][axis], cb = points[b][axis];
      return ca < cb || (ca == cb && a < b);
    };
    const std::size_t mid = lo + (hi - lo) / 2;
    std::nth_element(order.begin() + lo, order.begin() + mid, order.begin() + hi, less);
    split(lo, mid);
    split(mid, hi);
  }
};

}  // namespace

std::vector<std::size_t> spatial_blocks(const std::vector<std::array<double, 3>>& points,
                                        std::size_t max_points, std::vector<GridBlock>& blocks) {
  if (max_points < 2) throw std::invalid_argument("spatial_blocks: max_points must be at least 2");
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  blocks.clear();
  if (!points.empty()) Splitter{points, max_points, order, blocks}.split(0, points.size());
  return order;
}

}  // namespace dixc::grid
