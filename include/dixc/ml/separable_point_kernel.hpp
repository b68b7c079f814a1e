#pragma once
// The chain rule of the separable corrections (separable_model.hpp) as one pass over the points: per point the
// small products of the maps (P, x and their r-derivatives) with the network's jet, in registers and per-call
// buffers, instead of torch's broadcast products, each of which writes a (points x m x k x 3)-sized temporary.
// Here: point_jets without autograd (the torch form in separable_model.cpp remains for the differentiable case)
// and jet_weights (separable_model.hpp; never differentiated), both also in the non-local model's extended
// variables (rho, sigma, tau, f) (point_feature_jets.hpp), and the per-point products of its backward.
#include "dixc/ml/separable_model.hpp"

namespace dixc::ml {

// point_jets(maps, jet, second) (separable_model.hpp), no autograd graph.
PointJets point_jets_kernel(const SeparableMaps& maps, const MlpJet& jet, bool second);

// point_feature_jets(maps, jet, nf, second) (point_feature_jets.hpp): the same in the extended variables
// r' = (rho, sigma, tau, f) of a network whose inputs are (x, f) with nf features, no autograd graph.
PointJets point_feature_jets_kernel(const SeparableMaps& maps, const MlpJet& jet, std::int64_t nf, bool second);

// point_feature_jet_weights(maps, eps, omega, omega2) (point_feature_jets.hpp) with nf = omega.size(1) - 3
// features; jet_weights (separable_model.hpp) is its nf = 0 case.
JetWeights point_feature_jet_weights_kernel(const SeparableMaps& maps, const torch::Tensor& eps,
                                            const torch::Tensor& omega, const torch::Tensor& omega2, std::int64_t nf);

// out[k, p, :] = m[p] v[k, p, :] for m (np, a, b) and v (K, np, b) (torch::einsum("pab,kpb->kpa"), which runs as
// np batched products of one tiny matrix), no autograd graph: the point Hessians e_r'r' applied to the directions'
// first-order variables.
torch::Tensor per_point_matvec(const torch::Tensor& m, const torch::Tensor& v);

// out[p] = sum_k u[k, p, :] x[k, p, :]^T (np, a, b) for u (K, np, a) and x (K, np, b) (torch::einsum("kpa,kpb->pab")),
// no autograd graph: the adjoint's second-order weights Omega = sum_k u_k x1_k^T per point.
torch::Tensor per_point_outer_sum(const torch::Tensor& u, const torch::Tensor& x);

}  // namespace dixc::ml
