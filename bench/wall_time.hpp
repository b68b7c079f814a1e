#pragma once
// Wall-clock timing for the C++ benchmarks.
#include <algorithm>
#include <chrono>
#include <vector>

namespace dixc::bench {

// Seconds one call of f takes.
template <typename F>
double seconds_once(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Median of 5 calls: for passes that take milliseconds.
template <typename F>
double median_seconds(F&& f) {
  std::vector<double> t;
  for (int rep = 0; rep < 5; ++rep) t.push_back(seconds_once(f));
  std::nth_element(t.begin(), t.begin() + 2, t.end());
  return t[2];
}

}  // namespace dixc::bench
