#include "dixc/ml/parameter_sync.hpp"

#include <algorithm>

#include "dixc/par/collectives.hpp"

namespace dixc::ml {

std::vector<torch::Tensor> gradients_of(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> g;
  for (const auto& p : params) g.push_back(p.grad().defined() ? p.grad() : torch::zeros_like(p));
  return g;
}

void allreduce_gradients(const std::vector<torch::Tensor>& params, std::size_t bucket, MPI_Comm comm) {
  torch::Tensor flat = torch::cat([&] {
                         std::vector<torch::Tensor> parts;
                         for (const auto& g : gradients_of(params)) parts.push_back(g.reshape(-1));
                         return parts;
                       }())
                           .contiguous();
  par::sum_in_place_bucketed(flat.data_ptr<double>(), static_cast<std::size_t>(flat.numel()), bucket, comm);
  std::int64_t offset = 0;
  for (const auto& p : params) {
    const std::int64_t k = p.numel();
    p.mutable_grad() = flat.slice(0, offset, offset + k).reshape(p.sizes()).clone();
    offset += k;
  }
}

void broadcast_parameters(const std::vector<torch::Tensor>& params, MPI_Comm comm) {
  torch::NoGradGuard guard;
  for (const auto& p : params) par::broadcast(p.data_ptr<double>(), static_cast<int>(p.numel()), 0, comm);
}

double parameter_spread(const std::vector<torch::Tensor>& params, MPI_Comm comm) {
  double worst = 0.0;
  for (const auto& p : params) {
    torch::Tensor root = p.detach().clone();
    par::broadcast(root.data_ptr<double>(), static_cast<int>(root.numel()), 0, comm);
    worst = std::max(worst, (root - p.detach()).abs().max().item<double>());
  }
  return par::max_over_ranks(worst, comm);
}

}  // namespace dixc::ml
