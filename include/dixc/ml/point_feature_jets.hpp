#pragma once
// The non-local model's point part (nonlocal_model.hpp) through the fused MLP kernel (docs/theory.md section 4):
//   e_p = sum_m P_m(r_p) n_m(x(r_p), f_p),   f_p = sum_A c_A(p) a_A,
// is separable (separable_model.hpp) in the extended variables r' = (rho, sigma, tau, f) with network inputs
// (x, f): the maps extend by the identity in f (x_r' = diag(x_r, 1), P and x independent of f), so point_jets
// gives e, e_r' and e_r'r' at fixed atom embeddings a with one forward pass through the network (taken by blocks,
// point_feature_jets). Then
//   G_c = sum_p w_p c(p) e_f,p,   (H x1'_k)_p = w_p e_r'r',p x1'_k,p,   x1'_k = (rho1_k, sigma1_k, tau1_k, c a1_k),
//   M_c,k = sum_p c(p) (H x1'_k)_f,p,
// and the point derivatives are the (rho, sigma, tau) rows. With create_graph they are differentiable for the
// parameters (the kernel's reverse pass) and for a and a1 (the kernel's input gradient; c a1_k in x1').
#include <torch/script.h>

#include "dixc/ml/separable_model.hpp"

namespace dixc::ml {

// Whether the model's point part runs through the kernel: the non-local architecture with the maps' methods
// (inputs, prefactors) and atom_weights. Files exported before those existed have no DI path (evaluate_call
// refuses them); training always builds its model from this build's sources, so only evaluation loads them.
bool has_point_feature_jets(const torch::jit::Module& model);

// e (np), e_r' (np, 3 + F) and, when `second`, e_r'r' (np, 3 + F, 3 + F) of the point part at the local maps'
// points with features f (np, F), by blocks of x_r' = diag(x_r, 1) (no padded maps): the (rho, sigma, tau) block is
// the separable one at the network's x-columns, and
//   e_f = sum_m P_m J_f,m,   e_rf = sum_m P_r,m J_f,m^T + x_r^T (sum_m P_m H_m,xf),   e_ff = sum_m P_m H_m,ff.
// Differentiable for the parameters and f when grad mode is on.
PointJets point_feature_jets(torch::jit::Module& model, const SeparableMaps& local, const torch::Tensor& f,
                             bool second);

}  // namespace dixc::ml
