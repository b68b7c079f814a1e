# Finds every design-card dependency once, as imported targets, so later code only adds sources.
# Debian 12 ships working CMake configs for MPI, Boost, Eigen, libint2, Torch, GTest and benchmark;
# ScaLAPACK, ELPA and libxc come through pkg-config (the ScaLAPACK config is broken, ELPA and libxc have none).
find_package(PkgConfig REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(Boost 1.74 REQUIRED CONFIG COMPONENTS program_options)
find_package(Libint2 REQUIRED CONFIG)
find_package(BLAS REQUIRED)
find_package(LAPACK REQUIRED)

pkg_check_modules(LIBXC REQUIRED IMPORTED_TARGET libxc)
pkg_check_modules(SCALAPACK REQUIRED IMPORTED_TARGET scalapack-openmpi)
pkg_check_modules(ELPA REQUIRED IMPORTED_TARGET elpa)

include(DixcHdf5Parallel)

if(DIXC_WITH_TORCH)
  find_package(Torch REQUIRED CONFIG)
endif()
