// Text collectives (par/collectives.hpp) under mpiexec: gather_text concatenates every rank's text in rank order
// on the root (empty elsewhere), broadcast_text gives every rank the root's text, empty text included. All
// collectives run before any assertion, so a failure on one rank cannot leave the others waiting.
#include <gtest/gtest.h>
#include <mpi.h>

#include <string>

#include "dixc/par/collectives.hpp"
#include "dixc/par/mpi_environment.hpp"

namespace dixc::par {
namespace {

TEST(TextCollectives, GatherInRankOrderAndBroadcastFromAnyRoot) {
  const int rank = rank_of(MPI_COMM_WORLD), size = size_of(MPI_COMM_WORLD);
  const std::string mine = "rank " + std::to_string(rank) + std::string(static_cast<std::size_t>(rank), 'x') + "\n";
  const std::string gathered = gather_text(mine, 0, MPI_COMM_WORLD);
  const int last = size - 1;
  const std::string from_last =
      broadcast_text(rank == last ? std::string(100000, 'a') + "end" : std::string("ignored"), last, MPI_COMM_WORLD);
  const std::string empty = broadcast_text(rank == 0 ? std::string() : std::string("not empty"), 0, MPI_COMM_WORLD);

  std::string expected;
  for (int p = 0; p < size; ++p)
    expected += "rank " + std::to_string(p) + std::string(static_cast<std::size_t>(p), 'x') + "\n";
  EXPECT_EQ(gathered, rank == 0 ? expected : std::string());
  EXPECT_EQ(from_last, std::string(100000, 'a') + "end");
  EXPECT_EQ(empty, std::string());
}

}  // namespace
}  // namespace dixc::par
