#pragma once
// Gradients of a scalar with respect to model inputs, as autograd gives them but with zeros (not undefined
// tensors) for inputs the output does not depend on (a GGA model and tau) or when it depends on none.
#include <vector>

#include <torch/torch.h>

namespace dixc::ml {

std::vector<torch::Tensor> input_gradients(const torch::Tensor& output, const std::vector<torch::Tensor>& inputs,
                                           bool create_graph, bool retain_graph);

}  // namespace dixc::ml
