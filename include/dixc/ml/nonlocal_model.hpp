#pragma once
// Non-local models whose non-locality runs through atom embeddings (the `nonlocal` architecture, EG-XC-like):
//   e_p = e(r_p, a),   a = A(h),   h = sum_p w_p rho_p S_p   (density shells S_p at the atoms, fixed per grid),
// so h is linear in rho and a is a small (atoms x features) tensor. For the DI-Loss (docs/theory.md section 4)
// the points then go in chunks at fixed a, with G = dE/da and the a-rows M_k of the second derivative along each
// direction summed over the chunks; the non-local part of the point derivatives is
//   dE/drho_p        += w_p S_p . lambda,   lambda = J^T G                      (J = da/dh)
//   (H x1_k)_rho,p   += w_p S_p . nu_k,     nu_k   = J^T M_k + d/dh [G . J h1_k],  h1_k = sum_p w_p rho1_k,p S_p
// and the parameter backward runs through the chunks and through this small atom graph (atom_terms).
#include <torch/script.h>

namespace dixc::ml {

// Whether the model exposes the split (methods density_shells, atom_embeddings, local_correction).
bool has_atom_embeddings(const torch::jit::Module& model);

// h[n] (n, atoms, shells) for the columns of rho (np, n) at these points; linear in rho.
torch::Tensor density_shells(torch::jit::Module& model, const torch::Tensor& rho, const torch::Tensor& points,
                             const torch::Tensor& weights, const torch::Tensor& atom_positions);

// e_p (np) at fixed atom embeddings a.
torch::Tensor local_correction(torch::jit::Module& model, const torch::Tensor& rho, const torch::Tensor& sigma,
                               const torch::Tensor& tau, const torch::Tensor& points,
                               const torch::Tensor& atom_positions, const torch::Tensor& a);

// Models whose maps between grid and atoms are explicit (method shell_values, atom_weights):
//   h = sum_p w_p rho_p S_p with S_p (np, atoms, shells),   f_p = sum_A c_A(p) a_A with c (np, atoms).
torch::Tensor shell_values(torch::jit::Module& model, const torch::Tensor& points, const torch::Tensor& atom_positions);
torch::Tensor atom_weights(torch::jit::Module& model, const torch::Tensor& points, const torch::Tensor& atom_positions);

// The correction's energy density e_p (np) from each point's own inputs and features f (np, features).
torch::Tensor point_correction(torch::jit::Module& model, const torch::Tensor& rho, const torch::Tensor& sigma,
                               const torch::Tensor& tau, const torch::Tensor& f);

// The atom graph at h with the directions' h1 (n_dir, atoms, shells): a = A(h), a1_k = J h1_k and, when the chunk
// sums G (atoms, features) and M (n_dir, atoms, features) are given, lambda = J^T G and nu_k (above).
// Differentiable (parameters, and G, M if they require grad) when grad mode is on.
struct AtomTerms {
  torch::Tensor a, a1;       // (atoms, features), (n_dir, atoms, features)
  torch::Tensor lambda, nu;  // (atoms, shells), (n_dir, atoms, shells)
};
AtomTerms atom_terms(torch::jit::Module& model, const torch::Tensor& h, const torch::Tensor& h1,
                     const torch::Tensor& atom_positions, const torch::Tensor& g = {}, const torch::Tensor& m = {});

// w_p S_p . lambda[n] at each point (np, n) for the rows lambda[n] (n, atoms, shells): the rho-derivative of
// sum_n lambda[n] . h[n].
torch::Tensor shells_transpose(torch::jit::Module& model, const torch::Tensor& lambda, const torch::Tensor& points,
                               const torch::Tensor& weights, const torch::Tensor& atom_positions);

}  // namespace dixc::ml
