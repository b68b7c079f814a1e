#include <gtest/gtest.h>

#include "dixc/par/blas_kernels.hpp"

namespace {

using dixc::par::better_openblas_core;
using dixc::par::CpuVectorFeatures;

TEST(BlasKernels, GenericFallbackIsReplacedByTheBestSupportedCore) {
  EXPECT_EQ(better_openblas_core("Prescott", {true, true}), "SkylakeX");
  EXPECT_EQ(better_openblas_core("Prescott", {true, false}), "Haswell");
  EXPECT_EQ(better_openblas_core("Core2", {true, false}), "Haswell");
  EXPECT_EQ(better_openblas_core("Barcelona", {true, true}), "SkylakeX");
}

TEST(BlasKernels, KnownCoresAndOldCpusAreKept) {
  EXPECT_EQ(better_openblas_core("Haswell", {true, true}), "");
  EXPECT_EQ(better_openblas_core("SkylakeX", {true, true}), "");
  EXPECT_EQ(better_openblas_core("Zen", {true, false}), "");
  EXPECT_EQ(better_openblas_core("Prescott", {false, false}), "");  // no AVX2: SSE3 is right
  EXPECT_EQ(better_openblas_core("", {true, true}), "");            // not OpenBLAS
}

TEST(BlasKernels, TheTestProcessRunsWithTheKernelsItWouldChoose) {
  // test_main re-executes itself like dixc: the loaded core is never a generic one on a CPU with better kernels.
  const std::string loaded = dixc::par::loaded_openblas_core();
  if (loaded.empty()) GTEST_SKIP() << "the BLAS in use is not OpenBLAS";
  EXPECT_EQ(better_openblas_core(loaded, dixc::par::cpu_vector_features()), "") << "loaded core " << loaded;
}

}  // namespace
