#pragma once
// [first, last) ranges of at most `size` consecutive items covering [0, n), in order.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace dixc::util {

inline std::vector<std::pair<std::int64_t, std::int64_t>> chunk_ranges(std::int64_t n, std::int64_t size) {
  size = std::max<std::int64_t>(size, 1);
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (std::int64_t first = 0; first < n; first += size) out.emplace_back(first, std::min(n, first + size));
  return out;
}

}  // namespace dixc::util
