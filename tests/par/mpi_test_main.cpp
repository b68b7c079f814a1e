// GoogleTest main for tests that run under mpiexec. Every rank runs every test (the solvers are collective);
// rank 0 prints the usual report, the other ranks print only their failures, and the exit code is the same on
// all ranks so mpiexec and ctest see one verdict.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>

#include "dixc/par/collectives.hpp"
#include "dixc/par/process_settings.hpp"
#include "dixc/par/runtime.hpp"

namespace {

// Keeps a failure that happens only on rank > 0 visible once the default printer is gone there.
class FailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    const char* file = result.file_name() ? result.file_name() : "?";
    std::fprintf(stderr, "[rank %d] %s:%d: Failure\n%s\n", rank_, file, result.line_number(), result.summary());
  }

 private:
  int rank_;
};

}  // namespace

int main(int argc, char** argv) {
  dixc::par::reexec_with_process_settings(argv);
  dixc::par::Runtime runtime(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  const int rank = runtime.rank();
  if (rank > 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new FailurePrinter(rank));
  }
  int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  failed = dixc::par::max_over_ranks(failed, runtime.world());
  return failed;
}
