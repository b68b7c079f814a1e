#include "dixc/ml/input_gradients.hpp"

namespace dixc::ml {

std::vector<torch::Tensor> input_gradients(const torch::Tensor& output, const std::vector<torch::Tensor>& inputs,
                                           bool create_graph, bool retain_graph) {
  std::vector<torch::Tensor> g(inputs.size());
  if (output.requires_grad()) g = torch::autograd::grad({output}, inputs, {}, retain_graph, create_graph, true);
  for (std::size_t i = 0; i < g.size(); ++i)
    if (!g[i].defined()) g[i] = torch::zeros_like(inputs[i]);
  return g;
}

}  // namespace dixc::ml
