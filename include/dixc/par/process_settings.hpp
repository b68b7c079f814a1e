#pragma once
// Settings that libraries read once, when the process starts, applied by executing the process again before it
// does anything else (call first in main, before MPI or any thread starts):
//  - OPENBLAS_CORETYPE, when OpenBLAS fell back to generic kernels on a CPU that has better ones (blas_kernels.hpp);
//  - glibc.malloc.hugetlb=1 in GLIBC_TUNABLES, when the kernel gives transparent huge pages only on request
//    ("madvise" mode): glibc's malloc then asks for them for its large blocks. The grid's AO cache and the
//    training step's tensors are large blocks allocated, touched once and freed; with 4 KiB pages every first touch
//    is a page fault, which in a virtual machine cost a quarter of a benzene SCF and 12 s of system time per
//    training epoch (docs/performance.md, "Transparent huge pages").
// A setting the user made (either variable names it) is kept. Memory use is unchanged (glibc asks only for blocks
// it maps anyway).
#include <string>

namespace dixc::par {

// The kernel's transparent-huge-page mode: the bracketed word of a line of
// /sys/kernel/mm/transparent_hugepage/enabled ("always", "madvise", "never"), "" if none; and this machine's.
std::string huge_page_mode_of(const std::string& line);
std::string transparent_huge_page_mode();

// Whether GLIBC_TUNABLES (`tunables`, null when unset) has malloc ask for huge pages (glibc.malloc.hugetlb not 0).
bool malloc_huge_pages_requested(const char* tunables);

// GLIBC_TUNABLES with glibc.malloc.hugetlb=1 added to `current` (the variable's value, null when unset), or "" to
// leave it as it is: the mode is not "madvise" (nothing to ask for), or `current` already sets hugetlb.
std::string tunables_with_malloc_huge_pages(const char* current, const std::string& thp_mode);

// Sets what the process lacks of the above and replaces it by /proc/self/exe with the same arguments, at most once
// (DIXC_PROCESS_SETTINGS_APPLIED marks the second start). Returns when there is nothing to set, on the second
// start, or when the exec failed (the process then goes on as it is).
void reexec_with_process_settings(char** argv);

}  // namespace dixc::par
