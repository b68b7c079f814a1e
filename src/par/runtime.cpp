#include "dixc/par/runtime.hpp"

#include <stdexcept>

#include "dixc/par/mpi_environment.hpp"

namespace dixc::par {

Runtime::Runtime(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) throw std::logic_error("par::Runtime: MPI is already initialised (one Runtime per process)");
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  if (provided < MPI_THREAD_FUNNELED) throw std::runtime_error("MPI does not provide MPI_THREAD_FUNNELED");
  rank_ = rank_of(MPI_COMM_WORLD);
  size_ = size_of(MPI_COMM_WORLD);
}

Runtime::~Runtime() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

const StopSignal& Runtime::stop_signal() {
  if (!stop_signal_) stop_signal_ = std::make_unique<StopSignal>();
  return *stop_signal_;
}

int Runtime::fail(int exit_code) {
  if (size_ > 1) MPI_Abort(MPI_COMM_WORLD, exit_code);
  return exit_code;
}

}  // namespace dixc::par
