#include "dixc/ml/torch_runtime.hpp"

#include <malloc.h>

#include <algorithm>

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/torch.h>

namespace dixc::ml {

void configure_torch(int threads) {
  at::set_num_threads(std::max(1, threads));
  torch::jit::setGraphExecutorOptimize(false);
  // Blocks up to 1 GiB from the heap, and no trimming below 1 GiB of free heap (mallopt(3)).
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace dixc::ml
