// The meta-GGA assembly's tau term on one block of grid points, sum_k d_k phi^T diag(w c / 2) d_k phi
// (SemilocalIntegrator::accumulate), four ways side by side in one run: Eigen's lower-triangle product per
// direction (what the integrator does), Eigen's full products, OpenBLAS dgemm per direction, and OpenBLAS dsyrk on
// the three directions stacked, split by the sign of c (rows scaled by sqrt|c|); next to the GGA part's one
// product of the same shape. Random phi and c, buffers allocated once, microseconds per block (mean of 3000).
// usage: tau_assembly [POINTS FUNCTIONS ...]   (default 64 60  128 80  128 114  100 165; one thread)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <Eigen/Dense>

#include "wall_time.hpp"

// BLAS (the library dixc links, OpenBLAS on Debian), Fortran interface.
extern "C" void dgemm_(const char* ta, const char* tb, const int* m, const int* n, const int* k, const double* alpha,
                       const double* a, const int* lda, const double* b, const int* ldb, const double* beta, double* c,
                       const int* ldc);
extern "C" void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha,
                       const double* a, const int* lda, const double* beta, double* c, const int* ldc);

namespace {

using Matrix = Eigen::MatrixXd;

template <typename F>
double microseconds(F&& f) {
  constexpr int repeats = 3000;
  f();
  return dixc::bench::seconds_once([&] {
           for (int r = 0; r < repeats; ++r) f();
         }) /
         repeats * 1e6;
}

void run(int np, int nb) {
  Matrix g[3];
  for (auto& x : g) x = Matrix::Random(np, nb);
  const Eigen::VectorXd c = Eigen::VectorXd::Random(np);
  Matrix out = Matrix::Zero(nb, nb), part(nb, nb), scaled(np, nb), plus(3 * np, nb), minus(3 * np, nb);
  const double triangle = microseconds([&] {
    part.setZero();
    for (int k = 0; k < 3; ++k) {
      scaled.noalias() = c.asDiagonal() * g[k];
      part.triangularView<Eigen::Lower>() += g[k].transpose() * scaled;
    }
    out += part.selfadjointView<Eigen::Lower>().toDenseMatrix();
  });
  const double full = microseconds([&] {
    for (int k = 0; k < 3; ++k) {
      scaled.noalias() = c.asDiagonal() * g[k];
      out.noalias() += g[k].transpose() * scaled;
    }
  });
  const double blas_gemm = microseconds([&] {
    for (int k = 0; k < 3; ++k) {
      scaled.noalias() = c.asDiagonal() * g[k];
      const double one = 1.0;
      dgemm_("T", "N", &nb, &nb, &np, &one, g[k].data(), &np, scaled.data(), &np, &one, out.data(), &nb);
    }
  });
  const double blas_syrk = microseconds([&] {
    int n_plus = 0, n_minus = 0;
    for (int k = 0; k < 3; ++k)
      for (int p = 0; p < np; ++p) {
        const double s = std::sqrt(std::abs(c[p]));
        if (c[p] > 0)
          plus.row(n_plus++) = s * g[k].row(p);
        else
          minus.row(n_minus++) = s * g[k].row(p);
      }
    part.setZero();
    const int rows = 3 * np;
    const double one = 1.0, minus_one = -1.0;
    if (n_plus) dsyrk_("L", "T", &nb, &n_plus, &one, plus.data(), &rows, &one, part.data(), &nb);
    if (n_minus) dsyrk_("L", "T", &nb, &n_minus, &minus_one, minus.data(), &rows, &one, part.data(), &nb);
    out += part.selfadjointView<Eigen::Lower>().toDenseMatrix();
  });
  const double gga = microseconds([&] {
    scaled.noalias() = c.asDiagonal() * g[0];
    part.noalias() = g[1].transpose() * scaled;
    out += part;
  });
  std::printf("%6d %9d %14.1f %10.1f %12.1f %12.1f %9.1f   (%g)\n", np, nb, triangle, full, blas_gemm, blas_syrk, gga,
              out(0, 0));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {64, 60, 128, 80, 128, 114, 100, 165};
  if (sizes.size() % 2 != 0) {
    std::fprintf(stderr, "usage: tau_assembly [POINTS FUNCTIONS ...]\n");
    return 2;
  }
  std::printf("points functions  eigen_triangle eigen_full openblas_gemm openblas_syrk gga_part   (us per block)\n");
  for (std::size_t i = 0; i < sizes.size(); i += 2) run(sizes[i], sizes[i + 1]);
}
