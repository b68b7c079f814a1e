#include "dixc/scf/diis.hpp"

namespace dixc::scf {

Eigen::MatrixXd Diis::extrapolate(const Eigen::MatrixXd& fock, const Eigen::MatrixXd& error) {
  focks_.push_back(fock);
  errors_.push_back(error);
  if (focks_.size() > max_vectors_) {
    focks_.pop_front();
    errors_.pop_front();
  }
  const std::size_t n = focks_.size();
  if (n < 2) return fock;
  // Drop the oldest vectors while the B matrix is too ill-conditioned to trust the coefficients.
  for (std::size_t first = 0; first + 1 < n; ++first) {
    const std::size_t m = n - first;
    Eigen::MatrixXd b = Eigen::MatrixXd::Zero(m + 1, m + 1);
    Eigen::VectorXd rhs = Eigen::VectorXd::Zero(m + 1);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j <= i; ++j)
        b(i, j) = b(j, i) = errors_[first + i].cwiseProduct(errors_[first + j]).sum();
    // Scale so the Lagrange row does not dominate the conditioning.
    const double scale = b.topLeftCorner(m, m).diagonal().maxCoeff();
    if (scale <= 0.0) return fock;
    b.topLeftCorner(m, m) /= scale;
    b.row(m).head(m).setConstant(-1.0);
    b.col(m).head(m).setConstant(-1.0);
    rhs(m) = -1.0;
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(b);
    if (qr.rank() < static_cast<Eigen::Index>(m + 1)) continue;
    const Eigen::VectorXd c = qr.solve(rhs);
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(fock.rows(), fock.cols());
    for (std::size_t i = 0; i < m; ++i) out += c(i) * focks_[first + i];
    return out;
  }
  return fock;
}

}  // namespace dixc::scf
