#include "dixc/ml/orbital_contractions.hpp"

#include <array>

namespace dixc::ml {

namespace {

// Orbitals of one point: component c (value, d/dx, d/dy, d/dz) of orbital i at ptr[c * stride + i].
struct PointOrbitals {
  const double* ptr;
  std::int64_t stride;
  double operator()(int c, std::int64_t i) const { return ptr[c * stride + i]; }
};

// out_0 = a psi + b . grad psi, out_d = b_d psi + c/2 d_d psi for the n orbitals of one point.
void apply_at_point(double a, const std::array<double, 3>& b, double c, const PointOrbitals& psi, double* out,
                    std::int64_t out_stride, std::int64_t n) {
  const double h = 0.5 * c;
  double* o0 = out;
  for (std::int64_t i = 0; i < n; ++i) {
    o0[i] = a * psi(0, i) + b[0] * psi(1, i) + b[1] * psi(2, i) + b[2] * psi(3, i);
  }
  for (int d = 0; d < 3; ++d) {
    double* od = out + (d + 1) * out_stride;
    for (std::int64_t i = 0; i < n; ++i) {
      od[i] = b[d] * psi(0, i) + h * psi(d + 1, i);
    }
  }
}

// The 5 densities of adjoint_densities for one point, added to acc.
void add_densities(const PointOrbitals& y, const PointOrbitals& o, std::int64_t n, double* acc) {
  double p0 = 0, px = 0, py = 0, pz = 0, pc = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double y0 = y(0, i), o0 = o(0, i);
    p0 += y0 * o0;
    px += y0 * o(1, i) + y(1, i) * o0;
    py += y0 * o(2, i) + y(2, i) * o0;
    pz += y0 * o(3, i) + y(3, i) * o0;
    pc += y(1, i) * o(1, i) + y(2, i) * o(2, i) + y(3, i) * o(3, i);
  }
  acc[0] += p0;
  acc[1] += px;
  acc[2] += py;
  acc[3] += pz;
  acc[4] += 0.5 * pc;
}

// Read-only view of a contiguous double tensor.
const double* data_of(const torch::Tensor& t) { return t.data_ptr<double>(); }

}  // namespace

torch::Tensor potential_on_orbitals(const PotentialCoefficients& ground, const PotentialCoefficients* first,
                                    const torch::Tensor& orbitals_in) {
  const torch::Tensor orbitals = orbitals_in.contiguous();
  const std::int64_t np = orbitals.size(1), n = orbitals.size(2);
  const std::int64_t n_dir = first ? first->a.size(0) : 0, slots = 1 + n_dir;
  torch::Tensor out = torch::empty({4, np, slots, n}, torch::kDouble);
  const torch::Tensor a = ground.a.contiguous(), b = ground.b.contiguous(), c = ground.c.contiguous();
  torch::Tensor a1, b1, c1;
  if (first) {
    a1 = first->a.contiguous();
    b1 = first->b.contiguous();
    c1 = first->c.contiguous();
  }
  const double *pa = data_of(a), *pb = data_of(b), *pc = data_of(c), *po = data_of(orbitals);
  const double *pa1 = first ? data_of(a1) : nullptr, *pb1 = first ? data_of(b1) : nullptr;
  const double* pc1 = first ? data_of(c1) : nullptr;
  double* pout = out.data_ptr<double>();
  const std::int64_t orbital_stride = np * n, out_stride = np * slots * n;
#pragma omp parallel for schedule(static)
  for (std::int64_t p = 0; p < np; ++p) {
    const PointOrbitals psi{po + p * n, orbital_stride};
    double* slot0 = pout + p * slots * n;
    const std::array<double, 3> bp = {pb[p], pb[np + p], pb[2 * np + p]};
    apply_at_point(pa[p], bp, pc[p], psi, slot0, out_stride, n);
    for (std::int64_t k = 0; k < n_dir; ++k) {
      const std::int64_t kp = k * np + p;
      const std::array<double, 3> b1p = {pb1[3 * k * np + p], pb1[(3 * k + 1) * np + p], pb1[(3 * k + 2) * np + p]};
      apply_at_point(pa1[kp], b1p, pc1[kp], psi, slot0 + (1 + k) * n, out_stride, n);
    }
  }
  return out;
}

AdjointDensities adjoint_densities(const torch::Tensor& y_in, const torch::Tensor& y_occ_in,
                                   const torch::Tensor& occ_in, const torch::Tensor& y_vir_in,
                                   const torch::Tensor& vir_in) {
  const torch::Tensor y = y_in.contiguous(), occ = occ_in.contiguous();
  const std::int64_t np = occ.size(1), no = occ.size(2), slots = y.size(2), n_dir = slots - 1;
  const torch::Tensor y_occ = y_occ_in.defined() ? y_occ_in.contiguous() : torch::Tensor();
  const bool with_vir = y_vir_in.defined();
  const torch::Tensor y_vir = with_vir ? y_vir_in.contiguous() : torch::Tensor();
  const torch::Tensor vir = with_vir ? vir_in.contiguous() : torch::Tensor();
  const std::int64_t nv = with_vir ? vir.size(2) : 0;
  // Accumulated point-major, (np, 5) and (np, n_dir, 5), then transposed to the documented layout.
  torch::Tensor ground = torch::zeros({np, 5}, torch::kDouble);
  torch::Tensor per_direction = torch::zeros({np, n_dir, 5}, torch::kDouble);
  const double *py = data_of(y), *po = data_of(occ);
  const double* pyo = y_occ.defined() ? data_of(y_occ) : nullptr;
  const double *pyv = with_vir ? data_of(y_vir) : nullptr, *pv = with_vir ? data_of(vir) : nullptr;
  double *pg = ground.data_ptr<double>(), *pd = per_direction.data_ptr<double>();
  const std::int64_t orbital_stride = np * no, vir_stride = np * nv, y_stride = np * slots * no;
#pragma omp parallel for schedule(static)
  for (std::int64_t p = 0; p < np; ++p) {
    const PointOrbitals o{po + p * no, orbital_stride};
    const double* y0 = py + p * slots * no;
    double* g = pg + 5 * p;
    add_densities({y0, y_stride}, o, no, g);
    if (pyo) add_densities({pyo + p * no, orbital_stride}, o, no, g);
    if (pyv) add_densities({pyv + p * nv, vir_stride}, {pv + p * nv, vir_stride}, nv, g);
    for (std::int64_t k = 0; k < n_dir; ++k)
      add_densities({y0 + (1 + k) * no, y_stride}, o, no, pd + (p * n_dir + k) * 5);
  }
  return {ground.t(), per_direction.permute({1, 2, 0})};
}

}  // namespace dixc::ml
