// The learned-functional tests run LibTorch configured as dixc-ml configures it (ml::configure_torch: thread
// count, single-threaded OpenBLAS, no TorchScript graph optimisation), so that they test the code paths users run.
#include <gtest/gtest.h>

#include <omp.h>

#include "dixc/ml/torch_runtime.hpp"

namespace {

class TorchEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { dixc::ml::configure_torch(omp_get_max_threads()); }
};

const ::testing::Environment* const torch_environment = ::testing::AddGlobalTestEnvironment(new TorchEnvironment);

}  // namespace
