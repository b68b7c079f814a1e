// Finite-difference checks on the exponential parametrisation C(kappa) = C exp(X(kappa)) (theory.md section 2):
// the orbital gradient against central differences of the energy, and Hessian-vector products against central
// differences of the gradient, for HF, PBE and B3LYP, at the SCF solution and at a rotated (non-stationary) point.
#include <gtest/gtest.h>

#include <random>
#include <unsupported/Eigen/MatrixFunctions>

#include "dixc/integrals/jk_builder.hpp"
#include "dixc/response/orbital_hessian.hpp"
#include "dixc/scf/scf.hpp"
#include "dixc/xc/factory.hpp"
#include "support/reference_data.hpp"

namespace dixc {
namespace {

using Matrix = Eigen::MatrixXd;

Matrix random_direction(int n_vir, int n_occ, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  Matrix v(n_vir, n_occ);
  for (int i = 0; i < v.size(); ++i) v.data()[i] = g(gen);
  return v / v.norm();
}

// C exp(X), X = [[0, -k^T], [k, 0]] in the MO basis, occupied first.
Matrix rotate(const Matrix& c, const Matrix& kappa) {
  const int n_occ = static_cast<int>(kappa.cols()), n_mo = static_cast<int>(c.cols());
  Matrix x = Matrix::Zero(n_mo, n_mo);
  x.bottomLeftCorner(n_mo - n_occ, n_occ) = kappa;
  x.topRightCorner(n_occ, n_mo - n_occ) = -kappa.transpose();
  return c * x.exp();
}

double relative_error(const Matrix& a, const Matrix& b) { return (a - b).norm() / b.norm(); }

struct Case {
  const char* molecule;
  const char* functional;
  bool rotated;
};

class OrbitalHessianFd : public ::testing::TestWithParam<Case> {};

TEST_P(OrbitalHessianFd, GradientAndHessianMatchFiniteDifferences) {
  const Case p = GetParam();
  const chem::Molecule molecule = test::reference_geometry(p.molecule);
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis, {1e-14, 1e-16});
  const auto functional = xc::make_functional({p.functional, "coarse"}, molecule, basis);
  const scf::FockBuilder fock_builder(molecule, basis, jk, *functional);
  const auto scf = scf::run_scf(molecule, basis, fock_builder, {});
  ASSERT_TRUE(scf.converged);
  const int n_occ = scf.n_occupied, n_vir = static_cast<int>(scf.coefficients.cols()) - n_occ;
  Matrix c = scf.coefficients;
  if (p.rotated) c = rotate(c, 0.05 * random_direction(n_vir, n_occ, 11));
  const response::OrbitalHessian at(fock_builder, c, n_occ);
  const Matrix g = at.gradient();
  if (p.rotated) ASSERT_GT(g.norm(), 1e-2);  // genuinely away from the stationary point

  const Matrix v = random_direction(n_vir, n_occ, 5);
  const Matrix w = random_direction(n_vir, n_occ, 6);
  const double h = 1e-4;
  auto energy = [&](double t) { return fock_builder.build(2.0 * rotate(c, t * v).leftCols(n_occ) *
                                                         rotate(c, t * v).leftCols(n_occ).transpose())
                                    .energy.total(); };
  // Directional derivative of E (5-point stencil keeps the truncation error ~h^4) versus <g, v>.
  const double fd_dir = (-energy(2 * h) + 8 * energy(h) - 8 * energy(-h) + energy(-2 * h)) / (12 * h);
  const double g_dot_v = g.cwiseProduct(v).sum();
  EXPECT_LT(std::abs(fd_dir - g_dot_v), 1e-6 * std::max(g.norm(), std::abs(g_dot_v)) + 1e-9);

  // H v versus the central difference of g along v; a batch of two directions checks batching too.
  const auto hv = at.hessian_products({v, w});
  const double t = 1e-4;
  auto gradient_at = [&](double s) { return response::OrbitalHessian(fock_builder, rotate(c, s * v), n_occ).gradient(); };
  const Matrix fd_hv = (gradient_at(t) - gradient_at(-t)) / (2 * t);
  EXPECT_LT(relative_error(hv[0], fd_hv), 1e-5) << p.molecule << " " << p.functional;
  // Symmetry of the Hessian: <w, H v> = <v, H w>.
  EXPECT_NEAR(w.cwiseProduct(hv[0]).sum(), v.cwiseProduct(hv[1]).sum(), 1e-8 * hv[0].norm());

  // The XC part alone (theory.md section 3): g_xc and h_xc by the same differences of E_xc and g_xc.
  const auto xc0 = at.xc_part({v});
  auto xc_at = [&](double s) { return response::OrbitalHessian(fock_builder, rotate(c, s * v), n_occ).xc_part({}); };
  const auto xp = xc_at(h), xm = xc_at(-h), xp2 = xc_at(2 * h), xm2 = xc_at(-2 * h);
  const double fd_exc = (-xp2.energy + 8 * xp.energy - 8 * xm.energy + xm2.energy) / (12 * h);
  EXPECT_NEAR(fd_exc, xc0.gradient.cwiseProduct(v).sum(), 1e-6 * xc0.gradient.norm() + 1e-9);
  const Matrix fd_hxc = (xp.gradient - xm.gradient) / (2 * h);
  EXPECT_LT(relative_error(xc0.hessian_products[0], fd_hxc), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(
    HfPbeB3lyp, OrbitalHessianFd,
    ::testing::Values(Case{"H2O", "hf", false}, Case{"H2O", "hf", true}, Case{"HCN", "hf", true},
                      Case{"H2O", "pbe", false}, Case{"H2O", "pbe", true}, Case{"HCN", "pbe", true},
                      Case{"H2O", "b3lyp", false}, Case{"H2O", "b3lyp", true}, Case{"HCN", "b3lyp", false},
                      Case{"HCN", "b3lyp", true}),
    [](const auto& info) {
      return std::string(info.param.molecule) + "_" + info.param.functional + (info.param.rotated ? "_rotated" : "_scf");
    });

// H = 4 (A + B) with A and B built element by element from MO integrals (HF: no XC kernel), and (A - B) too.
TEST(OrbitalHessianExplicit, HessianIsFourTimesAPlusBForHartreeFock) {
  const chem::Molecule molecule = test::reference_geometry("H2O");
  const auto basis = chem::load_basis("def2-svp", molecule);
  const integrals::JKBuilder jk(basis, {0.0, 0.0});
  const auto functional = xc::make_functional({"hf"}, molecule, basis);
  const scf::FockBuilder fock_builder(molecule, basis, jk, *functional);
  const auto scf = scf::run_scf(molecule, basis, fock_builder, {});
  const int n = static_cast<int>(basis.nbf), no = scf.n_occupied, nv = n - no;
  // Full AO ERI tensor (mu nu|la si) from J of unit symmetric densities.
  std::vector<Matrix> eri(n * n);
  for (int la = 0; la < n; ++la)
    for (int si = 0; si <= la; ++si) {
      Matrix e = Matrix::Zero(n, n);
      e(la, si) = e(si, la) = (la == si) ? 1.0 : 0.5;
      Matrix j;
      jk.compute(e, &j, nullptr);
      eri[la * n + si] = eri[si * n + la] = j;
    }
  const Matrix& c = scf.coefficients;
  // Four quarter transformations of the AO tensor to MOs: (pq|rs) = sum C_mu p C_nu q C_la r C_si s (mu nu|la si).
  auto idx = [n](int p, int q, int r, int s) { return ((static_cast<std::size_t>(p) * n + q) * n + r) * n + s; };
  std::vector<double> t(static_cast<std::size_t>(n) * n * n * n), u(t.size());
  for (int mu = 0; mu < n; ++mu)
    for (int nu = 0; nu < n; ++nu)
      for (int la = 0; la < n; ++la)
        for (int si = 0; si < n; ++si) t[idx(la, si, mu, nu)] = eri[la * n + si](mu, nu);
  // Each pass contracts the last index with C and cycles it to the front: after four passes t = (pq|rs).
  for (int pass = 0; pass < 4; ++pass) {
    for (int i0 = 0; i0 < n; ++i0)
      for (int i1 = 0; i1 < n; ++i1)
        for (int i2 = 0; i2 < n; ++i2)
          for (int p = 0; p < n; ++p) {
            double sum = 0.0;
            for (int m = 0; m < n; ++m) sum += t[idx(i0, i1, i2, m)] * c(m, p);
            u[idx(p, i0, i1, i2)] = sum;
          }
    std::swap(t, u);
  }
  auto mo = [&](int p, int q, int r, int s) { return t[idx(p, q, r, s)]; };
  const Eigen::VectorXd& eps = scf.orbital_energies;
  Matrix a(nv * no, nv * no), b(nv * no, nv * no);
  for (int i = 0; i < no; ++i)
    for (int aa = 0; aa < nv; ++aa)
      for (int j = 0; j < no; ++j)
        for (int bb = 0; bb < nv; ++bb) {
          const int row = aa + nv * i, col = bb + nv * j;  // column-major (a, i) like the n_vir x n_occ matrices
          const int A = no + aa, B = no + bb;
          a(row, col) = (row == col ? eps(A) - eps(i) : 0.0) + 2 * mo(i, A, j, B) - mo(i, j, A, B);
          b(row, col) = 2 * mo(i, A, B, j) - mo(i, B, A, j);
        }
  const response::OrbitalHessian at(fock_builder, c, no);
  std::vector<Matrix> units;
  for (int k = 0; k < nv * no; ++k) {
    Matrix u = Matrix::Zero(nv, no);
    u.data()[k] = 1.0;
    units.push_back(u);
  }
  const auto h = at.hessian_products(units);
  const auto p = at.tddft_products(units, false, true);
  Matrix h_full(nv * no, nv * no), amb(nv * no, nv * no);
  for (int k = 0; k < nv * no; ++k) {
    h_full.col(k) = Eigen::Map<const Eigen::VectorXd>(h[k].data(), nv * no);
    amb.col(k) = Eigen::Map<const Eigen::VectorXd>(p.a_minus_b[k].data(), nv * no);
  }
  EXPECT_LT((h_full - 4.0 * (a + b)).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LT((amb - (a - b)).cwiseAbs().maxCoeff(), 1e-9);
}

}  // namespace
}  // namespace dixc
