#include "dixc/ml/separable_point_kernel.hpp"

#include <algorithm>
#include <vector>

namespace dixc::ml {

namespace {

// A contiguous float64 tensor's data (the maps and jets are contiguous already; contiguous() then costs nothing).
struct Data {
  torch::Tensor kept;
  const double* p = nullptr;
  explicit Data(const torch::Tensor& t) : kept(t.defined() ? t.contiguous() : t) {
    if (kept.defined()) p = kept.data_ptr<double>();
  }
};

}  // namespace

// Per point, in r' = (rho, sigma, tau, f) with nf features f after the network's k x-inputs (nf = 0: the local
// models; point_feature_jets.hpp), with g = J_x X_r (m x 3), ph = sum_m P_m H_m ((k + nf) x (k + nf)),
// pj = sum_m P_m J_x,m (k), cross = P_r^T g (3 x 3):
//   e = P . f,   e_r = P_r^T f + g^T P,   e_f = sum_m P_m J_f,m,
//   e_rr = sum_m P_rr,m f_m + cross + cross^T + X_r^T ph_xx X_r + sum_k pj_k X_rr,k,
//   e_rf = sum_m P_r,m J_f,m^T + X_r^T ph_xf,   e_ff = ph_ff.
PointJets point_feature_jets_kernel(const SeparableMaps& s, const MlpJet& jet, std::int64_t nf, bool second) {
  const std::int64_t np = s.x.size(0), k = s.x.size(1), m = s.p.size(1), n = k + nf, nr = 3 + nf;
  const Data x_r(s.x_r), x_rr(s.x_rr), p(s.p), p_r(s.p_r), p_rr(s.p_rr), f(jet.f), j(jet.j), h(jet.h);
  const auto options = torch::TensorOptions().dtype(torch::kDouble);
  PointJets out;
  out.e = torch::empty({np}, options);
  out.e_r = torch::empty({np, nr}, options);
  if (second) out.e_rr = torch::empty({np, nr, nr}, options);
  double* e = out.e.data_ptr<double>();
  double* e_r = out.e_r.data_ptr<double>();
  double* e_rr = second ? out.e_rr.data_ptr<double>() : nullptr;
  std::vector<double> g(static_cast<std::size_t>(m * 3)), ph(static_cast<std::size_t>(n * n)),
      pj(static_cast<std::size_t>(k)), xph(static_cast<std::size_t>(3 * n));
  for (std::int64_t q = 0; q < np; ++q) {
    const double* xr = x_r.p + q * k * 3;  // xr[a * 3 + c] = dx_a/dr_c
    const double* P = p.p + q * m;
    const double* Pr = p_r.p + q * m * 3;
    const double* F = f.p + q * m;
    const double* J = j.p + q * m * n;
    double* first = e_r + q * nr;
    std::fill(first, first + nr, 0.0);
    double value = 0.0;
    for (std::int64_t i = 0; i < m; ++i) {
      value += P[i] * F[i];
      for (int c = 0; c < 3; ++c) {
        double gic = 0.0;
        for (std::int64_t a = 0; a < k; ++a) gic += J[i * n + a] * xr[a * 3 + c];
        g[i * 3 + c] = gic;
        first[c] += Pr[i * 3 + c] * F[i] + P[i] * gic;
      }
      for (std::int64_t t = 0; t < nf; ++t) first[3 + t] += P[i] * J[i * n + k + t];
    }
    e[q] = value;
    if (!second) continue;
    const double* Prr = p_rr.p + q * m * 9;
    const double* H = h.p + q * m * n * n;
    const double* xrr = x_rr.p + q * k * 9;
    double* hess = e_rr + q * nr * nr;
    std::fill(ph.begin(), ph.end(), 0.0);
    std::fill(pj.begin(), pj.end(), 0.0);
    double out2[9] = {};
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t ab = 0; ab < n * n; ++ab) ph[ab] += P[i] * H[i * n * n + ab];
      for (std::int64_t a = 0; a < k; ++a) pj[a] += P[i] * J[i * n + a];
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b)
          out2[a * 3 + b] +=
              Prr[i * 9 + a * 3 + b] * F[i] + Pr[i * 3 + a] * g[i * 3 + b] + g[i * 3 + a] * Pr[i * 3 + b];
    }
    // X_r^T ph: xph (3 x (k + nf)) first.
    for (int c = 0; c < 3; ++c)
      for (std::int64_t l = 0; l < n; ++l) {
        double sum = 0.0;
        for (std::int64_t a = 0; a < k; ++a) sum += xr[a * 3 + c] * ph[a * n + l];
        xph[c * n + l] = sum;
      }
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        double sum = out2[a * 3 + b];
        for (std::int64_t l = 0; l < k; ++l) sum += xph[a * n + l] * xr[l * 3 + b] + pj[l] * xrr[l * 9 + a * 3 + b];
        hess[a * nr + b] = sum;
      }
    for (int c = 0; c < 3; ++c)
      for (std::int64_t t = 0; t < nf; ++t) {
        double sum = xph[c * n + k + t];
        for (std::int64_t i = 0; i < m; ++i) sum += Pr[i * 3 + c] * J[i * n + k + t];
        hess[c * nr + 3 + t] = sum;
        hess[(3 + t) * nr + c] = sum;
      }
    for (std::int64_t t = 0; t < nf; ++t)
      for (std::int64_t u = 0; u < nf; ++u) hess[(3 + t) * nr + 3 + u] = ph[(k + t) * n + k + u];
  }
  return out;
}

PointJets point_jets_kernel(const SeparableMaps& s, const MlpJet& jet, bool second) {
  return point_feature_jets_kernel(s, jet, 0, second);
}

// Per point, in r' = (rho, sigma, tau, f) with nf features after the network's k x-inputs (nf = 0: jet_weights),
// omega = (omega_r, omega_f), Omega with blocks rr, rf, fr, ff, and xo = X_r omega_r (k), S = Omega_rr + Omega_rr^T,
// x_sym = X_r S (k x 3), xox = X_r Omega_rr X_r^T (k x k):
//   alpha_m = eps P_m + omega_r . P_r,m [+ Omega_rr : P_rr,m]
//   beta_x,m = P_m xo [+ x_sym P_r,m + P_m (Omega_rr : X_rr)],   beta_f,m = P_m omega_f [+ (Omega + Omega^T)_fr P_r,m]
//   gamma_m = P_m [[xox, X_r Omega_rf], [Omega_fr X_r^T, Omega_ff]].
JetWeights point_feature_jet_weights_kernel(const SeparableMaps& s, const torch::Tensor& eps_in,
                                            const torch::Tensor& omega_in, const torch::Tensor& omega2_in,
                                            std::int64_t nf) {
  const std::int64_t np = s.x.size(0), k = s.x.size(1), m = s.p.size(1), n = k + nf, nr = 3 + nf;
  const bool second = omega2_in.defined();
  const Data x_r(s.x_r), x_rr(s.x_rr), p(s.p), p_r(s.p_r), p_rr(s.p_rr), eps(eps_in), omega(omega_in),
      omega2(omega2_in);
  const auto options = torch::TensorOptions().dtype(torch::kDouble);
  JetWeights w;
  w.f = torch::empty({np, m}, options);
  w.j = torch::empty({np, m, n}, options);
  if (second) w.h = torch::empty({np, m, n, n}, options);
  double* wf = w.f.data_ptr<double>();
  double* wj = w.j.data_ptr<double>();
  double* wh = second ? w.h.data_ptr<double>() : nullptr;
  std::vector<double> xo(static_cast<std::size_t>(k)), x_sym(static_cast<std::size_t>(k * 3)),
      xrr_omega(static_cast<std::size_t>(k)), x_omega(static_cast<std::size_t>(k * 3)),
      outer(static_cast<std::size_t>(n * n)), f_sym(static_cast<std::size_t>(nf * 3));
  for (std::int64_t q = 0; q < np; ++q) {
    const double* xr = x_r.p + q * k * 3;
    const double* P = p.p + q * m;
    const double* Pr = p_r.p + q * m * 3;
    const double* o = omega.p + q * nr;
    for (std::int64_t a = 0; a < k; ++a) xo[a] = xr[a * 3] * o[0] + xr[a * 3 + 1] * o[1] + xr[a * 3 + 2] * o[2];
    const double* O = second ? omega2.p + q * nr * nr : nullptr;
    if (second) {
      const double* xrr = x_rr.p + q * k * 9;
      for (std::int64_t a = 0; a < k; ++a) {
        double contracted = 0.0;
        for (int b = 0; b < 3; ++b)
          for (int c = 0; c < 3; ++c) contracted += xrr[a * 9 + b * 3 + c] * O[b * nr + c];
        xrr_omega[a] = contracted;
        for (int c = 0; c < 3; ++c) {
          double sym = 0.0, xo2 = 0.0;
          for (int b = 0; b < 3; ++b) {
            sym += xr[a * 3 + b] * (O[b * nr + c] + O[c * nr + b]);
            xo2 += xr[a * 3 + b] * O[b * nr + c];
          }
          x_sym[a * 3 + c] = sym;
          x_omega[a * 3 + c] = xo2;
        }
      }
      // The bracket of gamma_m (n x n), the same for every output m.
      for (std::int64_t a = 0; a < k; ++a) {
        for (std::int64_t l = 0; l < k; ++l)
          outer[a * n + l] =
              x_omega[a * 3] * xr[l * 3] + x_omega[a * 3 + 1] * xr[l * 3 + 1] + x_omega[a * 3 + 2] * xr[l * 3 + 2];
        for (std::int64_t t = 0; t < nf; ++t) {
          double xf = 0.0, fx = 0.0;
          for (int b = 0; b < 3; ++b) {
            xf += xr[a * 3 + b] * O[b * nr + 3 + t];
            fx += O[(3 + t) * nr + b] * xr[a * 3 + b];
          }
          outer[a * n + k + t] = xf;
          outer[(k + t) * n + a] = fx;
        }
      }
      for (std::int64_t t = 0; t < nf; ++t) {
        for (std::int64_t u = 0; u < nf; ++u) outer[(k + t) * n + k + u] = O[(3 + t) * nr + 3 + u];
        for (int c = 0; c < 3; ++c) f_sym[t * 3 + c] = O[(3 + t) * nr + c] + O[c * nr + 3 + t];
      }
    }
    for (std::int64_t i = 0; i < m; ++i) {
      double alpha = eps.p[q] * P[i] + Pr[i * 3] * o[0] + Pr[i * 3 + 1] * o[1] + Pr[i * 3 + 2] * o[2];
      double* beta = wj + (q * m + i) * n;
      for (std::int64_t a = 0; a < k; ++a) beta[a] = P[i] * xo[a];
      for (std::int64_t t = 0; t < nf; ++t) beta[k + t] = P[i] * o[3 + t];
      if (second) {
        const double* Prr = p_rr.p + (q * m + i) * 9;
        for (int b = 0; b < 3; ++b)
          for (int c = 0; c < 3; ++c) alpha += Prr[b * 3 + c] * O[b * nr + c];
        for (std::int64_t a = 0; a < k; ++a)
          beta[a] += x_sym[a * 3] * Pr[i * 3] + x_sym[a * 3 + 1] * Pr[i * 3 + 1] + x_sym[a * 3 + 2] * Pr[i * 3 + 2] +
                     P[i] * xrr_omega[a];
        for (std::int64_t t = 0; t < nf; ++t)
          beta[k + t] += f_sym[t * 3] * Pr[i * 3] + f_sym[t * 3 + 1] * Pr[i * 3 + 1] + f_sym[t * 3 + 2] * Pr[i * 3 + 2];
        double* gamma = wh + (q * m + i) * n * n;
        for (std::int64_t al = 0; al < n * n; ++al) gamma[al] = P[i] * outer[al];
      }
      wf[q * m + i] = alpha;
    }
  }
  return w;
}

JetWeights jet_weights(const SeparableMaps& s, const torch::Tensor& eps, const torch::Tensor& omega,
                       const torch::Tensor& omega2) {
  return point_feature_jet_weights_kernel(s, eps, omega, omega2, 0);
}

torch::Tensor per_point_matvec(const torch::Tensor& m, const torch::Tensor& v) {
  const std::int64_t np = m.size(0), a = m.size(1), b = m.size(2), nk = v.size(0);
  const Data mat(m), vec(v);
  torch::Tensor out = torch::empty({nk, np, a}, torch::TensorOptions().dtype(torch::kDouble));
  double* o = out.data_ptr<double>();
  for (std::int64_t k = 0; k < nk; ++k)
    for (std::int64_t q = 0; q < np; ++q) {
      const double* M = mat.p + q * a * b;
      const double* V = vec.p + (k * np + q) * b;
      double* O = o + (k * np + q) * a;
      for (std::int64_t i = 0; i < a; ++i) {
        double sum = 0.0;
        for (std::int64_t j = 0; j < b; ++j) sum += M[i * b + j] * V[j];
        O[i] = sum;
      }
    }
  return out;
}

torch::Tensor per_point_outer_sum(const torch::Tensor& u, const torch::Tensor& x) {
  const std::int64_t nk = u.size(0), np = u.size(1), a = u.size(2), b = x.size(2);
  const Data left(u), right(x);
  torch::Tensor out = torch::zeros({np, a, b}, torch::TensorOptions().dtype(torch::kDouble));
  double* o = out.data_ptr<double>();
  for (std::int64_t k = 0; k < nk; ++k)
    for (std::int64_t q = 0; q < np; ++q) {
      const double* U = left.p + (k * np + q) * a;
      const double* X = right.p + (k * np + q) * b;
      double* O = o + q * a * b;
      for (std::int64_t i = 0; i < a; ++i)
        for (std::int64_t j = 0; j < b; ++j) O[i * b + j] += U[i] * X[j];
    }
  return out;
}

}  // namespace dixc::ml
