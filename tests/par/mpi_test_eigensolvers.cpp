// Distributed eigensolvers (ScaLAPACK, ELPA one- and two-stage) against LAPACK dsyevd on random symmetric
// matrices: eigenvalues, residual A V - V diag(w), orthonormality, the same eigenspaces, and results
// replicated bitwise on every rank. Runs under mpiexec; all collectives happen before any assertion so a
// failure on one rank cannot leave the others waiting.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dixc/par/eigensolver_factory.hpp"
#include "dixc/par/elpa_eigensolver.hpp"
#include "dixc/par/mpi_environment.hpp"
#include "dixc/par/scalapack_eigensolver.hpp"
#include "dixc/util/error.hpp"

namespace dixc::par {
namespace {

constexpr double kTolerance = 1e-10;

// Same seed, same binary -> the same matrix on every rank.
Eigen::MatrixXd random_symmetric(int n, unsigned seed) {
  std::mt19937_64 generator(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  Eigen::MatrixXd r(n, n);
  for (Eigen::Index k = 0; k < r.size(); ++k) r.data()[k] = uniform(generator);
  return 0.5 * (r + r.transpose());
}

// Q diag(values) Q^T with a random orthogonal Q: exact multiplicities, so eigenvectors are defined only up to
// rotations inside each eigenspace.
Eigen::MatrixXd with_spectrum(const Eigen::VectorXd& values, unsigned seed) {
  const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(random_symmetric(values.size(), seed))
                                .householderQ();
  const Eigen::MatrixXd a = q * values.asDiagonal() * q.transpose();
  return 0.5 * (a + a.transpose());
}

// Largest deviation of this rank's data from rank 0's (0 when replicated bitwise).
double deviation_from_rank0(const Eigen::VectorXd& w, const Eigen::MatrixXd& v, MPI_Comm comm) {
  Eigen::VectorXd w0 = w;
  Eigen::MatrixXd v0 = v;
  MPI_Bcast(w0.data(), static_cast<int>(w0.size()), MPI_DOUBLE, 0, comm);
  MPI_Bcast(v0.data(), static_cast<int>(v0.size()), MPI_DOUBLE, 0, comm);
  double d = 0.0;
  if (w.size() > 0) d = std::max(d, (w - w0).cwiseAbs().maxCoeff());
  if (v.size() > 0) d = std::max(d, (v - v0).cwiseAbs().maxCoeff());
  return d;
}

// Compares (w, v) for a with LAPACK's answer. Eigenvectors are compared through the projectors onto groups
// of eigenvalues closer than 1e-4 |A| (single vectors otherwise, where ||v v^T - u u^T|| =
// sqrt(2 (1 - (u.v)^2))): signs and rotations inside a degenerate space are arbitrary, and the eigenvector
// error grows as 1/gap.
void expect_matches_lapack(const Eigen::MatrixXd& a, const Eigen::VectorXd& w, const Eigen::MatrixXd& v,
                           const std::string& what) {
  SCOPED_TRACE(what);
  const Eigen::Index n = a.rows();
  ASSERT_EQ(w.size(), n);
  ASSERT_EQ(v.rows(), n);
  ASSERT_EQ(v.cols(), n);
  Eigen::VectorXd w_ref;
  Eigen::MatrixXd v_ref;
  LapackEigensolver().solve(a, w_ref, v_ref);
  const double scale = std::max(1.0, w_ref.cwiseAbs().maxCoeff());

  EXPECT_LE((w - w_ref).cwiseAbs().maxCoeff(), kTolerance * scale);
  EXPECT_TRUE(std::is_sorted(w.data(), w.data() + n));
  EXPECT_LE((a * v - v * w.asDiagonal()).cwiseAbs().maxCoeff(), kTolerance * scale);
  EXPECT_LE((v.transpose() * v - Eigen::MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff(), kTolerance);

  double projector_error = 0.0;
  for (Eigen::Index begin = 0, end = 1; begin < n; begin = end++) {
    while (end < n && w_ref(end) - w_ref(end - 1) < 1e-4 * scale) ++end;
    const auto block = v.middleCols(begin, end - begin);
    const auto block_ref = v_ref.middleCols(begin, end - begin);
    const Eigen::MatrixXd difference = block * block.transpose() - block_ref * block_ref.transpose();
    projector_error = std::max(projector_error, difference.cwiseAbs().maxCoeff());
  }
  EXPECT_LE(projector_error, 1e-8);
}

struct SolverCase {
  std::string label;
  std::function<std::unique_ptr<Eigensolver>(MPI_Comm)> make;
};

class DistributedEigensolver : public ::testing::TestWithParam<SolverCase> {};

TEST_P(DistributedEigensolver, RandomSymmetricMatchesLapack) {
  const auto solver = GetParam().make(MPI_COMM_WORLD);
  for (const int n : {1, 7, 50, 133}) {
    const Eigen::MatrixXd a = random_symmetric(n, 20240 + n);
    Eigen::VectorXd w;
    Eigen::MatrixXd v;
    solver->solve(a, w, v);
    const double deviation = deviation_from_rank0(w, v, MPI_COMM_WORLD);
    EXPECT_EQ(deviation, 0.0) << "n = " << n << ": results differ between ranks";
    expect_matches_lapack(a, w, v, "n = " + std::to_string(n));
  }
}

TEST_P(DistributedEigensolver, DegenerateSpectrumSpansSameSpaces) {
  const auto solver = GetParam().make(MPI_COMM_WORLD);
  Eigen::VectorXd values(40);
  for (int i = 0; i < 40; ++i) values(i) = -3.0 + 0.5 * (i / 4);  // ten eigenvalues, each four times
  const Eigen::MatrixXd a = with_spectrum(values, 7);
  Eigen::VectorXd w;
  Eigen::MatrixXd v;
  solver->solve(a, w, v);
  const double deviation = deviation_from_rank0(w, v, MPI_COMM_WORLD);
  EXPECT_EQ(deviation, 0.0);
  expect_matches_lapack(a, w, v, "fourfold degenerate");
}

// The solvers work on any communicator, not only the world: each half of the ranks solves its own matrix.
TEST_P(DistributedEigensolver, SubCommunicators) {
  const int rank = rank_of(MPI_COMM_WORLD);
  MPI_Comm half = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
  Eigen::VectorXd w;
  Eigen::MatrixXd v;
  const Eigen::MatrixXd a = random_symmetric(61, 99 + rank % 2);
  double deviation = 0.0;
  {
    const auto solver = GetParam().make(half);
    solver->solve(a, w, v);
    deviation = deviation_from_rank0(w, v, half);
  }
  MPI_Comm_free(&half);
  EXPECT_EQ(deviation, 0.0);
  expect_matches_lapack(a, w, v, "sub-communicator " + std::to_string(rank % 2));
}

TEST_P(DistributedEigensolver, EmptyMatrix) {
  const auto solver = GetParam().make(MPI_COMM_WORLD);
  Eigen::VectorXd w;
  Eigen::MatrixXd v;
  solver->solve(Eigen::MatrixXd(0, 0), w, v);
  EXPECT_EQ(w.size(), 0);
  EXPECT_EQ(v.size(), 0);
}

// Block sizes smaller than n / ranks make every rank own several blocks in both directions.
INSTANTIATE_TEST_SUITE_P(
    Solvers, DistributedEigensolver,
    ::testing::Values(
        SolverCase{"scalapack_nb32", [](MPI_Comm c) { return std::make_unique<ScalapackEigensolver>(c); }},
        SolverCase{"scalapack_nb3", [](MPI_Comm c) { return std::make_unique<ScalapackEigensolver>(c, 3); }},
        SolverCase{"elpa2_nb32", [](MPI_Comm c) { return std::make_unique<ElpaEigensolver>(c); }},
        SolverCase{"elpa2_nb4",
                   [](MPI_Comm c) { return std::make_unique<ElpaEigensolver>(c, 4, ElpaStages::two); }},
        SolverCase{"elpa1_nb8",
                   [](MPI_Comm c) { return std::make_unique<ElpaEigensolver>(c, 8, ElpaStages::one); }}),
    [](const ::testing::TestParamInfo<SolverCase>& info) { return info.param.label; });

TEST(EigensolverFactory, MakesEachNamedSolver) {
  for (const auto& name : eigensolver_names()) {
    const auto solver = make_eigensolver(name, MPI_COMM_WORLD);
    EXPECT_EQ(solver->name(), name);
    const Eigen::MatrixXd a = random_symmetric(20, 5);
    Eigen::VectorXd w;
    Eigen::MatrixXd v;
    solver->solve(a, w, v);
    expect_matches_lapack(a, w, v, name);
  }
}

TEST(EigensolverFactory, UnknownNameListsValidOnes) {
  try {
    make_eigensolver("magma", MPI_COMM_WORLD);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("magma"), std::string::npos) << message;
    EXPECT_NE(message.find("lapack, scalapack, elpa"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace dixc::par
