# The dataset is written collectively from all ranks, so a serial HDF5 build is a configuration error,
# not something to discover at run time.
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "dixc needs the parallel (MPI) build of HDF5; found a serial one at ${HDF5_INCLUDE_DIRS}. "
                      "On Debian: apt-get install libhdf5-openmpi-dev")
endif()
add_library(dixc_hdf5 INTERFACE)
target_include_directories(dixc_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(dixc_hdf5 INTERFACE ${HDF5_C_LIBRARIES} MPI::MPI_C)
target_compile_definitions(dixc_hdf5 INTERFACE ${HDF5_DEFINITIONS})
