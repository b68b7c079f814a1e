#pragma once
// Keeping the model's parameters identical on every rank of data-parallel training: the gradients summed over
// ranks in buckets (non-blocking allreduce, all buckets in flight at once), rank 0's parameters broadcast at the
// start, and a check that they have not drifted apart.
#include <cstddef>
#include <vector>

#include <mpi.h>
#include <torch/torch.h>

namespace dixc::ml {

// Each parameter's gradient (zeros where autograd left it undefined).
std::vector<torch::Tensor> gradients_of(const std::vector<torch::Tensor>& params);

// Replaces each parameter's gradient by its sum over the ranks of `comm`, `bucket` elements per message.
void allreduce_gradients(const std::vector<torch::Tensor>& params, std::size_t bucket, MPI_Comm comm);

void broadcast_parameters(const std::vector<torch::Tensor>& params, MPI_Comm comm);  // from rank 0

// Largest deviation of any rank's parameters from rank 0's (0 when data-parallel training is in step).
double parameter_spread(const std::vector<torch::Tensor>& params, MPI_Comm comm);

}  // namespace dixc::ml
