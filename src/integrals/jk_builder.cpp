// The second translation unit instantiating libint2::Engine (see one_body.cpp).
#include "dixc/integrals/jk_builder.hpp"

#include <algorithm>
#include <cmath>

#include <omp.h>

#include <libint2.hpp>

#include "dixc/integrals/one_body.hpp"

namespace dixc::integrals {

namespace {

using Matrix = Eigen::MatrixXd;

// max |X_{ab}| over the basis-function block of every shell pair, maximised over all densities.
Matrix shell_block_max(const chem::BasisSet& basis, const std::vector<JKRequest>& requests) {
  const std::size_t ns = basis.shells.size();
  Matrix out = Matrix::Zero(ns, ns);
  for (const auto& r : requests)
    for (std::size_t a = 0; a < ns; ++a)
      for (std::size_t b = 0; b < ns; ++b) {
        const double m = r.density
                             ->block(basis.shell_offset[a], basis.shell_offset[b], basis.shells[a].size(),
                                     basis.shells[b].size())
                             .cwiseAbs()
                             .maxCoeff();
        out(a, b) = std::max(out(a, b), m);
      }
  return out;
}

}  // namespace

JKBuilder::JKBuilder(const chem::BasisSet& basis, JKOptions options) : basis_(basis), options_(options) {
  initialize_libint();
  const std::size_t ns = basis.shells.size();
  schwarz_ = Matrix::Zero(ns, ns);
  libint2::Engine engine(libint2::Operator::coulomb, basis.max_nprim, basis.max_l, 0);
  engine.set_precision(0.0);  // the bounds themselves must be exact
#pragma omp parallel firstprivate(engine)
  {
    const auto& buf = engine.results();
#pragma omp for schedule(dynamic)
    for (std::size_t a = 0; a < ns; ++a)
      for (std::size_t b = 0; b <= a; ++b) {
        engine.compute2<libint2::Operator::coulomb, libint2::BraKet::xx_xx, 0>(
            basis.shells[a], basis.shells[b], basis.shells[a], basis.shells[b]);
        double m = 0.0;
        if (buf[0]) {
          const std::size_t n = basis.shells[a].size() * basis.shells[b].size();
          for (std::size_t i = 0; i < n * n; ++i) m = std::max(m, std::abs(buf[0][i]));
        }
        schwarz_(a, b) = schwarz_(b, a) = std::sqrt(m);
      }
  }
}

void JKBuilder::compute(const Matrix& density, Matrix* j, Matrix* k) const {
  std::vector<Matrix> js, ks;
  compute({JKRequest{&density, DensitySymmetry::symmetric, j != nullptr, k != nullptr}}, js, ks);
  if (j) *j = std::move(js[0]);
  if (k) *k = std::move(ks[0]);
}

void JKBuilder::compute(const std::vector<JKRequest>& requests, std::vector<Matrix>& j, std::vector<Matrix>& k) const {
  const std::size_t nd = requests.size(), nbf = basis_.nbf, ns = basis_.shells.size();
  const auto& shells = basis_.shells;
  const auto& offset = basis_.shell_offset;
  const Matrix dmax = shell_block_max(basis_, requests);
  const double schwarz_max = ns ? schwarz_.maxCoeff() : 0.0;

  std::vector<bool> need_j(nd), need_k(nd);
  for (std::size_t d = 0; d < nd; ++d) {
    need_j[d] = requests[d].want_j && requests[d].symmetry == DensitySymmetry::symmetric;
    need_k[d] = requests[d].want_k;
  }
  // Per-thread accumulators over the unique quartets; symmetrised at the end (below).
  const int n_threads = omp_get_max_threads();
  std::vector<std::vector<Matrix>> j_acc(n_threads), k_acc(n_threads);

  libint2::Engine prototype(libint2::Operator::coulomb, basis_.max_nprim, basis_.max_l, 0);
  prototype.set_precision(options_.engine_precision);

#pragma omp parallel
  {
    const int tid = omp_get_thread_num();
    auto& jt = j_acc[tid];
    auto& kt = k_acc[tid];
    jt.assign(nd, Matrix());
    kt.assign(nd, Matrix());
    for (std::size_t d = 0; d < nd; ++d) {
      if (need_j[d]) jt[d] = Matrix::Zero(nbf, nbf);
      if (need_k[d]) kt[d] = Matrix::Zero(nbf, nbf);
    }
    libint2::Engine engine = prototype;
    const auto& buf = engine.results();

    // Unique quartets (s1 s2|s3 s4) with s1>=s2, s1>=s3, s3>=s4 and (s3 s4) <= (s1 s2).
#pragma omp for schedule(dynamic, 1)
    for (std::size_t s1 = 0; s1 < ns; ++s1) {
      const std::size_t bf1 = offset[s1], n1 = shells[s1].size();
      for (std::size_t s2 = 0; s2 <= s1; ++s2) {
        const double q12 = schwarz_(s1, s2);
        if (q12 * schwarz_max * dmax.maxCoeff() < options_.schwarz_threshold) continue;
        const std::size_t bf2 = offset[s2], n2 = shells[s2].size();
        for (std::size_t s3 = 0; s3 <= s1; ++s3) {
          const std::size_t bf3 = offset[s3], n3 = shells[s3].size();
          const std::size_t s4_max = (s1 == s3) ? s2 : s3;
          for (std::size_t s4 = 0; s4 <= s4_max; ++s4) {
            const double dbound = std::max({dmax(s1, s2), dmax(s3, s4), dmax(s1, s3), dmax(s2, s4), dmax(s1, s4),
                                            dmax(s2, s3)});
            if (q12 * schwarz_(s3, s4) * dbound < options_.schwarz_threshold) continue;
            engine.compute2<libint2::Operator::coulomb, libint2::BraKet::xx_xx, 0>(shells[s1], shells[s2],
                                                                                    shells[s3], shells[s4]);
            const double* ints = buf[0];
            if (ints == nullptr) continue;
            const std::size_t bf4 = offset[s4], n4 = shells[s4].size();
            // Number of distinct index permutations this quartet stands for.
            const double deg = (s1 == s2 ? 1.0 : 2.0) * (s3 == s4 ? 1.0 : 2.0) *
                               (s1 == s3 ? (s2 == s4 ? 1.0 : 2.0) : 2.0);
            for (std::size_t d = 0; d < nd; ++d) {
              const Matrix& x = *requests[d].density;
              Matrix* jd = need_j[d] ? &jt[d] : nullptr;
              Matrix* kd = need_k[d] ? &kt[d] : nullptr;
              for (std::size_t f1 = 0, f1234 = 0; f1 < n1; ++f1) {
                const std::size_t p = bf1 + f1;
                for (std::size_t f2 = 0; f2 < n2; ++f2) {
                  const std::size_t q = bf2 + f2;
                  for (std::size_t f3 = 0; f3 < n3; ++f3) {
                    const std::size_t r = bf3 + f3;
                    for (std::size_t f4 = 0; f4 < n4; ++f4, ++f1234) {
                      const std::size_t s = bf4 + f4;
                      const double v = ints[f1234] * deg;
                      if (jd) {
                        (*jd)(p, q) += x(r, s) * v;
                        (*jd)(r, s) += x(p, q) * v;
                      }
                      if (kd) {
                        (*kd)(p, r) += x(q, s) * v;
                        (*kd)(q, s) += x(p, r) * v;
                        (*kd)(p, s) += x(q, r) * v;
                        (*kd)(q, r) += x(p, s) * v;
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  // Each unique quartet stands for 8 permutations; J accumulated 2 of them per quartet (factor 1/4 after
  // adding the transpose), K 4 (factor 1/8). The other four K images are the transpose, or minus the transpose
  // for an antisymmetric density.
  j.assign(nd, Matrix());
  k.assign(nd, Matrix());
  for (std::size_t d = 0; d < nd; ++d) {
    if (need_j[d]) {
      Matrix sum = Matrix::Zero(nbf, nbf);
      for (auto& t : j_acc) sum += t[d];
      j[d] = 0.25 * (sum + sum.transpose());
    } else if (requests[d].want_j) {
      j[d] = Matrix::Zero(nbf, nbf);
    }
    if (need_k[d]) {
      Matrix sum = Matrix::Zero(nbf, nbf);
      for (auto& t : k_acc) sum += t[d];
      const double sign = requests[d].symmetry == DensitySymmetry::symmetric ? 1.0 : -1.0;
      k[d] = 0.125 * (sum + sign * sum.transpose());
    }
  }
}

}  // namespace dixc::integrals
