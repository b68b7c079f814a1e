#pragma once
// Typed collectives over a communicator, so that library and command code never spell out MPI datatypes,
// operations or requests. Every rank of `comm` must make the same calls in the same order (as for MPI itself).
#include <cstddef>
#include <string>

#include <mpi.h>

namespace dixc::par {

// Element-wise sums of `values[0..n)` over the ranks, in place.
void sum_in_place(double* values, int n, MPI_Comm comm);
void sum_in_place(long* values, int n, MPI_Comm comm);
// The same for a long array, in buckets of `bucket` elements that are all in flight at once (non-blocking
// reductions; the sum of each element is the same as with one blocking reduction).
void sum_in_place_bucketed(double* values, std::size_t n, std::size_t bucket, MPI_Comm comm);

int max_over_ranks(int value, MPI_Comm comm);
double max_over_ranks(double value, MPI_Comm comm);
int min_over_ranks(int value, MPI_Comm comm);
bool all_ranks(bool value, MPI_Comm comm);  // logical and

// Rank `root`'s values[0..n) on every rank.
void broadcast(double* values, int n, int root, MPI_Comm comm);
void barrier(MPI_Comm comm);
// Every rank's `text` concatenated in rank order on `root` (empty on the other ranks).
std::string gather_text(const std::string& text, int root, MPI_Comm comm);
// Rank `root`'s `text` on every rank.
std::string broadcast_text(const std::string& text, int root, MPI_Comm comm);

// Number of ranks on the smallest node (shared-memory domain) of `comm`, the same on every rank.
int smallest_node_size(MPI_Comm comm);

}  // namespace dixc::par
