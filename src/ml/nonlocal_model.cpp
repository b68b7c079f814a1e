#include "dixc/ml/nonlocal_model.hpp"

#include <torch/torch.h>

namespace dixc::ml {

bool has_atom_embeddings(const torch::jit::Module& model) {
  for (const char* method : {"density_shells", "atom_embeddings", "local_correction"})
    if (!model.find_method(method)) return false;
  return true;
}

torch::Tensor density_shells(torch::jit::Module& model, const torch::Tensor& rho, const torch::Tensor& points,
                             const torch::Tensor& weights, const torch::Tensor& atom_positions) {
  return model.get_method("density_shells")({rho, points, weights, atom_positions}).toTensor();
}

torch::Tensor local_correction(torch::jit::Module& model, const torch::Tensor& rho, const torch::Tensor& sigma,
                               const torch::Tensor& tau, const torch::Tensor& points,
                               const torch::Tensor& atom_positions, const torch::Tensor& a) {
  return model.get_method("local_correction")({rho, sigma, tau, points, atom_positions, a}).toTensor();
}

torch::Tensor shell_values(torch::jit::Module& model, const torch::Tensor& points,
                           const torch::Tensor& atom_positions) {
  return model.get_method("shell_values")({points, atom_positions}).toTensor();
}

torch::Tensor atom_weights(torch::jit::Module& model, const torch::Tensor& points,
                           const torch::Tensor& atom_positions) {
  return model.get_method("atom_weights")({points, atom_positions}).toTensor();
}

torch::Tensor point_correction(torch::jit::Module& model, const torch::Tensor& rho, const torch::Tensor& sigma,
                               const torch::Tensor& tau, const torch::Tensor& f) {
  return model.get_method("point_correction")({rho, sigma, tau, f}).toTensor();
}

AtomTerms atom_terms(torch::jit::Module& model, const torch::Tensor& h, const torch::Tensor& h1,
                     const torch::Tensor& atom_positions, const torch::Tensor& g, const torch::Tensor& m) {
  const bool differentiable = torch::GradMode::is_enabled();
  torch::AutoGradMode enable(true);
  const torch::Tensor h_leaf = h.detach().requires_grad_(true);
  AtomTerms t;
  t.a = model.get_method("atom_embeddings")({h_leaf, atom_positions}).toTensor();
  const std::int64_t n_dir = h1.defined() ? h1.size(0) : 0;
  if (n_dir > 0) {
    // J h1_k by the double-backward trick: J^T u is linear in u, and d(J^T u . h1_k)/du = J h1_k.
    const torch::Tensor u = torch::zeros_like(t.a).requires_grad_(true);
    const torch::Tensor jt_u = torch::autograd::grad({t.a}, {h_leaf}, {u}, true, true)[0];
    std::vector<torch::Tensor> a1;
    for (std::int64_t k = 0; k < n_dir; ++k)
      a1.push_back(torch::autograd::grad({(jt_u * h1[k]).sum()}, {u}, {}, true, true)[0]);
    t.a1 = torch::stack(a1);
  }
  if (g.defined()) {
    t.lambda = torch::autograd::grad({(g * t.a).sum()}, {h_leaf}, {}, true, true)[0];
    std::vector<torch::Tensor> nu;
    for (std::int64_t k = 0; k < n_dir; ++k)
      nu.push_back(torch::autograd::grad({(m[k] * t.a).sum() + (g * t.a1[k]).sum()}, {h_leaf}, {}, true, true)[0]);
    if (n_dir > 0) t.nu = torch::stack(nu);
  }
  if (!differentiable)
    for (auto* x : {&t.a, &t.a1, &t.lambda, &t.nu})
      if (x->defined()) *x = x->detach();
  return t;
}

torch::Tensor shells_transpose(torch::jit::Module& model, const torch::Tensor& lambda, const torch::Tensor& points,
                               const torch::Tensor& weights, const torch::Tensor& atom_positions) {
  torch::AutoGradMode enable(true);
  const torch::Tensor x = torch::zeros({points.size(0), lambda.size(0)}, points.options()).requires_grad_(true);
  const torch::Tensor h = density_shells(model, x, points, weights, atom_positions);
  return torch::autograd::grad({(h * lambda.detach()).sum()}, {x})[0];
}

}  // namespace dixc::ml
