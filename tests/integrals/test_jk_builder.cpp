#include <gtest/gtest.h>

#include <random>

#include "dixc/integrals/jk_builder.hpp"
#include "integrals/s_type_basis.hpp"

namespace dixc {
namespace {

using Matrix = Eigen::MatrixXd;

Matrix random_matrix(int n, unsigned seed, integrals::DensitySymmetry symmetry) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Matrix m(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) m(i, j) = u(gen);
  return symmetry == integrals::DensitySymmetry::symmetric ? Matrix(m + m.transpose()) : Matrix(m - m.transpose());
}

// Brute-force J and K from the closed-form (ss|ss) integrals: checks the 8-fold permutational bookkeeping of
// the builder, for symmetric and antisymmetric densities, several at once.
TEST(JKBuilder, MatchesClosedFormIntegralsForSFunctions) {
  const std::vector<test::SPrimitive> prims = {{0.35, {0.0, 0.0, 0.0}}, {1.7, {0.0, 0.0, 0.0}}, {0.8, {0.3, -1.1, 0.4}},
                                               {12.0, {0.3, -1.1, 0.4}}, {0.15, {-1.4, 0.2, 2.0}}, {3.3, {1.0, 1.0, -1.0}}};
  const auto basis = test::s_type_basis(prims);
  const int n = static_cast<int>(prims.size());
  const integrals::JKBuilder builder(basis, {0.0, 0.0});
  const Matrix sym = random_matrix(n, 1, integrals::DensitySymmetry::symmetric);
  const Matrix anti = random_matrix(n, 2, integrals::DensitySymmetry::antisymmetric);
  std::vector<Matrix> j, k;
  builder.compute({{&sym, integrals::DensitySymmetry::symmetric, true, true},
                   {&anti, integrals::DensitySymmetry::antisymmetric, true, true}},
                  j, k);
  for (int d = 0; d < 2; ++d) {
    const Matrix& x = d == 0 ? sym : anti;
    Matrix j_ref = Matrix::Zero(n, n), k_ref = Matrix::Zero(n, n);
    for (int p = 0; p < n; ++p)
      for (int q = 0; q < n; ++q)
        for (int r = 0; r < n; ++r)
          for (int s = 0; s < n; ++s) {
            j_ref(p, q) += test::eri_ssss(prims[p], prims[q], prims[r], prims[s]) * x(r, s);
            k_ref(p, q) += test::eri_ssss(prims[p], prims[r], prims[q], prims[s]) * x(r, s);
          }
    EXPECT_LT((j[d] - j_ref).cwiseAbs().maxCoeff(), 1e-12) << "density " << d;
    EXPECT_LT((k[d] - k_ref).cwiseAbs().maxCoeff(), 1e-12) << "density " << d;
  }
}

// With p and d shells: <Y, K[X]> = <X, K[Y]> and <Y, J[X]> = <X, J[Y]> by the permutational symmetry of the
// integrals, K[X] has the symmetry of X, and batching several densities gives the same as one at a time.
TEST(JKBuilder, ContractionSymmetriesHoldWithHigherAngularMomentum) {
  chem::Molecule m;
  m.name = "HCN";
  m.atoms = {{1, {0.0, 0.0, -3.0}}, {6, {0.0, 0.0, -1.0}}, {7, {0.0, 0.1, 1.2}}};
  const auto basis = chem::load_basis("def2-svp", m);
  const int n = static_cast<int>(basis.nbf);
  const integrals::JKBuilder builder(basis);
  const auto S = integrals::DensitySymmetry::symmetric, A = integrals::DensitySymmetry::antisymmetric;
  const Matrix x1 = random_matrix(n, 3, S), x2 = random_matrix(n, 4, S);
  const Matrix y1 = random_matrix(n, 5, A), y2 = random_matrix(n, 6, A);
  std::vector<Matrix> j, k;
  builder.compute({{&x1, S, true, true}, {&x2, S, true, true}, {&y1, A, false, true}, {&y2, A, false, true}}, j, k);
  auto dot = [](const Matrix& a, const Matrix& b) { return a.cwiseProduct(b).sum(); };
  EXPECT_NEAR(dot(x2, k[0]), dot(x1, k[1]), 1e-9 * std::abs(dot(x2, k[0])));
  EXPECT_NEAR(dot(x2, j[0]), dot(x1, j[1]), 1e-9 * std::abs(dot(x2, j[0])));
  EXPECT_NEAR(dot(y2, k[2]), dot(y1, k[3]), 1e-9 * std::abs(dot(y2, k[2])));
  EXPECT_LT((k[0] - k[0].transpose()).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((k[2] + k[2].transpose()).cwiseAbs().maxCoeff(), 1e-12);
  Matrix j_single, k_single;
  builder.compute(x2, &j_single, &k_single);
  EXPECT_LT((j_single - j[1]).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((k_single - k[1]).cwiseAbs().maxCoeff(), 1e-12);
}

}  // namespace
}  // namespace dixc
