#pragma once
// Local learned corrections in separable form (docs/theory.md section 4):
//   e(r; theta) = sum_m P_m(r) f_m(x(r); theta),   r = (rho, sigma, tau) at one point,
// with parameter-free prefactors P (m of them) and inputs x (k of them) and the learned network f. For fixed
// densities (the DI-Loss's reference features) P, x and their first and second r-derivatives are fixed, so the
// point derivatives of e follow from the network's jet (f, df/dx, d2f/dx2), which the model gives by forward
// propagation (network_jet; the MLPs of gga-mlp, mgga-mlp and xcdiff through the fused kernel of
// mlp_jet_kernel.hpp): the parameters are then differentiated once, through the network only, instead of three
// times through the whole energy density.
//   e_r  = P_r^T f + P^T (J X_r)
//   e_rr = sum_m [P_rr,m f_m + P_r,m (J X_r)_m^T + (J X_r)_m P_r,m^T + P_m (X_r^T H_m X_r + J_m . X_rr)]
#include <torch/script.h>

#include "dixc/ml/mlp_jet_kernel.hpp"

namespace dixc::ml {

// Whether the model's correction is separable (methods inputs, prefactors, network, network_jet); models exported
// before these existed, and non-local models, are not.
bool is_separable(const torch::jit::Module& model);
// Whether the model has the maps' methods (inputs, prefactors): the separable models, and the non-local model's
// point part (point_feature_jets.hpp).
bool has_separable_maps(const torch::jit::Module& model);

// P, x and their r-derivatives at fixed points (no autograd graph).
struct SeparableMaps {
  torch::Tensor x, x_r, x_rr;  // (np, k), (np, k, 3), (np, k, 3, 3)
  torch::Tensor p, p_r, p_rr;  // (np, m), (np, m, 3), (np, m, 3, 3)
  std::size_t bytes() const;
};
SeparableMaps separable_maps(torch::jit::Module& model, const torch::Tensor& rho, const torch::Tensor& sigma,
                             const torch::Tensor& tau);
// Bytes of the maps per grid point (0 for a model without them).
std::size_t separable_bytes_per_point(torch::jit::Module& model);

// e (np), e_r (np, 3) and, when `second`, e_rr (np, 3, 3) of the correction at the maps' points; differentiable
// with respect to the parameters when grad mode is on.
struct PointJets {
  torch::Tensor e, e_r, e_rr;
};
PointJets point_jets(torch::jit::Module& model, const SeparableMaps& maps, bool second);
// The same from the network's jet at maps.x (the network's value, Jacobian and, when `second`, Hessians).
PointJets point_jets(const SeparableMaps& maps, const MlpJet& jet, bool second);
// Whether chain-rule products of the jet need autograd's graph (grad mode on and a part of the jet that the
// products read requires grad); else the per-point kernels (separable_point_kernel.hpp) compute them.
bool jet_needs_graph(const MlpJet& jet, bool second);

// a (np, i, j) x b (np, j, l) per point as a broadcast product: torch's batched matmul loops over the points for
// matrices this small.
torch::Tensor per_point_matmul(const torch::Tensor& a, const torch::Tensor& b);

// The network's value, Jacobian and (when `second`) Hessians at x (np, k): differentiable with respect to the
// parameters, and to x, when grad mode is on.
MlpJet network_jet(torch::jit::Module& model, const torch::Tensor& x, bool second);

// A fixed linear functional of the point derivatives, sum_p [eps e + omega . e_r + Omega : e_rr] (the DI-Loss's
// first variation), written on the network's jet instead: sum_p [alpha . f + beta : J + gamma : H] with
//   alpha_m = eps P_m + omega . P_r,m + Omega : P_rr,m
//   beta_m  = P_m X_r omega + X_r (Omega + Omega^T) P_r,m + P_m (Omega : X_rr)
//   gamma_m = P_m X_r Omega X_r^T
// so that its parameter derivative needs autograd through the network only. eps (np), omega (np, 3),
// Omega (np, 3, 3) or undefined (no second derivatives).
struct JetWeights {
  torch::Tensor f, j, h;  // alpha (np, m), beta (np, m, k), gamma (np, m, k, k) or undefined
};
JetWeights jet_weights(const SeparableMaps& maps, const torch::Tensor& eps, const torch::Tensor& omega,
                       const torch::Tensor& omega2);

// sum_p [alpha . f + beta : J + gamma : H] of the network's jet at the maps' points, differentiable with respect
// to the parameters.
torch::Tensor weighted_jet(torch::jit::Module& model, const SeparableMaps& maps, const JetWeights& weights);

// The gradient of weighted_jet with respect to each parameter (ordered_parameters' order; undefined for parameters
// it does not depend on) without autograd, when the model's network is one MLP of the fused kernel (gga-mlp,
// mgga-mlp): the kernel's reverse pass takes the weights as they are, so no forward jet and no graph are built.
// Empty for other networks (xcdiff combines two MLPs in TorchScript: use autograd through weighted_jet).
std::vector<torch::Tensor> weighted_jet_parameter_gradient(torch::jit::Module& model, const SeparableMaps& maps,
                                                           const JetWeights& weights);

// The same for the network's jet at inputs x (np, k), for any one-MLP network (also the non-local model's point
// part, whose inputs are (x, f)), and with x_gradient its gradient with respect to x from the same reverse pass.
// Empty for other networks.
std::vector<torch::Tensor> network_jet_parameter_gradient(torch::jit::Module& model, const torch::Tensor& x,
                                                          const JetWeights& weights,
                                                          torch::Tensor* x_gradient = nullptr);

}  // namespace dixc::ml
