#include "dixc/par/mpi_environment.hpp"

namespace dixc::par {

int rank_of(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

int size_of(MPI_Comm comm) {
  int s = 1;
  MPI_Comm_size(comm, &s);
  return s;
}

WorkCounter::WorkCounter(MPI_Comm comm) {
  const MPI_Aint bytes = rank_of(comm) == 0 ? static_cast<MPI_Aint>(sizeof(long)) : 0;
  MPI_Win_allocate(bytes, sizeof(long), MPI_INFO_NULL, comm, &value_, &window_);
  if (rank_of(comm) == 0) {
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_);
    *value_ = 0;
    MPI_Win_unlock(0, window_);
  }
  MPI_Barrier(comm);
}

WorkCounter::~WorkCounter() {
  if (window_ != MPI_WIN_NULL) MPI_Win_free(&window_);
}

long WorkCounter::next() {
  const long one = 1;
  long previous = 0;
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window_);
  MPI_Fetch_and_op(&one, &previous, MPI_LONG, 0, 0, MPI_SUM, window_);
  MPI_Win_unlock(0, window_);
  return previous;
}

}  // namespace dixc::par
