#pragma once
// ELPA (Eigenvalue soLvers for Petaflop Applications, 2022.11) on a BLACS grid over a communicator.
#include <mpi.h>

#include <memory>
#include <string>

#include "dixc/par/eigensolver.hpp"

namespace dixc::par {

class BlacsGrid;

// ELPA1 reduces straight to tridiagonal form; ELPA2 goes through a banded matrix, which is faster for large
// matrices (Auckenthaler et al., Parallel Comput. 37, 783 (2011)).
enum class ElpaStages { one, two };

// Construction, solve() and destruction are collective over comm. solve() takes A replicated on every rank
// and returns w and V replicated (bitwise identical) on every rank. Throws std::runtime_error with ELPA's
// message if ELPA fails. Blocks shrink below block_size when n is too small to give every process one.
class ElpaEigensolver final : public Eigensolver {
 public:
  explicit ElpaEigensolver(MPI_Comm comm, int block_size = 32, ElpaStages stages = ElpaStages::two);
  ~ElpaEigensolver() override;
  std::string name() const override { return "elpa"; }
  void solve(const Eigen::MatrixXd& a, Eigen::VectorXd& w, Eigen::MatrixXd& v) const override;

 private:
  std::unique_ptr<BlacsGrid> grid_;
  int block_size_;
  ElpaStages stages_;
};

}  // namespace dixc::par
