#include "dixc/scf/incremental_jk.hpp"

namespace dixc::scf {

IncrementalJK::IncrementalJK(const integrals::JKBuilder& jk, int full_build_every)
    : jk_(jk), full_build_every_(full_build_every) {}

void IncrementalJK::compute(const Eigen::MatrixXd& density, Eigen::MatrixXd* j, Eigen::MatrixXd* k) {
  const bool want_k = k != nullptr;
  const bool full = density_.size() == 0 || since_full_ + 1 >= full_build_every_ || want_k != has_k_;
  if (full) {
    jk_.compute(density, &j_, want_k ? &k_ : nullptr);
    since_full_ = 0;
    ++full_builds_;
  } else {
    Eigen::MatrixXd dj, dk;
    // 100x tighter screening: an increment's neglected integrals would otherwise add up over the iterations to ~1e-10
    // Eh of energy noise for molecules with heavy atoms (CCl4), as much as the convergence threshold.
    jk_.compute(density - density_, &dj, want_k ? &dk : nullptr, 1e-2);
    j_ += dj;
    if (want_k) k_ += dk;
    ++since_full_;
    ++incremental_builds_;
  }
  density_ = density;
  has_k_ = want_k;
  *j = j_;
  if (want_k) *k = k_;
}

}  // namespace dixc::scf
