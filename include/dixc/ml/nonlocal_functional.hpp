#pragma once
// A non-local model with atom embeddings (nonlocal_model.hpp) as an XC functional, with the grid in chunks at
// fixed atom embeddings a (docs/theory.md section 5, "Non-local models in the SCF and TDDFT"):
//   E = sum_p w_p e_p,  e_p = b(r_p) + c(r_p, f_p),  f_p = F_p a = sum_A c_A(p) a_A (atom_weights),
//   a = A(h),  h = sum_p w_p rho_p S_p,  r_p = (rho, sigma, tau)_p,  z_p = (r_p, f_p).
// Potential: dE/dr_p = w_p e_r,p, plus w_p S_p . lambda on rho, lambda = J^T G, G = sum_p w_p F_p^T e_f,p.
// Kernel along a first-order density r1 (h1 = sum_p w_p rho1_p S_p, a1 = J h1, f1_p = F_p a1, z1 = (r1, f1)):
//   d(dE/dr_p) = w_p (e_zz,p z1_p)_r, plus w_p S_p . nu on rho, nu = J^T M + d/dh [G . J h1],
//   M = sum_p w_p F_p^T (e_zz,p z1_p)_f,
// so the per-point second derivatives e_zz (in the point's own inputs and features) are evaluated once per
// density with the maps w_p S_p and c(p) (memory per point: (3 + features)^2 + atoms (shells + 1) + 4 doubles),
// and each product needs no autograd through the point network: GEMMs with S and c and the small atom graph.
// The whole-grid autograd of TorchFunctional stays the oracle (and serves models without the split).
#include <cstdint>
#include <vector>

#include <torch/script.h>

#include "dixc/xc/semilocal_integrator.hpp"

namespace dixc::ml {

// Whether `model` has the atom-embedding split down to per-point features (has_atom_embeddings, shell_values,
// atom_weights, point_correction) and a parameter-free base: the chunked SCF and kernel apply.
bool has_point_features(const torch::jit::Module& model);

// The grid and molecule a model sees (TorchFunctional's inputs besides the density).
struct ModelGrid {
  torch::Tensor points, weights, atom_positions, atom_z;  // (np, 3), (np), (atoms, 3), (atoms)
};

// Points [first, last) of a density as the model's inputs: rho, sigma, tau as leaves requiring grad (tau = 0 for a
// model run without tau on the grid, which it ignores: uses_tau).
struct DensityLeaves {
  torch::Tensor rho, sigma, tau;
};
DensityLeaves density_leaves(const xc::PointDensity& d, bool with_tau, std::int64_t first, std::int64_t last);

// E and its derivatives with respect to each point's rho, sigma and tau (weights included).
struct InputDerivatives {
  double energy = 0.0;
  Eigen::VectorXd rho, sigma, tau;  // tau empty unless with_tau
};

// E, dE/dr_p at `density` in chunks of `chunk_points` (in parallel over the OpenMP threads; sums in chunk order).
InputDerivatives nonlocal_input_derivatives(torch::jit::Module& model, const ModelGrid& grid,
                                            const xc::PointDensity& density, bool with_tau, std::int64_t chunk_points);

// The kernel at one density: h, a, G and the per-point e_z, e_zz, evaluated once; products() for any number of
// first-order densities.
class NonlocalKernel {
 public:
  NonlocalKernel(torch::jit::Module& model, const ModelGrid& grid, const xc::PointDensity& density, bool with_tau,
                 std::int64_t chunk_points);
  // Weighted first-order potential coefficients (a, b, c as xc::SemilocalIntegrator::assemble takes them) of each
  // first-order density (rho1, grad rho1, tau1 on the same grid).
  std::vector<xc::PointPotential> products(const std::vector<xc::PointDensity>& first_order) const;

 private:
  struct Chunk {
    std::int64_t first = 0, last = 0;
    torch::Tensor grad_rho;         // (m, 3) ground grad rho
    torch::Tensor e_sigma;          // (m) w_p de/dsigma
    torch::Tensor second;           // (m, nz, nz) e_zz, unweighted
    torch::Tensor weighted_shells;  // (m, atoms * shells) w_p S_p
    torch::Tensor atom_weights;     // (m, atoms) c(p)
  };
  mutable torch::jit::Module model_;  // a handle to the caller's model (methods are not const in the torch API)
  ModelGrid grid_;
  bool with_tau_;
  std::vector<Chunk> chunks_;
  torch::Tensor h_, g_;  // (atoms, shells), (atoms, features)
};

}  // namespace dixc::ml
