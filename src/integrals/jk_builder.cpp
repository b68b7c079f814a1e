// The second translation unit instantiating libint2::Engine (see one_body.cpp).
#include "dixc/integrals/jk_builder.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <omp.h>

#include <libint2.hpp>

#include "dixc/integrals/one_body.hpp"
#include "dixc/integrals/shell_pair_loop.hpp"

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
        const double m =
            r.density
                ->block(basis.shell_offset[a], basis.shell_offset[b], basis.shells[a].size(), basis.shells[b].size())
                .cwiseAbs()
                .maxCoeff();
        out(a, b) = std::max(out(a, b), m);
      }
  return out;
}

// Visits the unique shell quartets (s1 s2|s3 s4), s1>=s2, s1>=s3, s3>=s4, (s3 s4) <= (s1 s2), whose Schwarz bound
// times `dbound(s1,s2,s3,s4)` reaches the threshold. The outer loop over s1 is the unit of parallel work.
template <typename Bound, typename Visit>
void for_each_quartet(std::size_t s1, const Matrix& q, double threshold, Bound dbound, Visit visit) {
  for (std::size_t s2 = 0; s2 <= s1; ++s2) {
    for (std::size_t s3 = 0; s3 <= s1; ++s3) {
      const std::size_t s4_max = (s1 == s3) ? s2 : s3;
      for (std::size_t s4 = 0; s4 <= s4_max; ++s4)
        if (q(s1, s2) * q(s3, s4) * dbound(s1, s2, s3, s4) >= threshold) visit(s2, s3, s4);
    }
  }
}

// Number of distinct index permutations the unique quartet stands for.
double degeneracy(std::size_t s1, std::size_t s2, std::size_t s3, std::size_t s4) {
  return (s1 == s2 ? 1.0 : 2.0) * (s3 == s4 ? 1.0 : 2.0) * (s1 == s3 ? (s2 == s4 ? 1.0 : 2.0) : 2.0);
}

// Densities and accumulators are stored interleaved, element (p, q) of density d at [(p * nbf + q) * nd + d],
// so that each integral updates all densities with contiguous (vectorised) loops.
struct Interleaved {
  std::size_t nbf = 0, nd = 0;
  std::vector<double> values;
  double* at(std::size_t p, std::size_t q) { return values.data() + (p * nbf + q) * nd; }
  const double* at(std::size_t p, std::size_t q) const { return values.data() + (p * nbf + q) * nd; }
};

struct Accumulators {
  Interleaved j, k;
};

// Adds one quartet's integrals to the per-thread J/K accumulators of every density (2 of the 8 permutational
// images for J, 4 for K; the rest come from the transpose at the end).
void contract_quartet(const chem::BasisSet& basis, std::size_t s1, std::size_t s2, std::size_t s3, std::size_t s4,
                      const double* ints, const Interleaved& x, bool do_j, bool do_k, Accumulators& acc) {
  const auto& offset = basis.shell_offset;
  const std::size_t bf1 = offset[s1], n1 = basis.shells[s1].size(), bf2 = offset[s2], n2 = basis.shells[s2].size();
  const std::size_t bf3 = offset[s3], n3 = basis.shells[s3].size(), bf4 = offset[s4], n4 = basis.shells[s4].size();
  const double deg = degeneracy(s1, s2, s3, s4);
  const std::size_t nd = x.nd;
  for (std::size_t f1 = 0, f1234 = 0; f1 < n1; ++f1) {
    const std::size_t p = bf1 + f1;
    for (std::size_t f2 = 0; f2 < n2; ++f2) {
      const std::size_t q = bf2 + f2;
      for (std::size_t f3 = 0; f3 < n3; ++f3) {
        const std::size_t r = bf3 + f3;
        for (std::size_t f4 = 0; f4 < n4; ++f4, ++f1234) {
          const std::size_t s = bf4 + f4;
          const double v = ints[f1234] * deg;
          if (do_j) {
            double* j_pq = acc.j.at(p, q);
            double* j_rs = acc.j.at(r, s);
            const double* x_rs = x.at(r, s);
            const double* x_pq = x.at(p, q);
#pragma omp simd
            for (std::size_t d = 0; d < nd; ++d) {
              j_pq[d] += x_rs[d] * v;
              j_rs[d] += x_pq[d] * v;
            }
          }
          if (do_k) {
            double* k_pr = acc.k.at(p, r);
            double* k_qs = acc.k.at(q, s);
            double* k_ps = acc.k.at(p, s);
            double* k_qr = acc.k.at(q, r);
            const double* x_qs = x.at(q, s);
            const double* x_pr = x.at(p, r);
            const double* x_qr = x.at(q, r);
            const double* x_ps = x.at(p, s);
#pragma omp simd
            for (std::size_t d = 0; d < nd; ++d) {
              k_pr[d] += x_qs[d] * v;
              k_qs[d] += x_pr[d] * v;
              k_ps[d] += x_qr[d] * v;
              k_qr[d] += x_ps[d] * v;
            }
          }
        }
      }
    }
  }
}

libint2::Engine coulomb_engine(const chem::BasisSet& basis, double precision) {
  libint2::Engine engine(libint2::Operator::coulomb, basis.max_nprim, basis.max_l, 0);
  engine.set_precision(precision);
  return engine;
}

}  // namespace

JKBuilder::JKBuilder(const chem::BasisSet& basis, JKOptions options, const chem::BasisSet* fitting_basis)
    : basis_(basis), options_(std::move(options)) {
  initialize_libint();
  if (!options_.coulomb_fitting.empty()) {
    if (!fitting_basis) throw std::logic_error("JKBuilder: coulomb_fitting set but no fitting basis given");
    fitted_j_ = std::make_unique<const DensityFittedCoulomb>(basis, *fitting_basis, options_.in_core_bytes);
  }
  const std::size_t ns = basis.shells.size();
  schwarz_ = Matrix::Zero(ns, ns);
  // the bounds themselves must be exact: engine precision 0
  for_each_shell_pair(coulomb_engine(basis, 0.0), ns, [&](libint2::Engine& engine, std::size_t a, std::size_t b) {
    const auto& buf = engine.results();
    engine.compute2<libint2::Operator::coulomb, libint2::BraKet::xx_xx, 0>(basis.shells[a], basis.shells[b],
                                                                           basis.shells[a], basis.shells[b]);
    double m = 0.0;
    if (buf[0]) {
      const std::size_t n = basis.shells[a].size() * basis.shells[b].size();
      for (std::size_t i = 0; i < n * n; ++i) m = std::max(m, std::abs(buf[0][i]));
    }
    schwarz_(a, b) = schwarz_(b, a) = std::sqrt(m);
  });
  if (!fitted_j_) store_integrals();  // with RI-J only K (hybrids) uses quartets: direct, nothing kept
}

void JKBuilder::store_integrals() {
  if (options_.in_core_bytes == 0) return;
  const std::size_t ns = basis_.shells.size();
  // Densities are bounded by 2 in magnitude for idempotent D; screening stored quartets with a density factor of
  // 1 keeps every quartet any later call can need at its own threshold times a safety margin of 1e-2.
  const double threshold = 1e-2 * options_.schwarz_threshold;
  auto unit = [](std::size_t, std::size_t, std::size_t, std::size_t) { return 1.0; };
  std::size_t count = 0;
  std::vector<StoredQuartet> quartets;
  for (std::size_t s1 = 0; s1 < ns; ++s1)
    for_each_quartet(s1, schwarz_, threshold, unit, [&](std::size_t s2, std::size_t s3, std::size_t s4) {
      quartets.push_back({static_cast<std::uint32_t>(s1), static_cast<std::uint32_t>(s2),
                          static_cast<std::uint32_t>(s3), static_cast<std::uint32_t>(s4), count});
      count +=
          basis_.shells[s1].size() * basis_.shells[s2].size() * basis_.shells[s3].size() * basis_.shells[s4].size();
    });
  if (count * sizeof(double) + quartets.size() * sizeof(StoredQuartet) > options_.in_core_bytes) return;
  std::vector<double> values(count, 0.0);
  const libint2::Engine prototype = coulomb_engine(basis_, options_.engine_precision);
#pragma omp parallel
  {
    libint2::Engine engine = prototype;
    const auto& buf = engine.results();
#pragma omp for schedule(dynamic, 64)
    for (std::size_t i = 0; i < quartets.size(); ++i) {
      const auto& qt = quartets[i];
      const auto& sh = basis_.shells;
      engine.compute2<libint2::Operator::coulomb, libint2::BraKet::xx_xx, 0>(sh[qt.s1], sh[qt.s2], sh[qt.s3],
                                                                             sh[qt.s4]);
      if (buf[0] == nullptr) continue;
      const std::size_t n = sh[qt.s1].size() * sh[qt.s2].size() * sh[qt.s3].size() * sh[qt.s4].size();
      std::copy(buf[0], buf[0] + n, values.begin() + qt.offset);
    }
  }
  stored_ = std::move(quartets);
  stored_values_ = std::move(values);
}

void JKBuilder::compute(const Matrix& density, Matrix* j, Matrix* k, double screening_scale) const {
  std::vector<Matrix> js, ks;
  compute({JKRequest{&density, DensitySymmetry::symmetric, j != nullptr, k != nullptr}}, js, ks, screening_scale);
  if (j) *j = std::move(js[0]);
  if (k) *k = std::move(ks[0]);
}

void JKBuilder::compute(const std::vector<JKRequest>& requests, std::vector<Matrix>& j, std::vector<Matrix>& k,
                        double screening_scale) const {
  const std::size_t nd_all = requests.size(), nbf = basis_.nbf;
  j.assign(nd_all, Matrix());
  k.assign(nd_all, Matrix());
  if (nd_all == 0) return;
  if (fitted_j_) {
    std::vector<const Matrix*> densities;
    std::vector<std::size_t> index;
    for (std::size_t d = 0; d < nd_all; ++d)
      if (requests[d].want_j) {
        if (requests[d].symmetry == DensitySymmetry::symmetric) {
          densities.push_back(requests[d].density);
          index.push_back(d);
        } else {
          j[d] = Matrix::Zero(nbf, nbf);
        }
      }
    if (!densities.empty()) {
      auto fitted = fitted_j_->coulomb(densities);
      for (std::size_t i = 0; i < index.size(); ++i) j[index[i]] = std::move(fitted[i]);
    }
    std::vector<JKRequest> exchange_only;
    std::vector<std::size_t> exchange_index;
    for (std::size_t d = 0; d < nd_all; ++d)
      if (requests[d].want_k) {
        exchange_only.push_back(requests[d]);
        exchange_only.back().want_j = false;
        exchange_index.push_back(d);
      }
    if (exchange_only.empty()) return;
    std::vector<Matrix> unused, ks;
    compute_four_centre(exchange_only, unused, ks, screening_scale);
    for (std::size_t i = 0; i < exchange_index.size(); ++i) k[exchange_index[i]] = std::move(ks[i]);
    return;
  }
  compute_four_centre(requests, j, k, screening_scale);
}

void JKBuilder::compute_four_centre(const std::vector<JKRequest>& requests, std::vector<Matrix>& j,
                                    std::vector<Matrix>& k, double screening_scale) const {
  const std::size_t nd_all = requests.size(), nbf = basis_.nbf;
  j.assign(nd_all, Matrix());
  k.assign(nd_all, Matrix());
  // Densities go through the integrals in groups whose interleaved accumulators (2 x nbf^2 x group per thread)
  // stay within ~1 GB; with in-core integrals a group costs only the contraction.
  const std::size_t per_density = 2 * nbf * nbf * sizeof(double) * static_cast<std::size_t>(omp_get_max_threads());
  const std::size_t group =
      std::max<std::size_t>(1, std::min(nd_all, (std::size_t(1) << 30) / std::max<std::size_t>(1, per_density)));
  for (std::size_t first = 0; first < nd_all; first += group) {
    const std::vector<JKRequest> part(requests.begin() + first, requests.begin() + std::min(nd_all, first + group));
    std::vector<Matrix> jp, kp;
    compute_group(part, jp, kp, screening_scale * options_.schwarz_threshold);
    for (std::size_t d = 0; d < part.size(); ++d) {
      j[first + d] = std::move(jp[d]);
      k[first + d] = std::move(kp[d]);
    }
  }
}

void JKBuilder::compute_group(const std::vector<JKRequest>& requests, std::vector<Matrix>& j, std::vector<Matrix>& k,
                              double threshold) const {
  const std::size_t nd = requests.size(), nbf = basis_.nbf, ns = basis_.shells.size();
  const Matrix dmax = shell_block_max(basis_, requests);
  auto dbound = [&dmax](std::size_t s1, std::size_t s2, std::size_t s3, std::size_t s4) {
    return std::max({dmax(s1, s2), dmax(s3, s4), dmax(s1, s3), dmax(s2, s4), dmax(s1, s4), dmax(s2, s3)});
  };
  bool do_j = false, do_k = false;
  for (const auto& r : requests) {
    do_j = do_j || (r.want_j && r.symmetry == DensitySymmetry::symmetric);
    do_k = do_k || r.want_k;
  }
  Interleaved x{nbf, nd, std::vector<double>(nbf * nbf * nd)};
  for (std::size_t d = 0; d < nd; ++d)
    for (std::size_t p = 0; p < nbf; ++p)
      for (std::size_t q = 0; q < nbf; ++q) x.at(p, q)[d] = (*requests[d].density)(p, q);

  const int n_threads = omp_get_max_threads();
  std::vector<Accumulators> acc(n_threads);
  const libint2::Engine prototype = coulomb_engine(basis_, options_.engine_precision);

#pragma omp parallel
  {
    Accumulators& mine = acc[omp_get_thread_num()];
    if (do_j) mine.j = Interleaved{nbf, nd, std::vector<double>(nbf * nbf * nd, 0.0)};
    if (do_k) mine.k = Interleaved{nbf, nd, std::vector<double>(nbf * nbf * nd, 0.0)};
    // Static schedules: each thread always gets the same quartets for a given thread count, so the summation
    // order and hence the result are reproducible bit for bit (datasets must not depend on scheduling).
    if (!stored_.empty()) {
#pragma omp for schedule(static, 256)
      for (std::size_t i = 0; i < stored_.size(); ++i) {
        const auto& qt = stored_[i];
        if (schwarz_(qt.s1, qt.s2) * schwarz_(qt.s3, qt.s4) * dbound(qt.s1, qt.s2, qt.s3, qt.s4) < threshold) continue;
        contract_quartet(basis_, qt.s1, qt.s2, qt.s3, qt.s4, stored_values_.data() + qt.offset, x, do_j, do_k, mine);
      }
    } else {
      libint2::Engine engine = prototype;
      const auto& buf = engine.results();
      const auto& shells = basis_.shells;
#pragma omp for schedule(static, 1)
      for (std::size_t s1 = 0; s1 < ns; ++s1)
        for_each_quartet(s1, schwarz_, threshold, dbound, [&](std::size_t s2, std::size_t s3, std::size_t s4) {
          engine.compute2<libint2::Operator::coulomb, libint2::BraKet::xx_xx, 0>(shells[s1], shells[s2], shells[s3],
                                                                                 shells[s4]);
          if (buf[0] != nullptr) contract_quartet(basis_, s1, s2, s3, s4, buf[0], x, do_j, do_k, mine);
        });
    }
  }

  // Each unique quartet stands for 8 permutations; J accumulated 2 of them per quartet (factor 1/4 after
  // adding the transpose), K 4 (factor 1/8). The other four K images are the transpose, or minus the transpose
  // for an antisymmetric density.
  j.assign(nd, Matrix());
  k.assign(nd, Matrix());
  auto gather = [&](Interleaved Accumulators::*which, std::size_t d) {
    Matrix sum = Matrix::Zero(nbf, nbf);
    for (auto& t : acc)
      for (std::size_t q = 0; q < nbf; ++q)
        for (std::size_t p = 0; p < nbf; ++p) sum(p, q) += (t.*which).at(p, q)[d];
    return sum;
  };
  for (std::size_t d = 0; d < nd; ++d) {
    const bool symmetric = requests[d].symmetry == DensitySymmetry::symmetric;
    if (requests[d].want_j && symmetric) {
      const Matrix sum = gather(&Accumulators::j, d);
      j[d] = 0.25 * (sum + sum.transpose());
    } else if (requests[d].want_j) {
      j[d] = Matrix::Zero(nbf, nbf);
    }
    if (requests[d].want_k) {
      const Matrix sum = gather(&Accumulators::k, d);
      k[d] = 0.125 * (sum + (symmetric ? 1.0 : -1.0) * sum.transpose());
    }
  }
}

}  // namespace dixc::integrals
