#include "dixc/ml/torch_runtime.hpp"

#include <malloc.h>

#include <algorithm>

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/torch.h>

// OpenBLAS's own thread count, when the BLAS in use is OpenBLAS (weak: absent with another BLAS).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace dixc::ml {

void configure_torch(int threads) {
  at::set_num_threads(std::max(1, threads));
  // BLAS single-threaded: the OpenMP threads share the work (chunks, points), and OpenBLAS's pthreads spinning
  // against them doubled the DI step's time when OPENBLAS_NUM_THREADS was unset (docs/performance.md).
  if (openblas_set_num_threads) openblas_set_num_threads(1);
  torch::jit::setGraphExecutorOptimize(false);
  // Blocks up to 1 GiB from the heap, and no trimming below 1 GiB of free heap (mallopt(3)).
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace dixc::ml
