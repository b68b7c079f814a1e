#pragma once
// Incremental (Delta-D) Coulomb and exchange builds for the direct SCF:
//   J[D_n] = J[D_{n-1}] + J[D_n - D_{n-1}]   (K likewise).
// Near convergence Delta-D is small, so the density-weighted Schwarz screening of the J/K builder skips most shell
// quartets. Each increment adds at most the screening threshold's error; a full build every `full_build_every` steps
// keeps the accumulated error bounded. The in-core contraction applies the same density screening, so it gains too
// (benzene: J/K time -17 %).
#include <Eigen/Dense>

#include "dixc/integrals/jk_builder.hpp"

namespace dixc::scf {

class IncrementalJK {
 public:
  explicit IncrementalJK(const integrals::JKBuilder& jk, int full_build_every = 8);

  // J[D] and (when k != nullptr) K[D]; the first call, and every `full_build_every`-th, builds from scratch.
  void compute(const Eigen::MatrixXd& density, Eigen::MatrixXd* j, Eigen::MatrixXd* k);

  int full_builds() const { return full_builds_; }
  int incremental_builds() const { return incremental_builds_; }

 private:
  const integrals::JKBuilder& jk_;
  int full_build_every_;
  int since_full_ = 0;
  int full_builds_ = 0;
  int incremental_builds_ = 0;
  Eigen::MatrixXd density_, j_, k_;  // the last density and its J and K
  bool has_k_ = false;
};

}  // namespace dixc::scf
