#include "dixc/ml/reference_features.hpp"

#include "dixc/ml/tensor_bytes.hpp"

namespace dixc::ml {

namespace {

// (np, nbf) values and (3, np, nbf) gradients of AOs -> (4, np, n) of the orbitals `c` (nbf, n).
torch::Tensor orbitals_on_grid(const GridChunk& chunk, const torch::Tensor& c) {
  return torch::cat({chunk.phi.matmul(c).unsqueeze(0), chunk.dphi.matmul(c)}, 0);
}

OrbitalGridChunk build_chunk(const MoleculeTensors& m, const GridChunk& ao, ResponseOrder order) {
  torch::NoGradGuard no_grad;
  OrbitalGridChunk c;
  c.weights = ao.weights;
  c.points = ao.points;
  c.occ = orbitals_on_grid(ao, m.c_occ);
  c.vir = orbitals_on_grid(ao, m.c_vir);
  const torch::Tensor psi = c.occ[0], dpsi = c.occ.slice(0, 1, 4);  // (np, no), (3, np, no)
  c.rho = 2.0 * psi.pow(2).sum(1);
  c.grad_rho = 4.0 * (dpsi * psi.unsqueeze(0)).sum(2);
  c.sigma = c.grad_rho.pow(2).sum(0);
  c.tau = dpsi.pow(2).sum(std::vector<int64_t>{0, 2});
  if (order == ResponseOrder::energy) {
    c.occ = c.vir = torch::Tensor();
    return c;
  }
  if (order == ResponseOrder::gradient) return c;

  // u_k = psi_v v_k for all directions at once: (4, np, nv) x (nv, n_dir * no). Only its densities are kept: the
  // step applies the potential to psi_v instead (V_vv v_k, orbital_contractions.hpp), so the n_dir x 4 x n_occ
  // doubles per point of u_k need not stay in memory.
  const std::int64_t n_dir = m.directions.size(0), nv = m.c_vir.size(1), no = m.c_occ.size(1);
  const std::int64_t np = psi.size(0);
  const torch::Tensor v = m.directions.permute({1, 0, 2}).reshape({nv, n_dir * no});
  const torch::Tensor occ1 = c.vir.matmul(v).reshape({4, np, n_dir, no}).permute({2, 0, 1, 3});
  const torch::Tensor u = occ1.select(1, 0), du = occ1.slice(1, 1, 4);  // (nd, np, no), (nd, 3, np, no)
  c.rho1 = 4.0 * (u * psi.unsqueeze(0)).sum(2);
  c.grad_rho1 = 4.0 * (dpsi.unsqueeze(0) * u.unsqueeze(1) + psi.unsqueeze(0).unsqueeze(0) * du).sum(3);
  c.sigma1 = 2.0 * (c.grad_rho.unsqueeze(0) * c.grad_rho1).sum(1);
  c.tau1 = 2.0 * (dpsi.unsqueeze(0) * du).sum(std::vector<int64_t>{1, 3});
  return c;
}

}  // namespace

std::size_t FixedResponse::bytes() const { return tensor_bytes({&gradient, &hessian_products}); }

std::size_t ReferenceFeatures::n_points() const {
  std::size_t n = 0;
  for (const auto& c : chunks) n += static_cast<std::size_t>(c.weights.size(0));
  return n;
}

std::size_t ReferenceFeatures::bytes() const {
  std::size_t b = 0;
  for (const auto& c : chunks)
    b += tensor_bytes({&c.weights, &c.points, &c.occ, &c.vir, &c.rho, &c.sigma, &c.tau, &c.grad_rho, &c.rho1, &c.sigma1,
                       &c.tau1, &c.grad_rho1});
  for (const auto& [name, response] : base_responses) b += response.bytes();
  for (const auto& [architecture, calls] : separable_cache)
    for (const auto& maps : calls) b += maps.bytes();
  return b;
}

ReferenceFeatures build_reference_features(const MoleculeTensors& m, std::size_t points_per_call, ResponseOrder order) {
  ReferenceFeatures f;
  f.points_per_call = points_per_call;
  f.order = order;
  for (const auto& chunk : m.chunks) f.chunks.push_back(build_chunk(m, chunk, order));
  return f;
}

}  // namespace dixc::ml
