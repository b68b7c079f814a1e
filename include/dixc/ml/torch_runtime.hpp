#pragma once
// Process-wide LibTorch settings for dixc's workloads (few operations on large float64 tensors), set once by the
// commands that run models (train, evaluate, scf with a model) and by the benchmarks.

namespace dixc::ml {

// Intra-op threads (OMP_NUM_THREADS' value from the CLI); the TorchScript graph executor runs models as written
// (its profiling pass re-specialises a graph for every new input shape, seconds per molecule, and there is
// nothing to fuse); glibc keeps freed large blocks for reuse instead of returning them to the system (every
// temporary of a step is megabytes, and fresh pages cost more than the arithmetic on them); OpenBLAS (if it is
// the BLAS) single-threaded, as OPENBLAS_NUM_THREADS=1 in the job scripts.
void configure_torch(int threads);

}  // namespace dixc::ml
