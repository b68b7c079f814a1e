#include "dixc/par/collectives.hpp"

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "dixc/par/mpi_environment.hpp"

namespace dixc::par {

void sum_in_place(double* values, int n, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_DOUBLE, MPI_SUM, comm);
}

void sum_in_place(long* values, int n, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_LONG, MPI_SUM, comm);
}

void sum_in_place_bucketed(double* values, std::size_t n, std::size_t bucket, MPI_Comm comm) {
  std::vector<MPI_Request> requests;
  for (std::size_t first = 0; first < n; first += bucket) {
    const int count = static_cast<int>(std::min(bucket, n - first));
    requests.emplace_back();
    MPI_Iallreduce(MPI_IN_PLACE, values + first, count, MPI_DOUBLE, MPI_SUM, comm, &requests.back());
  }
  MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
}

int max_over_ranks(int value, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_MAX, comm);
  return value;
}

double max_over_ranks(double value, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, comm);
  return value;
}

int min_over_ranks(int value, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_MIN, comm);
  return value;
}

bool all_ranks(bool value, MPI_Comm comm) {
  int v = value ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_LAND, comm);
  return v != 0;
}

void broadcast(double* values, int n, int root, MPI_Comm comm) { MPI_Bcast(values, n, MPI_DOUBLE, root, comm); }

void barrier(MPI_Comm comm) { MPI_Barrier(comm); }

std::string gather_text(const std::string& text, int root, MPI_Comm comm) {
  const int size = size_of(comm);
  int length = static_cast<int>(text.size());
  std::vector<int> lengths(size), displacements(size, 0);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, root, comm);
  std::string all;
  if (rank_of(comm) == root) {
    for (int p = 1; p < size; ++p) displacements[p] = displacements[p - 1] + lengths[p - 1];
    all.resize(static_cast<std::size_t>(displacements[size - 1] + lengths[size - 1]));
  }
  MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), displacements.data(), MPI_CHAR, root, comm);
  return all;
}

std::string broadcast_text(const std::string& text, int root, MPI_Comm comm) {
  unsigned long long length = text.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, root, comm);
  std::string out = rank_of(comm) == root ? text : std::string(length, '\0');
  // In pieces of at most INT_MAX bytes (MPI counts are int).
  for (unsigned long long first = 0; first < length;) {
    const int piece = static_cast<int>(std::min<unsigned long long>(length - first, INT_MAX));
    MPI_Bcast(out.data() + first, piece, MPI_CHAR, root, comm);
    first += static_cast<unsigned long long>(piece);
  }
  return out;
}

int smallest_node_size(MPI_Comm comm) {
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank_of(comm), MPI_INFO_NULL, &node);
  const int size = size_of(node);
  MPI_Comm_free(&node);
  return min_over_ranks(size, comm);
}

}  // namespace dixc::par
