#pragma once
// Pulay's commutator DIIS (Pulay, J. Comput. Chem. 3, 556 (1982)): extrapolates the Fock matrix from the last
// few iterations by minimising the norm of the combined error e = X^T (F D S - S D F) X.
#include <cstddef>
#include <deque>

#include <Eigen/Dense>

namespace dixc::scf {

class Diis {
 public:
  explicit Diis(std::size_t max_vectors = 8) : max_vectors_(max_vectors) {}
  // Stores (F, e) and returns the extrapolated Fock matrix (F itself until two vectors are stored).
  Eigen::MatrixXd extrapolate(const Eigen::MatrixXd& fock, const Eigen::MatrixXd& error);
  void reset() {
    focks_.clear();
    errors_.clear();
  }
  std::size_t size() const { return focks_.size(); }

 private:
  std::size_t max_vectors_;
  std::deque<Eigen::MatrixXd> focks_, errors_;
};

}  // namespace dixc::scf
