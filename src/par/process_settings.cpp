#include "dixc/par/process_settings.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "dixc/par/blas_kernels.hpp"

namespace dixc::par {

namespace {
constexpr const char* kHugetlb = "glibc.malloc.hugetlb=";
// Set before the restart: a process started with it does not restart again, whatever the libraries did to the
// environment (so no exec loop, and dixc-ml, started by dixc, inherits the settings as they are).
constexpr const char* kRestarted = "DIXC_PROCESS_SETTINGS_APPLIED";
}  // namespace

std::string huge_page_mode_of(const std::string& line) {
  const auto open = line.find('['), close = line.find(']');
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  return line.substr(open + 1, close - open - 1);
}

std::string transparent_huge_page_mode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(in, line);
  return huge_page_mode_of(line);
}

bool malloc_huge_pages_requested(const char* tunables) {
  const std::string t = tunables ? tunables : "";
  const auto at = t.find(kHugetlb);
  if (at == std::string::npos) return false;
  const auto value = at + std::string(kHugetlb).size();
  return value < t.size() && t[value] != '0';
}

std::string tunables_with_malloc_huge_pages(const char* current, const std::string& thp_mode) {
  if (thp_mode != "madvise") return "";
  const std::string tunables = current ? current : "";
  if (tunables.find(kHugetlb) != std::string::npos) return "";
  const std::string hugetlb = std::string(kHugetlb) + "1";
  return tunables.empty() ? hugetlb : tunables + ":" + hugetlb;
}

void reexec_with_process_settings(char** argv) {
  if (std::getenv(kRestarted)) return;
  bool changed = false;
  if (!std::getenv("OPENBLAS_CORETYPE")) {
    const std::string core = better_openblas_core(loaded_openblas_core(), cpu_vector_features());
    changed |= !core.empty() && ::setenv("OPENBLAS_CORETYPE", core.c_str(), 1) == 0;
  }
  const std::string tunables =
      tunables_with_malloc_huge_pages(std::getenv("GLIBC_TUNABLES"), transparent_huge_page_mode());
  changed |= !tunables.empty() && ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) == 0;
  if (changed && ::setenv(kRestarted, "1", 1) == 0) ::execv("/proc/self/exe", argv);
}

}  // namespace dixc::par
