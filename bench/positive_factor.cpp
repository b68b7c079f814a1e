// The factor L (L L^T = D) of a ground-state-like density matrix that the integrator takes the density on the grid
// from, once per XC call (SemilocalIntegrator::positive_factor: pivoted Cholesky stopped at the rank, plus the
// check L L^T = D), against the eigendecomposition it replaced (Eigen's SelfAdjointEigenSolver, eigenvalues above
// 1e-13 of the largest), side by side in one run: D = 2 C C^T of random C (n x n/6), medians of 5.
// usage: positive_factor [N ...]   (default 200 500 1000 2000; OMP_NUM_THREADS, OPENBLAS_NUM_THREADS as set)
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <vector>

#include <Eigen/Dense>

#include "dixc/xc/semilocal_integrator.hpp"
#include "wall_time.hpp"

namespace {

Eigen::MatrixXd eigen_factor(const Eigen::MatrixXd& density) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(density);
  const Eigen::VectorXd& lambda = eig.eigenvalues();
  const double largest = lambda.cwiseAbs().maxCoeff();
  Eigen::Index first = 0;
  while (lambda(first) <= 1e-13 * largest) ++first;
  const Eigen::Index rank = lambda.size() - first;
  return eig.eigenvectors().rightCols(rank) * lambda.tail(rank).cwiseSqrt().asDiagonal();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int a = 1; a < argc; ++a) sizes.push_back(std::atoi(argv[a]));
  if (sizes.empty()) sizes = {200, 500, 1000, 2000};
  std::cout << "n  rank  eigendecomposition_s  pivoted_cholesky_s  max|LL^T-D|/max|D|\n";
  for (const int n : sizes) {
    const Eigen::MatrixXd c = Eigen::MatrixXd::Random(n, n / 6) * 0.3;
    const Eigen::MatrixXd density = 2.0 * c * c.transpose();
    Eigen::MatrixXd by_eigen, by_cholesky;
    const double t_eigen = dixc::bench::median_seconds([&] { by_eigen = eigen_factor(density); });
    const double t_cholesky =
        dixc::bench::median_seconds([&] { by_cholesky = dixc::xc::SemilocalIntegrator::positive_factor(density); });
    const double scale = density.cwiseAbs().maxCoeff();
    std::cout << n << "  " << by_cholesky.cols() << "  " << std::setprecision(4) << t_eigen << "  " << t_cholesky
              << "  " << std::setprecision(2)
              << (by_cholesky.size() ? (by_cholesky * by_cholesky.transpose() - density).cwiseAbs().maxCoeff() / scale
                                     : -1.0)
              << "\n";
  }
}
