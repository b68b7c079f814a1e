#pragma once
// Differentiable density features of D(kappa) (theory.md sections 2 and 5). The occupied orbitals are expanded
// to second order, C_o(kappa) = C_o + C_v kappa - 1/2 C_o kappa^T kappa, which is exact for first and second
// derivatives at kappa = 0; with psi = phi C_o(kappa) on the grid (D = 2 C_o C_o^T):
//   rho = 2 sum_i psi_i^2,  grad rho = 4 sum_i psi_i grad psi_i,  sigma = |grad rho|^2,  tau = sum_i |grad psi_i|^2
#include <torch/torch.h>

#include "dixc/ml/molecule_tensors.hpp"

namespace dixc::ml {

struct Features {
  torch::Tensor rho, sigma, tau;  // (np)
};

torch::Tensor occupied_orbitals(const MoleculeTensors& molecule, const torch::Tensor& kappa);
Features density_features(const GridChunk& chunk, const torch::Tensor& c_occ);

}  // namespace dixc::ml
