#pragma once
// The chain rule of the separable corrections (separable_model.hpp) as one pass over the points: per point the
// small products of the maps (P, x and their r-derivatives) with the network's jet, in registers and per-call
// buffers, instead of torch's broadcast products, each of which writes a (points x m x k x 3)-sized temporary.
// Here: point_jets without autograd (the torch form in separable_model.cpp remains for the differentiable case)
// and jet_weights (separable_model.hpp; never differentiated).
#include "dixc/ml/separable_model.hpp"

namespace dixc::ml {

// point_jets(maps, jet, second) (separable_model.hpp), no autograd graph.
PointJets point_jets_kernel(const SeparableMaps& maps, const MlpJet& jet, bool second);

}  // namespace dixc::ml
