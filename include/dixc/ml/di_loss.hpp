#pragma once
// The DI-Loss of docs/theory.md section 4 for one molecule, with autograd through the model only:
//   L = w_E/s_E (dE / N_e)^2 + w_g/s_g mean_ai (dg_ai)^2 + w_H/s_H mean_{k,ai} (d(Hv_k)_ai)^2,
// dE = E_xc^theta - e_xc, dg = g^theta - g_xc, d(Hv_k) = H^theta v_k - h_xc(v_k), s the term scales (LossScales);
// with GradientMetric::inverse_gap the gradient term is sum_ai dg_ai^2 / (8 (eps_a - eps_i)) instead.
// The model is evaluated on the fixed reference features (ReferenceFeatures); its first input derivatives give
// the potential coefficients (a, b, c) and its second ones, contracted with the fixed first-order features of
// every direction, the kernel coefficients. g and H v_k are then weighted GEMMs in the MO basis:
//   g   = 4 V_vo,   V_pq = sum_p w [a psi_p psi_q + b . grad(psi_p psi_q) + c/2 grad psi_p . grad psi_q]
//   H v = 4 [ V_vv v - v V_oo + C_v^T G[D1[v]] C_o ]                      (theory section 2)
// Local models get the per-point 3x3 second-derivative matrix from three double-backward passes whatever the
// number of directions; non-local models (a kernel that is not diagonal in the points) one directional double
// backward per direction on the whole grid, with the GEMM assembly still done chunk by chunk.
#include <limits>
#include <string>

#include <torch/script.h>

#include "dixc/ml/loss_settings.hpp"
#include "dixc/ml/molecule_tensors.hpp"
#include "dixc/ml/reference_features.hpp"

namespace dixc::ml {

struct ModelResponse {
  double e_xc = 0.0;
  torch::Tensor gradient;          // (n_vir, n_occ); undefined below ResponseOrder::gradient
  torch::Tensor hessian_products;  // (n_dir, n_vir, n_occ); undefined below ResponseOrder::hessian
};

struct LossTerms {
  // Raw terms (before weights and scales): (dE/N)^2, mean dg^2 (or its inverse-gap sum), mean dHv^2; NaN when the order
  // was not computed. For the self-consistent modes (training_loss.hpp) `energy` is the SCF total-energy term and
  // `density` the density term; density is NaN otherwise.
  double energy = 0.0, gradient = 0.0, hessian = 0.0, density = std::numeric_limits<double>::quiet_NaN();
  double total = 0.0;  // sum_t w_t/s_t term_t over the terms the mode uses
  double relative_energy = 0.0, relative_gradient = 0.0, relative_hessian = 0.0;
  bool finite = true;
  bool scf_converged = true;  // self-consistent modes: false when the model's SCF (or its linear solve) failed
  std::string message;        // why, naming the molecule
};

// Coefficients of the loss's first variation, dL = c_E dE + <c_g, dg> + <c_H, dHv> (zero tensors for unused terms).
struct LossAdjoint {
  double energy = 0.0;
  torch::Tensor gradient, hessian;
};

// Terms and adjoint of a response against the molecule's targets (shared with the autograd oracle).
LossTerms loss_terms(const ModelResponse& response, const MoleculeTensors& targets, const LossSettings& settings,
                     LossAdjoint* adjoint);

ModelResponse model_response(torch::jit::Module& model, const MoleculeTensors& targets,
                             const ReferenceFeatures& features, ResponseOrder order);

// Loss terms; when `backward` is set, adds scale * dL/dtheta to the parameters' gradients. Only the terms the mode
// uses are computed (the others are NaN).
LossTerms di_loss(torch::jit::Module& model, const MoleculeTensors& targets, const ReferenceFeatures& features,
                  const LossSettings& settings, double scale, bool backward);

// Adds scale * d/dtheta [c_E E_xc + <c_g, g> + <c_H, H v>] (the adjoint's coefficients, fixed) at these fixed
// features to the parameters' gradients, up to `order`: the parameter derivative of any loss whose first
// variation is linear in the model's E_xc, g and H v_k (the DI-Loss; the implicit gradient through an SCF).
void add_adjoint_gradient(torch::jit::Module& model, const MoleculeTensors& features_molecule,
                          const ReferenceFeatures& features, const LossAdjoint& adjoint, ResponseOrder order,
                          double scale);

}  // namespace dixc::ml
