#include "dixc/par/elpa_eigensolver.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "dixc/par/blacs_grid.hpp"
#include "dixc/par/mpi_environment.hpp"

// elpa.h declares elpa_strerr outside its extern "C" block; declaring it first gives it C linkage.
extern "C" const char* elpa_strerr(int elpa_error);
#include <elpa/elpa.h>

namespace dixc::par {

namespace {

// elpa_init/elpa_uninit are process-wide: the first live solver initialises, the last one releases.
std::mutex elpa_library_mutex;
int elpa_library_users = 0;

void release_elpa_library() {
  int error = ELPA_OK;
  elpa_uninit(&error);
}

void check(int error, const char* what) {
  if (error != ELPA_OK)
    throw std::runtime_error(std::string("ELPA ") + what + " failed: " + elpa_strerr(error));
}

// Owns one configured ELPA handle for the duration of a solve.
class ElpaHandle {
 public:
  ElpaHandle() {
    int error = ELPA_OK;
    handle_ = elpa_allocate(&error);
    check(error, "elpa_allocate");
  }
  ~ElpaHandle() {
    int error = ELPA_OK;
    elpa_deallocate(handle_, &error);
  }
  ElpaHandle(const ElpaHandle&) = delete;
  ElpaHandle& operator=(const ElpaHandle&) = delete;
  void set(const char* key, int value) {
    int error = ELPA_OK;
    elpa_set_integer(handle_, key, value, &error);
    if (error != ELPA_OK)
      throw std::runtime_error(std::string("ELPA could not set ") + key + " = " + std::to_string(value) +
                               ": " + elpa_strerr(error));
  }
  elpa_t get() const { return handle_; }

 private:
  elpa_t handle_ = nullptr;
};

}  // namespace

ElpaEigensolver::ElpaEigensolver(MPI_Comm comm, int block_size, ElpaStages stages)
    : block_size_(block_size), stages_(stages) {
  if (block_size < 1) throw std::invalid_argument("ElpaEigensolver: block size must be positive");
  {
    std::lock_guard lock(elpa_library_mutex);
    if (elpa_library_users == 0 && elpa_init(ELPA_API_VERSION) != ELPA_OK)
      throw std::runtime_error("ELPA library does not support API version " +
                               std::to_string(ELPA_API_VERSION));
    ++elpa_library_users;
  }
  try {
    grid_ = std::make_unique<BlacsGrid>(comm);
  } catch (...) {
    std::lock_guard lock(elpa_library_mutex);
    if (--elpa_library_users == 0) release_elpa_library();
    throw;
  }
}

ElpaEigensolver::~ElpaEigensolver() {
  grid_.reset();
  std::lock_guard lock(elpa_library_mutex);
  if (--elpa_library_users == 0) release_elpa_library();
}

void ElpaEigensolver::solve(const Eigen::MatrixXd& a, Eigen::VectorXd& w, Eigen::MatrixXd& v) const {
  if (a.rows() != a.cols()) throw std::invalid_argument("ElpaEigensolver: matrix is not square");
  const int n = static_cast<int>(a.rows());
  w.resize(n);
  v.resize(n, n);
  if (n == 0) return;

  // ELPA refuses a grid in which some process row or column owns nothing ("processor column with zero
  // width"), so blocks shrink until every process gets one; a matrix smaller than the grid is solved on
  // rank 0.
  const int nb = std::min(block_size_, n / std::max(grid_->nprow(), grid_->npcol()));
  if (nb == 0) {
    if (rank_of(grid_->comm()) == 0) LapackEigensolver().solve(a, w, v);
    MPI_Bcast(w.data(), n, MPI_DOUBLE, 0, grid_->comm());
    MPI_Bcast(v.data(), n * n, MPI_DOUBLE, 0, grid_->comm());
    return;
  }
  LocalBlocks local_a = grid_->scatter(a, nb);
  LocalBlocks local_q = grid_->allocate(n, nb);

  ElpaHandle elpa;
  elpa.set("na", n);
  elpa.set("nev", n);
  elpa.set("local_nrows", local_a.rows);
  elpa.set("local_ncols", local_a.cols);
  elpa.set("nblk", nb);
  elpa.set("mpi_comm_parent", static_cast<int>(MPI_Comm_c2f(grid_->comm())));
  elpa.set("process_row", grid_->myrow());
  elpa.set("process_col", grid_->mycol());
  elpa.set("blacs_context", grid_->context());
  check(elpa_setup(elpa.get()), "elpa_setup");
  elpa.set("solver", stages_ == ElpaStages::one ? ELPA_SOLVER_1STAGE : ELPA_SOLVER_2STAGE);

  int error = ELPA_OK;
  elpa_eigenvectors(elpa.get(), local_a.data.data(), w.data(), local_q.data.data(), &error);
  check(error, "elpa_eigenvectors");

  v = grid_->gather(local_q);
  // ELPA leaves all eigenvalues on every rank, but bitwise agreement is what keeps replicated SCF runs in
  // lockstep, so rank 0 decides.
  MPI_Bcast(w.data(), n, MPI_DOUBLE, 0, grid_->comm());
}

}  // namespace dixc::par
