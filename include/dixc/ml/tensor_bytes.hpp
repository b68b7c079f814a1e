#pragma once
// Memory held by tensors, the unit of the per-rank feature budget (training_molecules.hpp). An undefined tensor
// (a term a mode does not build) holds none; a view counts its own elements, not its storage's.
#include <torch/torch.h>

#include <cstddef>
#include <initializer_list>

namespace dixc::ml {

inline std::size_t tensor_bytes(std::initializer_list<const torch::Tensor*> tensors) {
  std::size_t bytes = 0;
  for (const torch::Tensor* t : tensors)
    if (t->defined()) bytes += t->nbytes();
  return bytes;
}

}  // namespace dixc::ml
