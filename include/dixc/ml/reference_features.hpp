#pragma once
// Fixed grid data of one dataset molecule for the DI-Loss (docs/theory.md sections 2 and 4). The stored reference
// orbitals do not depend on the model parameters, so the density features at D_ref and their first-order changes
// along every stored direction v_k are computed once per molecule; a training step differentiates through the
// model only. With psi = phi C (occupied o, virtual v) and u_k = psi_v v_k (the first-order change of the occupied
// orbitals along v_k):
//   rho  = 2 sum_i psi_i^2,            rho1_k  = 4 sum_i psi_i u_ki
//   grad rho = 4 sum_i psi_i grad psi_i, grad rho1_k = 4 sum_i (grad psi_i u_ki + psi_i grad u_ki)
//   sigma = |grad rho|^2,              sigma1_k = 2 grad rho . grad rho1_k
//   tau  = sum_i |grad psi_i|^2,       tau1_k  = 2 sum_i grad psi_i . grad u_ki
// (tau = 1/2 sum D grad phi . grad phi with D = 2 C_o C_o^T.) Orbitals are kept in the MO basis, values and
// gradients stacked as (4, points, orbitals), so every contraction of the loss is a GEMM over 4 x points; u_k
// itself is not kept (the step needs only V_vv v_k, orbital_contractions.hpp).
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "dixc/ml/loss_settings.hpp"
#include "dixc/ml/molecule_tensors.hpp"
#include "dixc/ml/separable_model.hpp"

namespace dixc::ml {

struct OrbitalGridChunk {
  torch::Tensor weights;             // (np)
  torch::Tensor points;              // (np, 3), Bohr
  torch::Tensor occ, vir;            // (4, np, n_occ), (4, np, n_vir): psi and d/dx, d/dy, d/dz
  torch::Tensor rho, sigma, tau;     // (np)
  torch::Tensor grad_rho;            // (3, np)
  torch::Tensor rho1, sigma1, tau1;  // (n_dir, np)
  torch::Tensor grad_rho1;           // (n_dir, 3, np)
};

// E_xc, g and all H v_k of a parameter-free functional on these features (a learned model's base).
struct FixedResponse {
  double e_xc = 0.0;
  torch::Tensor gradient, hessian_products;
  std::size_t bytes() const;
};

struct ReferenceFeatures {
  // Chunks are small (cache-sized) for the GEMM assembly; a local model sees up to points_per_call points of
  // consecutive chunks in one call (its autograd graph spans them), a non-local model all points.
  std::vector<OrbitalGridChunk> chunks;
  std::size_t points_per_call = 0;
  // What was built: energy (weights, points, rho, sigma, tau only), gradient (+ orbitals), hessian (+ first order).
  ResponseOrder order = ResponseOrder::hessian;
  // Responses of the base functionals of the models trained on this molecule, by name, filled on first use by
  // the DI-Loss: a learned model's base does not change during training.
  mutable std::map<std::string, FixedResponse> base_responses;
  // P, x and their derivatives for separable models (separable_model.hpp), one per model call, by architecture,
  // filled on first use by the DI-Loss: parameter-free, so fixed during training.
  mutable std::map<std::string, std::vector<SeparableMaps>> separable_cache;
  std::size_t n_points() const;
  std::size_t bytes() const;
};

// From the AO values of `molecule.chunks` (which the caller may drop afterwards). Chunking is kept as loaded;
// points_per_call = 0: one chunk per model call. Only what `order` needs is kept (energy-only training keeps
// 10 doubles per point instead of ~4 n_mo + 6 n_dir + 10).
ReferenceFeatures build_reference_features(const MoleculeTensors& molecule, std::size_t points_per_call = 0,
                                           ResponseOrder order = ResponseOrder::hessian);

}  // namespace dixc::ml
