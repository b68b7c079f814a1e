#pragma once
// The DI-Loss of theory.md section 4 for one molecule, per-molecule normalised as
//   L = w_E (dE / N_e)^2 + w_g mean_ai (dg_ai)^2 + w_H mean_{k,ai} (d(Hv_k)_ai)^2,
// dE = E_xc^theta - e_xc, dg = g^theta - g_xc, d(Hv_k) = H^theta v_k - h_xc(v_k), all at kappa = 0 with
// g^theta and H^theta v_k from autograd through D(kappa). Dividing the energy error by the electron count and
// averaging the others over their elements keeps molecules of different size on one scale.
// Grid chunks keep memory bounded: a first pass gets E, g and Hv (values), a second pass backpropagates the
// loss, which is linear in each chunk's contributions once the residuals are known.
#include <string>

#include <torch/script.h>

#include "dixc/ml/loss_settings.hpp"
#include "dixc/ml/molecule_tensors.hpp"

namespace dixc::ml {

struct ModelResponse {
  double e_xc = 0.0;
  torch::Tensor gradient;          // (n_vir, n_occ)
  torch::Tensor hessian_products;  // (n_dir, n_vir, n_occ); undefined unless requested
};

struct LossTerms {
  double energy = 0.0, gradient = 0.0, hessian = 0.0, total = 0.0;
  double relative_energy = 0.0, relative_gradient = 0.0, relative_hessian = 0.0;
  bool finite = true;
};

// E_xc^theta, its orbital gradient and Hessian-vector products on the molecule's stored directions.
ModelResponse model_response(torch::jit::Module& model, const MoleculeTensors& molecule, bool with_hessian);

// E_xc^theta[D(kappa)] as a differentiable scalar (sum over chunks), for any kappa (n_vir x n_occ).
torch::Tensor model_energy(torch::jit::Module& model, const MoleculeTensors& molecule, const torch::Tensor& kappa);

// Loss terms; when `backward` is set, adds scale * dL/dtheta to the parameters' gradients. Terms that the mode
// leaves out are still reported (evaluated) but weigh zero.
LossTerms di_loss(torch::jit::Module& model, const MoleculeTensors& molecule, LossMode mode,
                  const LossWeights& weights, double scale, bool backward);

}  // namespace dixc::ml
