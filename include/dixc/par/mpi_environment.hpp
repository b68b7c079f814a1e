#pragma once
// MPI set-up for the subcommands that run in parallel. Library code receives communicators explicitly; nothing
// below app/ reaches for MPI_COMM_WORLD.
#include <mpi.h>

namespace dixc::par {

// Initialises MPI (threads funnelled through the main thread: OpenMP regions make no MPI calls) and finalises it.
// Destroyed by an exception on a run of several ranks, it does not finalise: the other ranks may be waiting in a
// collective and MPI_Finalize would wait with them; main() prints the message and calls end_parallel_job().
class MpiEnvironment {
 public:
  MpiEnvironment(int* argc, char*** argv);
  ~MpiEnvironment();
  MpiEnvironment(const MpiEnvironment&) = delete;
  MpiEnvironment& operator=(const MpiEnvironment&) = delete;
};

// After a failure on this rank: ends every rank of the job with `exit_code` (MPI_Abort) when MPI runs on several
// ranks and is not finalised, so that the job stops with this rank's message instead of hanging; otherwise
// returns `exit_code`.
int end_parallel_job(int exit_code);

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
