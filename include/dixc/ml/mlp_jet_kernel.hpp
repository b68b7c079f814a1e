#pragma once
// The learned models' two-layer SiLU network (mlp_plain in model_sources.cpp, per point)
//   f(x) = W3^T silu(W2^T silu(W1^T x + b1) + b2) + b3,   x (k inputs) -> f (m outputs),
// with its input Jacobian J = df/dx and Hessians H_m = d2f_m/dx2 in one fused pass over blocks of points, the
// per-point products as GEMMs on the points' stacked rows, except the Hessian's outer term, one small product
// G2 diag(silu''(h2) .* W3_m) G2^T per point (stacked, its k^2 rows per point would stream through memory: the
// non-local model has k = 11) (docs/theory.md section 4):
//   G2 = W2^T D1 W1^T (dh2/dx),  J = W3^T D2 G2,
//   H_m = sum_j W3_jm [silu''(h2_j) G2_j G2_j^T + silu'(h2_j) sum_i W2_ij silu''(h1_i) W1_i W1_i^T].
// TorchScript's mlp_jet computes the same numbers one element-wise torch operation after another (each reading
// and writing (points x k x k x hidden) arrays); it stays the oracle of this kernel's tests.
// The parameter gradient of a fixed linear functional of the jet, sum_p [alpha . f + beta : J + gamma : H] (the
// DI-Loss's surrogate, separable_model.hpp), is its reverse pass through the same blocks.
#include <torch/torch.h>

namespace dixc::ml {

// The network's parameters as the models hold them: w1 (k, hidden), b1 (hidden), w2 (hidden, hidden), b2,
// w3 (hidden, m), b3 (m); float64.
struct MlpWeights {
  torch::Tensor w1, b1, w2, b2, w3, b3;
};

// f (np, m), and up to `order` (0, 1 or 2) J (np, m, k) and H (np, m, k, k) at x (np, k); no autograd graph.
struct MlpJet {
  torch::Tensor f, j, h;
};
MlpJet mlp_jet(const MlpWeights& w, const torch::Tensor& x, int order);

// The gradient with respect to each parameter of sum_p [alpha_p . f_p + beta_p : J_p + gamma_p : H_p], alpha
// (np, m), beta (np, m, k) and gamma (np, m, k, k); beta and gamma may be undefined (no such term). With
// x_gradient, also its gradient with respect to x (np, k), from the same reverse pass (the non-local model's atom
// features are inputs that depend on the parameters, nonlocal_model.hpp).
MlpWeights mlp_jet_parameter_gradient(const MlpWeights& w, const torch::Tensor& x, const torch::Tensor& alpha,
                                      const torch::Tensor& beta, const torch::Tensor& gamma,
                                      torch::Tensor* x_gradient = nullptr);

// mlp_jet as an autograd function of the parameters and of x (backward: mlp_jet_parameter_gradient).
MlpJet differentiable_mlp_jet(const MlpWeights& w, const torch::Tensor& x, int order);

}  // namespace dixc::ml
