#pragma once
// A BLACS process grid over an MPI communicator and the 2D block-cyclic layout that ScaLAPACK and ELPA
// expect, with the two conversions the distributed eigensolvers need: replicated -> local blocks, local
// blocks -> replicated. Shared by ScalapackEigensolver and ElpaEigensolver.
#include <mpi.h>

#include <vector>

#include <Eigen/Dense>

namespace dixc::par {

// This rank's part of an n x n matrix distributed block-cyclically (square nb x nb blocks, first block on
// process (0, 0)), column-major with leading dimension ld().
struct LocalBlocks {
  int n = 0;
  int nb = 0;
  int rows = 0;
  int cols = 0;
  // Never empty: ScaLAPACK/ELPA get a valid pointer even on ranks that own no element.
  std::vector<double> data;
  int ld() const { return rows > 0 ? rows : 1; }
};

// Collective over comm (construction and destruction). The grid is as square as the communicator size allows
// (nprow <= npcol), row-major rank order. The communicator is duplicated, so the caller may free its own.
class BlacsGrid {
 public:
  explicit BlacsGrid(MPI_Comm comm);
  ~BlacsGrid();
  BlacsGrid(const BlacsGrid&) = delete;
  BlacsGrid& operator=(const BlacsGrid&) = delete;

  MPI_Comm comm() const { return comm_; }
  int context() const { return context_; }
  int nprow() const { return nprow_; }
  int npcol() const { return npcol_; }
  int myrow() const { return myrow_; }
  int mycol() const { return mycol_; }

  // Zero-filled local storage for an n x n matrix with block size nb.
  LocalBlocks allocate(int n, int nb) const;
  // The elements of a (replicated, n x n) that this rank owns.
  LocalBlocks scatter(const Eigen::MatrixXd& a, int nb) const;
  // Every rank's blocks assembled into the full matrix, identical on all ranks (one MPI_Allreduce).
  Eigen::MatrixXd gather(const LocalBlocks& local) const;
  // ScaLAPACK array descriptor (DESC) of local; throws std::runtime_error if descinit_ rejects it.
  void descriptor(const LocalBlocks& local, int desc[9]) const;

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  int system_handle_ = -1;
  int context_ = -1;
  int nprow_ = 1, npcol_ = 1, myrow_ = 0, mycol_ = 0;
};

}  // namespace dixc::par
