#include "dixc/par/blas_kernels.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace dixc::par {

CpuVectorFeatures cpu_vector_features() {
  // GCC's CPU model checks both the CPUID bits and that the OS saves the AVX/AVX-512 registers (XCR0).
  __builtin_cpu_init();
  CpuVectorFeatures f;
  f.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  f.avx512 = f.avx2_fma && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vl");
  return f;
}

std::string better_openblas_core(const std::string& loaded_core, const CpuVectorFeatures& cpu) {
  std::string core = loaded_core;
  std::transform(core.begin(), core.end(), core.begin(), [](unsigned char c) { return std::tolower(c); });
  // OpenBLAS's x86-64 cores without AVX kernels: where its CPU detection lands on a model it does not know.
  constexpr std::array<const char*, 16> generic = {
      "unknown", "generic", "katmai",     "coppermine", "northwood", "prescott", "banias",        "atom",
      "core2",   "penryn",  "dunnington", "nehalem",    "athlon",    "opteron",  "opteron(sse3)", "barcelona"};
  if (std::find(generic.begin(), generic.end(), core) == generic.end()) return "";
  if (cpu.avx512) return "SkylakeX";
  if (cpu.avx2_fma) return "Haswell";
  return "";
}

std::string loaded_openblas_core() {
  // Looked up at run time: the BLAS behind libblas.so.3 may be another implementation.
  using CoreName = char* (*)();
  const auto core_name = reinterpret_cast<CoreName>(::dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* name = core_name ? core_name() : nullptr;
  return name ? std::string(name) : std::string();
}

}  // namespace dixc::par
