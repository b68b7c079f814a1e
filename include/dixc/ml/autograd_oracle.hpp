#pragma once
// The DI-Loss by autograd through the AO-level construction D(kappa) -> psi -> rho, sigma, tau (docs/theory.md
// section 4 read literally): slow (AO values on the grid, one double backward per direction) but independent of
// the MO-basis assembly in di_loss.cpp, so tests use it as an oracle for the training loss.
#include <torch/script.h>

#include "dixc/ml/di_loss.hpp"

namespace dixc::ml::oracle {

// E_xc^theta, its orbital gradient and all Hessian-vector products, from autograd with respect to kappa at 0.
ModelResponse model_response(torch::jit::Module& model, const MoleculeTensors& molecule);

// E_xc^theta[D(kappa)] as a differentiable scalar, for any kappa (n_vir x n_occ).
torch::Tensor model_energy(torch::jit::Module& model, const MoleculeTensors& molecule, const torch::Tensor& kappa);

// Loss terms (all three evaluated); when `backward` is set, adds scale * dL/dtheta to the parameters' gradients.
LossTerms di_loss(torch::jit::Module& model, const MoleculeTensors& molecule, const LossSettings& settings,
                  double scale, bool backward);

}  // namespace dixc::ml::oracle
