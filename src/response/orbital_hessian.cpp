#include "dixc/response/orbital_hessian.hpp"

#include <stdexcept>

namespace dixc::response {

namespace {

using Matrix = Eigen::MatrixXd;
using integrals::DensitySymmetry;

}  // namespace

OrbitalHessian::OrbitalHessian(const scf::FockBuilder& fock_builder, Matrix coefficients, int n_occ)
    : fock_builder_(fock_builder), n_occ_(n_occ) {
  if (n_occ <= 0 || n_occ >= coefficients.cols())
    throw std::invalid_argument("OrbitalHessian: need at least one occupied and one virtual orbital");
  c_occ_ = coefficients.leftCols(n_occ);
  c_vir_ = coefficients.rightCols(coefficients.cols() - n_occ);
  density_ = 2.0 * c_occ_ * c_occ_.transpose();
  fock_ = fock_builder.build(density_);
}

Matrix OrbitalHessian::first_order_density(const Matrix& v) const {
  const Matrix t = c_vir_ * v * c_occ_.transpose();
  return 2.0 * (t + t.transpose());
}

Matrix OrbitalHessian::orbital_energy_term(const Matrix& f, const Matrix& v) const {
  return (c_vir_.transpose() * f * c_vir_) * v - v * (c_occ_.transpose() * f * c_occ_);
}

Matrix OrbitalHessian::gradient() const { return 4.0 * c_vir_.transpose() * fock_.fock * c_occ_; }

std::vector<Matrix> OrbitalHessian::hessian_products(const std::vector<Matrix>& directions) const {
  auto p = tddft_products(directions, true, false);
  for (auto& m : p.a_plus_b) m *= 4.0;
  return std::move(p.a_plus_b);
}

ResponseProducts OrbitalHessian::tddft_products(const std::vector<Matrix>& directions, bool a_plus_b,
                                                bool a_minus_b) const {
  const std::size_t n = directions.size();
  const xc::XcFunctional& functional = fock_builder_.functional();
  const bool exact_exchange = functional.has_exact_exchange();
  // Symmetric S_k = C_v v C_o^T + C_o v^T C_v^T (= D1/2) and antisymmetric Y_k, all in one ERI sweep.
  std::vector<Matrix> sym(n), anti(n);
  std::vector<integrals::JKRequest> requests;
  for (std::size_t k = 0; k < n; ++k) {
    const Matrix t = c_vir_ * directions[k] * c_occ_.transpose();
    if (a_plus_b) sym[k] = t + t.transpose();
    if (a_minus_b) anti[k] = t - t.transpose();
  }
  if (a_plus_b)
    for (std::size_t k = 0; k < n; ++k) requests.push_back({&sym[k], DensitySymmetry::symmetric, true, exact_exchange});
  if (a_minus_b && exact_exchange)
    for (std::size_t k = 0; k < n; ++k) requests.push_back({&anti[k], DensitySymmetry::antisymmetric, false, true});
  std::vector<Matrix> j, k_mat;
  if (!requests.empty()) fock_builder_.jk().compute(requests, j, k_mat);

  ResponseProducts out;
  if (a_plus_b) {
    std::vector<Matrix> kernel_ov;
    if (functional.has_semilocal_part())
      kernel_ov = functional.semilocal_kernel_ov(density_, c_occ_, c_vir_, directions);
    out.a_plus_b.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      // (A+B) v = F_vv v - v F_oo + C_v^T G[S] C_o with G[D1] = 2 G[S] and the 1/4 of H = 4 (A+B);
      // G[S] = 2 J[S] - c_x K[S] + the semilocal kernel (K[S_k] is the k-th exchange matrix).
      Matrix g = 2.0 * j[k];
      if (exact_exchange) functional.add_exchange_kernel(k_mat[k], g);
      out.a_plus_b[k] = orbital_energy_term(fock_.fock, directions[k]) + c_vir_.transpose() * g * c_occ_;
      if (!kernel_ov.empty()) out.a_plus_b[k] += 2.0 * kernel_ov[k];
    }
  }
  if (a_minus_b) {
    const std::size_t offset = a_plus_b ? n : 0;  // K[Y_k] follow the K[S_k]
    out.a_minus_b.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      out.a_minus_b[k] = orbital_energy_term(fock_.fock, directions[k]);
      if (exact_exchange) functional.add_exchange_kernel_ov(k_mat[offset + k], c_occ_, c_vir_, out.a_minus_b[k]);
    }
  }
  return out;
}

XcPart OrbitalHessian::xc_part(const std::vector<Matrix>& directions) const {
  const std::size_t n = directions.size();
  const auto& functional = fock_builder_.functional();
  // K[D] and K[D1_k] in one ERI sweep, when the functional has exact exchange.
  std::vector<Matrix> d1(n);
  std::vector<integrals::JKRequest> requests;
  if (functional.has_exact_exchange()) {
    requests.push_back({&density_, DensitySymmetry::symmetric, false, true});
    for (std::size_t k = 0; k < n; ++k) {
      d1[k] = first_order_density(directions[k]);
      requests.push_back({&d1[k], DensitySymmetry::symmetric, false, true});
    }
  }
  std::vector<Matrix> j, k_mat;
  if (!requests.empty()) fock_builder_.jk().compute(requests, j, k_mat);
  const Matrix* exchange = k_mat.empty() ? nullptr : &k_mat[0];

  const std::size_t nbf = density_.rows();
  XcPart out;
  out.potential = Matrix::Zero(nbf, nbf);
  const xc::XcEnergies energies = functional.add_potential(density_, exchange, out.potential);
  out.energy = energies.total();
  std::vector<Matrix> kernel_ov;  // C_v^T V1[S_k] C_o; D1 = 2 S
  if (functional.has_semilocal_part()) kernel_ov = functional.semilocal_kernel_ov(density_, c_occ_, c_vir_, directions);
  out.gradient = 4.0 * c_vir_.transpose() * out.potential * c_occ_;
  out.hessian_products.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    // H_xc v = 4 (V_xc,vv v - v V_xc,oo + C_v^T g_xc C_o) + 8 C_v^T V1_sl[S] C_o with g_xc = -(c_x/2) K[D1]
    // (theory.md section 3).
    Matrix g_xc = Matrix::Zero(nbf, nbf);
    if (exchange) functional.add_exchange_kernel(0.5 * k_mat[1 + k], g_xc);
    out.hessian_products[k] =
        4.0 * (orbital_energy_term(out.potential, directions[k]) + c_vir_.transpose() * g_xc * c_occ_);
    if (!kernel_ov.empty()) out.hessian_products[k] += 8.0 * kernel_ov[k];
  }
  return out;
}

}  // namespace dixc::response
