#pragma once
// Spatial blocking of grid points: XC evaluation screens basis functions per block, so a block must be
// compact.
#include <array>
#include <cstddef>
#include <vector>

namespace dixc::grid {

// Points [begin, end) of a grid; all lie within `radius` of `center` (the block's bounding-box centre).
struct GridBlock {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::array<double, 3> center{};
  double radius = 0.0;
};

// Recursive median bisection along the longest bounding-box axis (a k-d tree) until a part holds at most
// max_points points; leaves are emitted depth first, so blocks are between max_points/2 and max_points large.
// Returns the permutation (new position -> old index) and fills `blocks` in terms of the permuted order.
// Deterministic: ties are broken by the original index, and points inside a block keep their original order.
std::vector<std::size_t> spatial_blocks(const std::vector<std::array<double, 3>>& points,
                                        std::size_t max_points, std::vector<GridBlock>& blocks);

}  // namespace dixc::grid
