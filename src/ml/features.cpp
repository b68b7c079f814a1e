#include "dixc/ml/features.hpp"

namespace dixc::ml {

torch::Tensor occupied_orbitals(const MoleculeTensors& m, const torch::Tensor& kappa) {
  return m.c_occ + torch::matmul(m.c_vir, kappa) - 0.5 * torch::matmul(m.c_occ, torch::matmul(kappa.t(), kappa));
}

Features density_features(const GridChunk& chunk, const torch::Tensor& c_occ) {
  const torch::Tensor psi = torch::matmul(chunk.phi, c_occ);    // (np, no)
  const torch::Tensor dpsi = torch::matmul(chunk.dphi, c_occ);  // (3, np, no)
  Features f;
  f.rho = 2.0 * psi.pow(2).sum(1);
  const torch::Tensor grad = 4.0 * (dpsi * psi.unsqueeze(0)).sum(2);  // (3, np)
  f.sigma = grad.pow(2).sum(0);
  f.tau = dpsi.pow(2).sum(std::vector<int64_t>{0, 2});
  return f;
}

}  // namespace dixc::ml
