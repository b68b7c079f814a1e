#include "dixc/par/scalapack_eigensolver.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "dixc/par/blacs_grid.hpp"

extern "C" void pdsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* ia,
                         const int* ja, const int* desca, double* w, double* z, const int* iz, const int* jz,
                         const int* descz, double* work, const int* lwork, int* iwork, const int* liwork,
                         int* info);

namespace dixc::par {

namespace {

struct Workspace {
  int lwork;
  int liwork;
};

// pdsyevd's own LWMIN/LIWMIN (what the query returns, ScaLAPACK 2.2.1) cover its documented formula but not
// the argument checks of the routines it calls: once blocks are large against n / nprocs, PDLASRT (inside
// PDSTEDC) and PDORMTR reject the workspace, print "parameter ... had an illegal value" and return, and
// pdsyevd still reports INFO = 0 with wrong eigenvectors. So size for each callee's check, at the offset
// pdsyevd hands it (PDSTEDC, PDLASRT, PDORMTR: WORK(2N+1:); PDSYTRD: WORK(4N+1:)), using the local sizes of
// process (0, 0), which are the largest, so every rank passes the same numbers.
Workspace workspace(int n, int nb, int nprow, int npcol) {
  const long blocks = (long(n) + nb - 1) / nb;  // per dimension; process (0, 0) owns ceil(blocks / p) of them
  const long np = (blocks + nprow - 1) / nprow * nb, nq = (blocks + npcol - 1) / npcol * nb;
  const long pdstedc = 1 + 6L * n + 2 * np * nq;
  const long pdlasrt = std::max<long>(n, np * (nb + nq));
  const long pdormtr = std::max<long>(long(nb) * (nb - 1) / 2, (np + nq) * nb) + long(nb) * nb;
  const long pdsytrd = std::max<long>(nb * (np + 1), 3L * nb);
  const long lwork = std::max({2L * n + std::max({pdstedc, pdlasrt, pdormtr}), 4L * n + pdsytrd});
  const long liwork = std::max(7L * n + 8L * npcol + 2, long(n) + 2L * (nb + npcol));
  if (lwork > std::numeric_limits<int>::max())
    throw std::runtime_error("ScaLAPACK pdsyevd: workspace for n = " + std::to_string(n) +
                             " exceeds a 32-bit LWORK");
  return {static_cast<int>(lwork), static_cast<int>(liwork)};
}

}  // namespace

ScalapackEigensolver::ScalapackEigensolver(MPI_Comm comm, int block_size)
    : grid_(std::make_unique<BlacsGrid>(comm)), block_size_(block_size) {
  if (block_size < 1) throw std::invalid_argument("ScalapackEigensolver: block size must be positive");
}

ScalapackEigensolver::~ScalapackEigensolver() = default;

void ScalapackEigensolver::solve(const Eigen::MatrixXd& a, Eigen::VectorXd& w, Eigen::MatrixXd& v) const {
  if (a.rows() != a.cols()) throw std::invalid_argument("ScalapackEigensolver: matrix is not square");
  const int n = static_cast<int>(a.rows());
  w.resize(n);
  v.resize(n, n);
  if (n == 0) return;

  LocalBlocks local_a = grid_->scatter(a, block_size_);
  LocalBlocks local_z = grid_->allocate(n, block_size_);
  int desc_a[9], desc_z[9];
  grid_->descriptor(local_a, desc_a);
  grid_->descriptor(local_z, desc_z);

  const int one = 1;
  int info = 0, lwork = -1, liwork = -1;
  // The query writes more than WORK(1)/IWORK(1) in some ScaLAPACK builds (toolchain.md: pdsygvx touches
  // WORK(1:5)); spare room costs nothing.
  std::vector<double> work(16, 0.0);
  std::vector<int> iwork(16, 0);
  pdsyevd_("V", "L", &n, local_a.data.data(), &one, &one, desc_a, w.data(), local_z.data.data(), &one, &one,
           desc_z, work.data(), &lwork, iwork.data(), &liwork, &info);
  if (info != 0) throw std::runtime_error("ScaLAPACK pdsyevd workspace query failed with info = " +
                                          std::to_string(info));
  const Workspace need = workspace(n, block_size_, grid_->nprow(), grid_->npcol());
  lwork = std::max(static_cast<int>(work[0]), need.lwork);
  liwork = std::max(iwork[0], need.liwork);
  work.assign(lwork, 0.0);
  iwork.assign(liwork, 0);
  pdsyevd_("V", "L", &n, local_a.data.data(), &one, &one, desc_a, w.data(), local_z.data.data(), &one, &one,
           desc_z, work.data(), &lwork, iwork.data(), &liwork, &info);
  if (info != 0) throw std::runtime_error("ScaLAPACK pdsyevd failed with info = " + std::to_string(info));

  v = grid_->gather(local_z);
  // pdsyevd's W is documented global, but bitwise agreement across ranks is what keeps replicated SCF runs in
  // lockstep, so rank 0 decides.
  MPI_Bcast(w.data(), n, MPI_DOUBLE, 0, grid_->comm());
}

}  // namespace dixc::par
