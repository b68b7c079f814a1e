#pragma once
// The per-point work of the DI-Loss's MO-basis assembly on one chunk of grid points, in single passes over the
// orbitals (docs/theory.md section 4). Orbitals are stacked as value and d/dx, d/dy, d/dz in dimension 0
// (occ: (4, np, n_occ), vir: (4, np, n_vir)), so that the remaining contractions over the points are plain GEMMs.
#include <torch/torch.h>

namespace dixc::ml {

// A local potential v = a + b . grad + c/2 grad . grad at the points (weights included):
// sum_p [a phi psi + b . grad(phi psi) + c/2 grad phi . grad psi] is its matrix element between phi and psi.
struct PotentialCoefficients {
  torch::Tensor a, b, c;  // (np), (3, np), (np); per direction (n_dir, np), (n_dir, 3, np), (n_dir, np)
};

// The potential applied to orbitals psi (4, np, n), as (4, np, 1 + n_dir, n):
//   slot 0:     v psi        (with psi_o, contracted with psi_v: the gradient g; with psi_v: V_vv)
//   slot 1 + k: v1_k psi     (with psi_o, contracted with psi_v: the kernel part of H v_k)
// where "v psi" is (a psi + b . grad psi, b_d psi + c/2 d_d psi), the form whose dot product with (phi, grad phi)
// summed over the points is the matrix element. Without `first` only slot 0. H v_k's remaining part V_vv v_k -
// v_k V_oo takes V_vv from slot 0 with psi_v: one more GEMM per step (4 np n_vir^2) instead of keeping
// u_k = psi_v v_k with the features (4 n_dir n_occ doubles per point).
torch::Tensor potential_on_orbitals(const PotentialCoefficients& ground, const PotentialCoefficients* first,
                                    const torch::Tensor& orbitals);

// The transpose: per-point densities of adjoint orbitals y against orbitals o, as 5 rows
//   (sum_i y_i o_i,  sum_i [y_i d_d o_i + d_d y_i o_i] for d = x, y, z,  1/2 sum_i grad y_i . grad o_i),
// so that <y, apply(a, b, c, o)> = sum_p [a row0 + b . rows1-3 + c row4].
//   ground:        slot 0 of y with occ, plus y_occ with occ, plus y_vir with vir   (5, np)
//   per_direction: slot 1 + k of y with occ                                          (n_dir, 5, np)
// y: (4, np, 1 + n_dir, n_occ); y_occ: (4, np, n_occ) and y_vir: (4, np, n_vir) or undefined.
struct AdjointDensities {
  torch::Tensor ground, per_direction;
};
AdjointDensities adjoint_densities(const torch::Tensor& y, const torch::Tensor& y_occ, const torch::Tensor& occ,
                                   const torch::Tensor& y_vir, const torch::Tensor& vir);

}  // namespace dixc::ml
