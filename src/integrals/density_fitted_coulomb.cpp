// Instantiates libint2::Engine for two- and three-centre Coulomb integrals (a third heavy translation unit beside
// one_body.cpp and jk_builder.cpp).
#include "dixc/integrals/density_fitted_coulomb.hpp"

#include <algorithm>
#include <string>

#include <libint2.hpp>

#include "dixc/integrals/one_body.hpp"
#include "dixc/integrals/shell_pair_loop.hpp"
#include "dixc/util/error.hpp"

namespace dixc::integrals {

namespace {

std::size_t n_pairs(std::size_t nbf) { return nbf * (nbf + 1) / 2; }
std::size_t pair_index(std::size_t m, std::size_t n) { return m * (m + 1) / 2 + n; }  // m >= n

libint2::Engine engine_for(const chem::BasisSet& a, const chem::BasisSet& b, libint2::BraKet braket) {
  libint2::Engine engine(libint2::Operator::coulomb, std::max(a.max_nprim, b.max_nprim), std::max(a.max_l, b.max_l), 0);
  engine.set(braket);
  engine.set_precision(1e-15);
  return engine;
}

// V_PQ = (P|Q)
Eigen::MatrixXd fitting_metric(const chem::BasisSet& aux) {
  Eigen::MatrixXd v(aux.nbf, aux.nbf);
  const libint2::Shell& unit = libint2::Shell::unit();
  for_each_shell_pair(engine_for(aux, aux, libint2::BraKet::xs_xs), aux.shells.size(),
                      [&](libint2::Engine& engine, std::size_t p, std::size_t q) {
                        const auto& buf = engine.results();
                        engine.compute2<libint2::Operator::coulomb, libint2::BraKet::xs_xs, 0>(aux.shells[p], unit,
                                                                                               aux.shells[q], unit);
                        const std::size_t np = aux.shells[p].size(), nq = aux.shells[q].size();
                        for (std::size_t i = 0; i < np; ++i)
                          for (std::size_t j = 0; j < nq; ++j) {
                            const double x = buf[0] ? buf[0][i * nq + j] : 0.0;
                            v(aux.shell_offset[p] + i, aux.shell_offset[q] + j) = x;
                            v(aux.shell_offset[q] + j, aux.shell_offset[p] + i) = x;
                          }
                      });
  return v;
}

}  // namespace

std::size_t DensityFittedCoulomb::bytes_needed(const chem::BasisSet& basis, const chem::BasisSet& fitting_basis) {
  return n_pairs(basis.nbf) * fitting_basis.nbf * sizeof(double);
}

DensityFittedCoulomb::DensityFittedCoulomb(const chem::BasisSet& basis, const chem::BasisSet& aux,
                                           std::size_t max_bytes)
    : nbf_(basis.nbf) {
  initialize_libint();
  if (const std::size_t need = bytes_needed(basis, aux); need > max_bytes)
    throw InputError("density fitting (RI-J) with " + aux.name + " needs " + std::to_string(need >> 20) +
                     " MiB for the three-centre integrals (" + std::to_string(basis.nbf) + " basis and " +
                     std::to_string(aux.nbf) + " fitting functions), above the limit of " +
                     std::to_string(max_bytes >> 20) + " MiB; raise the limit or use the exact Coulomb build");
  metric_.compute(fitting_metric(aux));
  if (metric_.info() != Eigen::Success)
    throw InputError("density fitting (RI-J): the Coulomb metric of " + aux.name +
                     " is not positive definite on this molecule");

  three_centre_.setZero(static_cast<Eigen::Index>(n_pairs(nbf_)), static_cast<Eigen::Index>(aux.nbf));
  const std::size_t naux_shells = aux.shells.size();
  const libint2::Shell& unit = libint2::Shell::unit();
  // Each shell pair fills its own rows: no two threads write the same element.
  for_each_shell_pair(engine_for(basis, aux, libint2::BraKet::xs_xx), basis.shells.size(),
                      [&](libint2::Engine& engine, std::size_t s1, std::size_t s2) {
                        const auto& buf = engine.results();
                        const std::size_t n1 = basis.shells[s1].size(), n2 = basis.shells[s2].size();
                        const std::size_t o1 = basis.shell_offset[s1], o2 = basis.shell_offset[s2];
                        for (std::size_t p = 0; p < naux_shells; ++p) {
                          engine.compute2<libint2::Operator::coulomb, libint2::BraKet::xs_xx, 0>(
                              aux.shells[p], unit, basis.shells[s1], basis.shells[s2]);
                          if (!buf[0]) continue;
                          const std::size_t np = aux.shells[p].size(), op = aux.shell_offset[p];
                          for (std::size_t a = 0; a < np; ++a)
                            for (std::size_t i = 0; i < n1; ++i)
                              for (std::size_t j = 0; j < n2; ++j) {
                                const std::size_t m = o1 + i, n = o2 + j;
                                if (n > m) continue;  // the diagonal shell pair holds both orders
                                three_centre_(static_cast<Eigen::Index>(pair_index(m, n)),
                                              static_cast<Eigen::Index>(op + a)) = buf[0][(a * n1 + i) * n2 + j];
                              }
                        }
                      });
}

std::vector<Eigen::MatrixXd> DensityFittedCoulomb::coulomb(const std::vector<const Eigen::MatrixXd*>& densities) const {
  const auto nd = static_cast<Eigen::Index>(densities.size());
  const auto nbf = static_cast<Eigen::Index>(nbf_);
  // d_(mn) = D_mn + D_nm (m > n), D_mm: sum_ls (Q|ls) D_ls over packed pairs
  Eigen::MatrixXd packed(three_centre_.rows(), nd);
  for (Eigen::Index d = 0; d < nd; ++d) {
    const Eigen::MatrixXd& x = *densities[static_cast<std::size_t>(d)];
    for (Eigen::Index m = 0; m < nbf; ++m)
      for (Eigen::Index n = 0; n <= m; ++n)
        packed(static_cast<Eigen::Index>(pair_index(m, n)), d) = m == n ? x(m, m) : x(m, n) + x(n, m);
  }
  const Eigen::MatrixXd coefficients = metric_.solve(three_centre_.transpose() * packed);  // (n_aux, nd)
  const Eigen::MatrixXd j_packed = three_centre_ * coefficients;
  std::vector<Eigen::MatrixXd> out(densities.size(), Eigen::MatrixXd(nbf, nbf));
  for (Eigen::Index d = 0; d < nd; ++d)
    for (Eigen::Index m = 0; m < nbf; ++m)
      for (Eigen::Index n = 0; n <= m; ++n)
        out[static_cast<std::size_t>(d)](m, n) = out[static_cast<std::size_t>(d)](n, m) =
            j_packed(static_cast<Eigen::Index>(pair_index(m, n)), d);
  return out;
}

}  // namespace dixc::integrals
