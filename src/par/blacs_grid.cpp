#include "dixc/par/blacs_grid.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "dixc/par/mpi_environment.hpp"

// BLACS and ScaLAPACK tools ship no C header (toolchain.md).
extern "C" {
int Csys2blacs_handle(MPI_Comm comm);
void Cfree_blacs_system_handle(int handle);
void Cblacs_gridinit(int* context, const char* order, int nprow, int npcol);
void Cblacs_gridinfo(int context, int* nprow, int* npcol, int* myrow, int* mycol);
void Cblacs_gridexit(int context);
int numroc_(const int* n, const int* nb, const int* iproc, const int* isrcproc, const int* nprocs);
void descinit_(int* desc, const int* m, const int* n, const int* mb, const int* nb, const int* irsrc,
               const int* icsrc, const int* context, const int* lld, int* info);
}

namespace dixc::par {

namespace {

// Global index of local index l when blocks of size nb are dealt round-robin to nprocs processes from 0.
int global_index(int l, int nb, int iproc, int nprocs) { return (l / nb * nprocs + iproc) * nb + l % nb; }

}  // namespace

BlacsGrid::BlacsGrid(MPI_Comm comm) {
  // A private duplicate keeps BLACS traffic apart from the caller's and valid for the grid's whole life.
  MPI_Comm_dup(comm, &comm_);
  const int p = size_of(comm_);
  for (int r = 1; r * r <= p; ++r)
    if (p % r == 0) nprow_ = r;
  npcol_ = p / nprow_;
  system_handle_ = Csys2blacs_handle(comm_);
  context_ = system_handle_;
  Cblacs_gridinit(&context_, "Row", nprow_, npcol_);
  int nprow = 0, npcol = 0;
  Cblacs_gridinfo(context_, &nprow, &npcol, &myrow_, &mycol_);
  if (nprow != nprow_ || npcol != npcol_ || myrow_ < 0 || mycol_ < 0)
    throw std::runtime_error("BLACS could not build a " + std::to_string(nprow_) + " x " +
                             std::to_string(npcol_) + " process grid");
}

BlacsGrid::~BlacsGrid() {
  // Only the grid is released: Cblacs_exit would tear down BLACS for every other user of MPI in the process.
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;
  Cblacs_gridexit(context_);
  Cfree_blacs_system_handle(system_handle_);
  MPI_Comm_free(&comm_);
}

LocalBlocks BlacsGrid::allocate(int n, int nb) const {
  LocalBlocks local;
  local.n = n;
  local.nb = nb;
  const int zero = 0;
  local.rows = numroc_(&n, &nb, &myrow_, &zero, &nprow_);
  local.cols = numroc_(&n, &nb, &mycol_, &zero, &npcol_);
  local.data.assign(std::max<std::size_t>(1, std::size_t(local.rows) * std::size_t(local.cols)), 0.0);
  return local;
}

LocalBlocks BlacsGrid::scatter(const Eigen::MatrixXd& a, int nb) const {
  LocalBlocks local = allocate(static_cast<int>(a.rows()), nb);
  for (int jl = 0; jl < local.cols; ++jl) {
    const int j = global_index(jl, nb, mycol_, npcol_);
    for (int il = 0; il < local.rows; ++il)
      local.data[std::size_t(jl) * local.ld() + il] = a(global_index(il, nb, myrow_, nprow_), j);
  }
  return local;
}

Eigen::MatrixXd BlacsGrid::gather(const LocalBlocks& local) const {
  // Each element is owned by exactly one rank and the others add exact zeros: the sum is bitwise the owner's.
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(local.n, local.n);
  for (int jl = 0; jl < local.cols; ++jl) {
    const int j = global_index(jl, local.nb, mycol_, npcol_);
    for (int il = 0; il < local.rows; ++il)
      a(global_index(il, local.nb, myrow_, nprow_), j) = local.data[std::size_t(jl) * local.ld() + il];
  }
  // MPI counts are int: reduce in chunks so matrices beyond 46340^2 elements still work.
  constexpr Eigen::Index chunk = Eigen::Index(1) << 30;
  for (Eigen::Index offset = 0; offset < a.size(); offset += chunk) {
    const int count = static_cast<int>(std::min(chunk, a.size() - offset));
    MPI_Allreduce(MPI_IN_PLACE, a.data() + offset, count, MPI_DOUBLE, MPI_SUM, comm_);
  }
  return a;
}

void BlacsGrid::descriptor(const LocalBlocks& local, int desc[9]) const {
  const int zero = 0, ld = local.ld();
  int info = 0;
  descinit_(desc, &local.n, &local.n, &local.nb, &local.nb, &zero, &zero, &context_, &ld, &info);
  if (info != 0) throw std::runtime_error("ScaLAPACK descinit failed with info = " + std::to_string(info));
}

}  // namespace dixc::par
