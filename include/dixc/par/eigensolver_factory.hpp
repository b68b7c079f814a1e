#pragma once
// Creates an Eigensolver by name, so the choice of library is a run-time option.
#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

#include "dixc/par/eigensolver.hpp"

namespace dixc::par {

// The names make_eigensolver accepts: "lapack", "scalapack", "elpa".
const std::vector<std::string>& eigensolver_names();

// "lapack" solves on each calling rank alone (comm unused); "scalapack" and "elpa" (two-stage) distribute
// over comm with 32 x 32 blocks, and then construction and every solve() are collective over comm.
// Throws InputError listing the valid names when name is unknown.
std::unique_ptr<Eigensolver> make_eigensolver(const std::string& name, MPI_Comm comm);

}  // namespace dixc::par
