#pragma once
// OpenBLAS picks its compute kernels from the CPU model when it is loaded. The one of Debian 12 (0.3.21) does not
// know CPUs newer than itself and then falls back to its generic SSE3 kernels ("Prescott"): on an Intel Xeon of
// family 6 model 207 its dgemm ran 3-5x slower than with the AVX-512 kernels it has (docs/performance.md, "OpenBLAS
// kernels"). The choice cannot be changed once the library is loaded, so a process that finds such a fallback sets
// OPENBLAS_CORETYPE to the best kernel set its CPU supports and executes itself again before doing anything else
// (process_settings.hpp).
#include <string>

namespace dixc::par {

// What the CPU supports, as far as the choice of OpenBLAS kernels goes.
struct CpuVectorFeatures {
  bool avx2_fma = false;  // AVX2 and FMA3 (OpenBLAS "Haswell")
  bool avx512 = false;    // AVX-512 F, CD, BW, DQ and VL (OpenBLAS "SkylakeX")
};

// The features of this CPU (and operating system).
CpuVectorFeatures cpu_vector_features();

// The OpenBLAS core to request instead of `loaded_core` (the name OpenBLAS reports for the kernels it chose), or
// "" to keep it: only a generic pre-AVX core on a CPU with AVX2/FMA or AVX-512 is replaced.
std::string better_openblas_core(const std::string& loaded_core, const CpuVectorFeatures& cpu);

// The core of the loaded OpenBLAS ("" when the BLAS in use is not OpenBLAS).
std::string loaded_openblas_core();

}  // namespace dixc::par
