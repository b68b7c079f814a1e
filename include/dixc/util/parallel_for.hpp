#pragma once
// body(i) for i in [0, n) on the OpenMP threads, dynamically scheduled; the first exception thrown by any
// iteration is rethrown after the loop (an exception must not leave an OpenMP region). Torch operations inside
// run single-threaded (ATen does not nest parallel regions), and thread-local torch state (grad mode) starts at
// its default in each worker thread: set it inside `body`. A single item runs on the calling thread, outside any
// parallel region, so that its own parallel work (torch's threads, OpenMP loops inside) keeps every thread.
#include <cstddef>
#include <exception>

namespace dixc::util {

template <class Body>
void parallel_for(std::size_t n, Body&& body) {
  if (n == 1) {
    body(0);
    return;
  }
  std::exception_ptr error;
#pragma omp parallel for schedule(dynamic)
  for (std::size_t i = 0; i < n; ++i) {
    try {
      body(i);
    } catch (...) {
#pragma omp critical(dixc_parallel_for_error)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace dixc::util
