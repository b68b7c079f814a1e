#pragma once
// The parallel runtime of one dixc process, made once in main() and passed by reference to the command it runs
// (in the spirit of GauXC's RuntimeEnvironment): MPI initialised with threads funnelled through the main thread
// (OpenMP regions make no MPI calls) and finalised at the end, the world communicator, and the stop-signal state
// for commands that stop cleanly on SIGTERM/SIGUSR1. The rule for a failure on one rank is fail(): every rank of
// the job ends with that rank's message and a non-zero exit, never a hang.
#include <memory>

#include <mpi.h>

#include "dixc/par/stop_signal.hpp"

namespace dixc::par {

class Runtime {
 public:
  Runtime(int* argc, char*** argv);
  ~Runtime();  // MPI_Finalize, unless the job was ended by fail()
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  MPI_Comm world() const { return MPI_COMM_WORLD; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

  // SIGTERM and SIGUSR1 recorded as requests to stop from the first call on (handlers are installed then, so
  // commands that never poll keep the default action: ended by the signal).
  const StopSignal& stop_signal();

  // After a failure on this rank (its message already printed): on several ranks, ends every rank of the job
  // with `exit_code` (MPI_Abort: the other ranks may be waiting in a collective); on one rank, returns
  // `exit_code` for main() to return.
  int fail(int exit_code);

 private:
  int rank_ = 0, size_ = 1;
  std::unique_ptr<StopSignal> stop_signal_;
};

}  // namespace dixc::par
