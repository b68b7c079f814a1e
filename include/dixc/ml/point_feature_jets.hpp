#pragma once
// The non-local model's point part (nonlocal_model.hpp) through the fused MLP kernel (docs/theory.md section 4):
//   e_p = sum_m P_m(r_p) n_m(x(r_p), f_p),   f_p = sum_A c_A(p) a_A,
// is separable (separable_model.hpp) in the extended variables r' = (rho, sigma, tau, f) with network inputs
// (x, f): the maps extend by the identity in f (x_r' = diag(x_r, 1), P and x independent of f), so point_jets
// gives e, e_r' and e_r'r' at fixed atom embeddings a with one forward pass through the network (taken by blocks,
// point_feature_jets). Then
//   G_c = sum_p w_p c(p) e_f,p,   (H x1'_k)_p = w_p e_r'r',p x1'_k,p,   x1'_k = (rho1_k, sigma1_k, tau1_k, c a1_k),
//   M_c,k = sum_p c(p) (H x1'_k)_f,p,
// and the point derivatives are the (rho, sigma, tau) rows. The DI step's parameter backward does not differentiate
// these formulas: it writes its weights on the network's jet (point_feature_jet_weights) and takes the kernel's
// reverse pass, whose input gradient carries a (through f = c a).
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
// The same from the network's jet at (x, f) (nf features).
PointJets point_feature_jets(const SeparableMaps& local, const MlpJet& jet, std::int64_t nf, bool second);

// jet_weights (separable_model.hpp) in the extended variables r' = (rho, sigma, tau, f): the weights alpha, beta
// (np, m, k + F), gamma (np, m, k + F, k + F) of the network's jet at (x, f) such that
//   sum_p [alpha . f + beta : J + gamma : H] = sum_p [eps e + omega . e_r' + Omega : e_r'r']
// for eps (np), omega (np, 3 + F), Omega (np, 3 + F, 3 + F) or undefined: with x_r' = diag(x_r, 1), x_r'r' and
// P_r' zero in f, beta's x-block and gamma's xx-block are the separable ones at the (rho, sigma, tau) blocks, and
//   beta_f = P omega_f + (Omega + Omega^T)_fr P_r,   gamma = P [[X_r Omega_rr X_r^T, X_r Omega_rf],
//                                                            [Omega_fr X_r^T, Omega_ff]].
// So the non-local chunk's parameter backward runs through the kernel's reverse pass alone.
JetWeights point_feature_jet_weights(const SeparableMaps& local, const torch::Tensor& eps, const torch::Tensor& omega,
                                     const torch::Tensor& omega2);

}  // namespace dixc::ml
