#include "dixc/ml/input_gradients.hpp"

namespace dixc::ml {

std::vector<torch::Tensor> input_gradients(const torch::Tensor& output, const std::vector<torch::Tensor>& inputs,
                                           bool create_graph, bool retain_graph) {
  if (!output.requires_grad()) return std::vector<torch::Tensor>(inputs.size(), torch::zeros_like(inputs[0]));
  auto g = torch::autograd::grad({output}, inputs, {}, retain_graph, create_graph, true);
  for (auto& t : g)
    if (!t.defined()) t = torch::zeros_like(inputs[0]);
  return g;
}

}  // namespace dixc::ml
