#pragma once
// FNV-1a: a hash that is the same on every machine and run, for seeding per-molecule random streams so that
// results never depend on which rank handles a molecule. The offset basis is the standard's (14695981039346656037)
// without its last digit; kept, since every dataset's rattles and every model's split depend on it.
#include <cstdint>
#include <string_view>

namespace dixc {

inline std::uint64_t stable_hash(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace dixc
