#pragma once
// Small MPI helpers below the runtime (par/runtime.hpp owns MPI's initialisation): rank and size of a
// communicator and a shared work counter. Library code receives communicators explicitly; nothing below app/
// reaches for MPI_COMM_WORLD.
#include <mpi.h>

namespace dixc::par {

int rank_of(MPI_Comm comm);
int size_of(MPI_Comm comm);

// A shared counter for dynamic scheduling: next() returns 0, 1, 2, ... across all ranks of the communicator,
// each value exactly once (MPI one-sided fetch-and-add on rank 0; no rank has to poll). Creation and
// destruction are collective.
class WorkCounter {
 public:
  explicit WorkCounter(MPI_Comm comm);
  ~WorkCounter();
  WorkCounter(const WorkCounter&) = delete;
  WorkCounter& operator=(const WorkCounter&) = delete;
  long next();

 private:
  MPI_Win window_ = MPI_WIN_NULL;
  long* value_ = nullptr;
};

}  // namespace dixc::par
