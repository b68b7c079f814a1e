#pragma once
// ScaLAPACK pdsyevd (divide and conquer) on a BLACS grid over a communicator.
#include <mpi.h>

#include <memory>
#include <string>

#include "dixc/par/eigensolver.hpp"

namespace dixc::par {

class BlacsGrid;

// Construction, solve() and destruction are collective over comm. solve() takes A replicated on every rank
// and returns w and V replicated (bitwise identical) on every rank; the work is distributed block-cyclically
// with block_size x block_size blocks.
class ScalapackEigensolver final : public Eigensolver {
 public:
  explicit ScalapackEigensolver(MPI_Comm comm, int block_size = 32);
  ~ScalapackEigensolver() override;
  std::string name() const override { return "scalapack"; }
  void solve(const Eigen::MatrixXd& a, Eigen::VectorXd& w, Eigen::MatrixXd& v) const override;

 private:
  std::unique_ptr<BlacsGrid> grid_;
  int block_size_;
};

}  // namespace dixc::par
