#pragma once
// Dense symmetric eigensolvers. The SCF only needs "all eigenpairs of a symmetric matrix, ascending"; which
// library does it (LAPACK on one rank, ScaLAPACK or ELPA on a sub-communicator) is a run-time choice.
#include <memory>
#include <string>

#include <Eigen/Dense>

namespace dixc::par {

class Eigensolver {
 public:
  virtual ~Eigensolver() = default;
  virtual std::string name() const = 0;
  // A = V diag(w) V^T with w ascending; A is symmetric. Throws std::runtime_error if the library fails.
  virtual void solve(const Eigen::MatrixXd& a, Eigen::VectorXd& w, Eigen::MatrixXd& v) const = 0;
};

// LAPACK dsyevd on the calling rank.
class LapackEigensolver final : public Eigensolver {
 public:
  std::string name() const override { return "lapack"; }
  void solve(const Eigen::MatrixXd& a, Eigen::VectorXd& w, Eigen::MatrixXd& v) const override;
};

}  // namespace dixc::par
